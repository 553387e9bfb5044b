package dev.metalprov.operator;

import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import dev.metalprov.common.OperatorConfig;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.runtime.ShutdownEvent;

/**
 * Gives the Lease up when the operator stops in an orderly way, as client-go's
 * {@code ReleaseOnCancel} does: the holder is cleared and the lease shortened to a second, so a
 * standby takes over at its next try instead of waiting out the whole lease duration. The SDK's
 * elector does not do it (it never releases on cancel).
 *
 * <p>It runs after the SDK has stopped the controllers (a later priority than the SDK's own
 * shutdown observer), so that the next leader never overlaps with reconciles of this one. It
 * writes only a Lease this replica still holds, and with the resourceVersion it read: a
 * replica that already lost the Lease leaves the new holder's alone.
 */
@ApplicationScoped
public class LeaseRelease {

    private static final Logger LOG = Logger.getLogger(LeaseRelease.class);

    @Inject
    KubernetesClient client;

    @Inject
    OperatorConfig config;

    @Inject
    LeaderIdentity identity;

    void release(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) ShutdownEvent stop) {
        if (!config.leaderElection().enabled() || !identity.elected()) {
            return;
        }
        String name = config.leaderElection().leaseName();
        // The SDK closes the operator's client when it stops, so the release gets one of its own,
        // with the same configuration, for this one exchange.
        try (KubernetesClient releasing = new KubernetesClientBuilder().withConfig(client.getConfiguration()).build()) {
            var leases = releasing.leases().inNamespace(releasing.getNamespace()).withName(name);
            Lease lease = leases.get();
            if (lease == null || lease.getSpec() == null || !identity.value().equals(lease.getSpec().getHolderIdentity())) {
                return;
            }
            lease.getSpec().setHolderIdentity(null);
            lease.getSpec().setLeaseDurationSeconds(1);
            lease.getSpec().setRenewTime(ZonedDateTime.now().truncatedTo(ChronoUnit.MICROS));
            releasing.resource(lease).update();
            LOG.infof("released the Lease %s on shutdown", name);
        } catch (KubernetesClientException | IllegalStateException e) {
            // Not fatal: the standby then waits out the lease duration, as without this.
            LOG.warnf("could not release the Lease %s on shutdown: %s", name, e.getMessage());
        }
    }
}
