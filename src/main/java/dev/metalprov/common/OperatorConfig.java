package dev.metalprov.common;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

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

    /**
     * How long a release may wait for the BMC to confirm power Off before the claim goes anyway
     * and the server is quarantined (Error, out of the pool) until the BMC confirms it.
     */
    @WithDefault("5m")
    Duration releaseTimeout();

    /** How often a claim being deleted looks whether its server has been released. */
    @WithDefault("2s")
    Duration releaseCheckInterval();

    /** How often a bound claim whose Ignition Secret is missing, or whose user-data Secret is missing or of the wrong type, looks again. */
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

    /**
     * How long the work that follows a bind (the server's power-on, the built-in boot service's
     * answer) may wait while other claims still wait for theirs ({@code claim.BindingFirst}); longer
     * only while binds still go on, and never longer than five times this; 0 never waits.
     */
    @WithDefault("2m")
    Duration bindingFirstMaxHold();

    /** The built-in boot service. */
    Boot boot();

    /**
     * The boot service: resolves boot configurations' images, checks their Ignition and serves
     * iPXE scripts, UEFI HTTP boot answers, Ignition and image layers to the machines.
     */
    interface Boot {

        /**
         * Off in clusters that run IronCore's boot-operator: the operator then only waits for an
         * external boot service to set the state of ServerBootConfigurations.
         */
        @WithDefault("true")
        boolean enabled();

        /** The boot server's own port, apart from the port of metrics and health. */
        @WithDefault("8082")
        int port();

        /** The address the boot server listens on. */
        @WithDefault("0.0.0.0")
        String host();

        /**
         * The URL machines reach the boot server at (e.g. {@code http://10.0.0.5:8082}); it goes
         * into iPXE scripts and UEFI HTTP boot URIs. Without it, the listening address is used.
         */
        Optional<String> advertisedUrl();

        /**
         * The key Ignition tokens are derived from. Without it, a random key is made at start-up,
         * and tokens handed out before a restart stop working after it.
         */
        Optional<String> tokenKey();

        /** Registries that images may come from (host, or host:port). */
        @WithDefault("ghcr.io")
        List<String> allowedRegistries();

        /** Registries spoken to over plain HTTP instead of HTTPS (host:port), such as a registry on loopback. */
        Optional<List<String>> plainHttpRegistries();

        /** Pulls from a registry go to a mirror instead: {@code registry=mirror} pairs, e.g. {@code ghcr.io=mirror.local:5000}. */
        Optional<List<String>> registryMirrors();

        /** The architecture picked from a multi-platform image. */
        @WithDefault("amd64")
        String architecture();

        /** Kernel arguments added to every iPXE script, after the image's own command line. */
        @WithDefault("console=ttyS0,115200n8")
        String kernelArguments();

        /**
         * The kernel argument that names the root filesystem image's URL, when the image has one;
         * IronCore's Garden Linux images read {@code gl.url}.
         */
        @WithDefault("gl.url")
        String rootfsArgument();

        /** How long a resolved tag is trusted before its registry is asked again. */
        @WithDefault("5m")
        Duration imageCacheTtl();

        /** How often a boot configuration in Error is checked again (an image pushed, a Secret fixed). */
        @WithDefault("30s")
        Duration errorRecheckInterval();

        /** How often a Ready boot configuration is checked again, in case its Secret or image changed. */
        @WithDefault("5m")
        Duration readyRecheckInterval();
    }

    /** The built-in metadata service. */
    Metadata metadata();

    /**
     * The metadata service, compatible with upstream's metaldata: a machine asks for its own
     * metadata and its claim's user data, and is known by the address it calls from.
     */
    interface Metadata {

        /** Off where IronCore's metaldata runs instead, or where no machine needs user data. */
        @WithDefault("true")
        boolean enabled();

        /** The metadata server's own port (upstream's metaldata listens on 10002 too). */
        @WithDefault("10002")
        int port();

        /** The address the metadata server listens on. */
        @WithDefault("0.0.0.0")
        String host();

        /**
         * Values every machine gets beside its own ({@code metal.metadata.static.<key>=<value>}),
         * as upstream's {@code --static-metadata}; {@code server-name} and {@code user-data} are
         * reserved.
         */
        @io.smallrye.config.WithName("static")
        java.util.Map<String, String> staticValues();
    }

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
