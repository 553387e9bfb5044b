package dev.metalprov.common;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every tunable of the operator, in one place ({@code metal.*} in application.properties or env). */
@ConfigMapping(prefix = "metal")
public interface OperatorConfig {

    /** How often a server's power state is read back from its BMC while it is changing. */
    @WithDefault("5s")
    Duration powerPollInterval();

    /** How often a server's power state is refreshed when nothing is changing: BMCs send no watch events. */
    @WithDefault("60s")
    Duration powerResyncInterval();

    /** How long a graceful shutdown may take before the server is forced off. */
    @WithDefault("120s")
    Duration gracefulShutdownTimeout();

    /** How long to wait before asking a BMC again for a power action it has not carried out. */
    @WithDefault("60s")
    Duration powerActionRetryInterval();

    /** How often a claim being deleted looks whether its server has been released. */
    @WithDefault("2s")
    Duration releaseCheckInterval();

    /** How often a bound claim whose Ignition Secret is missing looks for it again. */
    @WithDefault("30s")
    Duration ignitionSecretRecheckInterval();

    /** The first wait before a server whose BMC failed is tried again; it doubles with every failure. */
    @WithDefault("5s")
    Duration errorBackoff();

    /** The longest wait between tries of a failing BMC. */
    @WithDefault("5m")
    Duration maxErrorBackoff();

    /** How many servers a claim tries in one reconcile when others win the race for them. */
    @WithDefault("5")
    int bindAttempts();

    /** One active replica at a time, through a Lease in the operator's own namespace. */
    LeaderElection leaderElection();

    interface LeaderElection {

        /**
         * Whether replicas elect a leader before they reconcile. Only the prod profile elects
         * (the tests on the mock server run one operator); the Deployment sets it explicitly.
         */
        @WithDefault("true")
        boolean enabled();

        /** The Lease the replicas compete for, in the namespace of the operator's Kubernetes client. */
        @WithDefault("metal-operator-leader")
        String leaseName();
    }
}
