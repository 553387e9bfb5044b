package dev.metalprov.claim;

import java.net.HttpURLConnection;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.api.v1alpha1.ObjectReference;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerBootConfiguration;
import dev.metalprov.api.v1alpha1.ServerClaim;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * The one place that writes a binding. The API server is the lock: the chosen server is checked
 * and written back with the resourceVersion it was read at, so of two claims racing for a
 * server exactly one write succeeds, however old the copy each of them had.
 */
@ApplicationScoped
public class ServerBinder {

    private static final Logger LOG = Logger.getLogger(ServerBinder.class);

    @Inject
    KubernetesClient client;

    @Inject
    ClaimBindingPolicy policy;

    @Inject
    BindLedger ledger;

    /**
     * Every server that carries a claim's uid label, read with a consistent list: the binds on
     * the API server, whatever the informer has seen so far. Read once per process ({@link BindLedger}).
     */
    public List<Server> boundServers() {
        return client.resources(Server.class).withLabel(Metal.CLAIM_UID_LABEL).list().getItems();
    }

    /** The server as the API server has it now: only for the rare case of a bind whose answer was lost. */
    public Optional<Server> live(String serverName) {
        return Optional.ofNullable(client.resources(Server.class).withName(serverName).get());
    }

    /**
     * Binds the server to the claim, or answers empty when the server no longer fits or somebody
     * else wrote it first (409). The copy comes from the informer (with the SDK's record of the
     * operator's own latest writes): the write carries its resourceVersion, so a stale copy costs
     * a 409, never a second binding. A server that already points at the claim is returned as it is.
     * A write whose answer is lost is put in the ledger as uncertain before the error goes on.
     */
    public Optional<Server> tryBind(ServerClaim claim, Server cached, Context<ServerClaim> context,
            InformerEventSource<Server, ServerClaim> servers) {
        if (ClaimBindingPolicy.refersTo(cached.getSpec().getServerClaimRef(), claim)) {
            return Optional.of(cached);
        }
        String serverName = cached.getMetadata().getName();
        Optional<String> misfit = policy.whyNot(claim, cached);
        if (misfit.isPresent()) {
            LOG.debugf("claim %s/%s: %s", claim.getMetadata().getNamespace(), claim.getMetadata().getName(), misfit.get());
            return Optional.empty();
        }
        Server bound = client.getKubernetesSerialization().clone(cached);
        bound.getSpec().setServerClaimRef(claimRef(claim));
        bound.getSpec().setBootConfigurationRef(bootConfigurationRef(claim));
        var labels = new HashMap<String, String>();
        if (bound.getMetadata().getLabels() != null) {
            labels.putAll(bound.getMetadata().getLabels());
        }
        labels.put(Metal.CLAIM_UID_LABEL, claim.getMetadata().getUid());
        bound.getMetadata().setLabels(labels);
        try {
            // update() sends the resourceVersion of the copy: the optimistic lock.
            Server written = context.resourceOperations().update(bound, servers);
            ledger.written(claim, written);
            return Optional.of(written);
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                LOG.debugf("claim %s/%s lost server %s to a concurrent write", claim.getMetadata().getNamespace(),
                        claim.getMetadata().getName(), serverName);
                return Optional.empty();
            }
            if (e.getCode() < HttpURLConnection.HTTP_BAD_REQUEST || e.getCode() >= HttpURLConnection.HTTP_INTERNAL_ERROR) {
                // No answer, or the API server failed: the write may have been applied.
                ledger.uncertain(claim, cached);
            }
            throw e;
        } catch (RuntimeException e) {
            ledger.uncertain(claim, cached);
            throw e;
        }
    }

    static ObjectReference claimRef(ServerClaim claim) {
        ObjectReference ref = new ObjectReference(claim.getMetadata().getNamespace(), claim.getMetadata().getName());
        ref.setApiVersion(Metal.API_VERSION);
        ref.setKind(HasMetadata.getKind(ServerClaim.class));
        ref.setUid(claim.getMetadata().getUid());
        return ref;
    }

    static ObjectReference bootConfigurationRef(ServerClaim claim) {
        ObjectReference ref = new ObjectReference(claim.getMetadata().getNamespace(), claim.getMetadata().getName());
        ref.setApiVersion(Metal.API_VERSION);
        ref.setKind(HasMetadata.getKind(ServerBootConfiguration.class));
        return ref;
    }
}
