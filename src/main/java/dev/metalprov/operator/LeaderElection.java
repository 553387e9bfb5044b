package dev.metalprov.operator;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

import dev.metalprov.common.OperatorConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;

/**
 * Leader election as the Quarkus Operator SDK takes it: a {@link LeaderElectionConfiguration}
 * bean, looked up at start-up in the prod profile. No bean (here: {@code null}) means every
 * replica reconciles. The Lease lives in the namespace of the operator's Kubernetes client
 * ({@code QUARKUS_KUBERNETES_CLIENT_NAMESPACE}, the pod's own namespace in the Deployment);
 * the holder's identity is the pod name ({@code HOSTNAME}, see {@link LeaderIdentity}). A
 * replica that loses the Lease exits ({@link LostLease}), and its pod is restarted as a standby;
 * one that stops in an orderly way gives the Lease up ({@link LeaseRelease}).
 */
public class LeaderElection {

    @Produces
    @Dependent
    LeaderElectionConfiguration leaderElection(OperatorConfig config, LeaderIdentity identity, LostLease lost) {
        if (!config.leaderElection().enabled()) {
            return null;
        }
        identity.electing();
        return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(config.leaderElection().leaseName())
                .withIdentity(identity.value())
                .withLeaderCallbacks(new LeaderCallbacks(() -> {
                }, lost::stoppedLeading, leader -> {
                }))
                .build();
    }
}
