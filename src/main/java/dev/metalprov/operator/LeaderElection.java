package dev.metalprov.operator;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

import dev.metalprov.common.OperatorConfig;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;

/**
 * Leader election as the Quarkus Operator SDK takes it: a {@link LeaderElectionConfiguration}
 * bean, looked up at start-up in the prod profile. No bean (here: {@code null}) means every
 * replica reconciles. The Lease lives in the namespace of the operator's Kubernetes client
 * ({@code QUARKUS_KUBERNETES_CLIENT_NAMESPACE}, the pod's own namespace in the Deployment);
 * the holder's identity is the pod name ({@code HOSTNAME}). A replica that loses the Lease
 * exits, and its pod is restarted as a standby.
 */
public class LeaderElection {

    @Produces
    @Dependent
    LeaderElectionConfiguration leaderElection(OperatorConfig config) {
        if (!config.leaderElection().enabled()) {
            return null;
        }
        return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(config.leaderElection().leaseName()).build();
    }
}
