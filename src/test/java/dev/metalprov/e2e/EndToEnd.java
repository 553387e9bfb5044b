package dev.metalprov.e2e;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts the end-to-end environment once for all test classes that use it, and stops every
 * process it started when the test run ends, whether the tests passed or not: a real
 * kube-apiserver and etcd with deploy/overlays/builtin-boot (CRDs, RBAC, Deployment) applied by
 * kubectl, sushy-tools as real Redfish BMCs, an OCI registry holding the seed claims' image, and
 * the packaged operator running as its ServiceAccount, with its built-in boot and metadata services.
 */
public class EndToEnd implements BeforeAllCallback, ParameterResolver {

    /** The machines of the seed servers, written by hand as in deploy/samples/servers.yaml. */
    static final List<SushyEmulator.System> SEED_RACK = List.of(
            new SushyEmulator.System("my-server", "38947555-7742-3448-3784-823347823834", "52:54:00:00:00:01"),
            new SushyEmulator.System("gpu-server-1", "9a3c1f4e-2b8d-4e6a-9c01-5d7e8f9a0b1c", "52:54:00:00:00:02"));

    /** The machines behind a BMC object, whose servers the operator creates. */
    static final List<SushyEmulator.System> POOL_RACK = List.of(
            new SushyEmulator.System("pool-1", "2d1f8c30-6a55-4a0e-8e3e-1f0d2a9b7c11", "52:54:00:00:00:03"),
            new SushyEmulator.System("pool-2", "2d1f8c30-6a55-4a0e-8e3e-1f0d2a9b7c12", "52:54:00:00:00:04"),
            new SushyEmulator.System("pool-3", "2d1f8c30-6a55-4a0e-8e3e-1f0d2a9b7c13", "52:54:00:00:00:05"));

    /** The machines the binding race fights over, behind a BMC of their own. */
    static final List<SushyEmulator.System> RACE_RACK = java.util.stream.IntStream.range(0, 6)
            .mapToObj(i -> new SushyEmulator.System("race-" + i, "7ace0000-0000-4000-8000-00000000000" + i, "52:54:00:00:01:0" + i))
            .toList();

    /** Everything one test run shares. */
    static final class Environment implements ExtensionContext.Store.CloseableResource {
        final ControlPlane plane;
        final SushyEmulator seedRack;
        final SushyEmulator poolRack;
        final SushyEmulator raceRack;
        final OperatorProcess operator;
        final BootService boot;
        /** The port of the operator's metadata service, on 127.0.0.1. */
        final int metadataPort;

        Environment(ControlPlane plane, SushyEmulator seedRack, SushyEmulator poolRack, SushyEmulator raceRack,
                OperatorProcess operator, BootService boot, int metadataPort) {
            this.plane = plane;
            this.seedRack = seedRack;
            this.poolRack = poolRack;
            this.raceRack = raceRack;
            this.operator = operator;
            this.boot = boot;
            this.metadataPort = metadataPort;
        }

        @Override
        public void close() {
            for (AutoCloseable part : new AutoCloseable[] { operator, seedRack, poolRack, raceRack, boot, plane }) {
                try {
                    if (part != null) {
                        part.close();
                    }
                } catch (Exception e) {
                    // Keep stopping the rest.
                }
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        environment(context);
    }

    static Environment environment(ExtensionContext context) {
        // A failed start is remembered, so that every test class reports it instead of trying again.
        Object started = context.getRoot().getStore(ExtensionContext.Namespace.create(EndToEnd.class))
                .getOrComputeIfAbsent(Environment.class, key -> {
                    try {
                        return start();
                    } catch (RuntimeException e) {
                        return e;
                    }
                });
        if (started instanceof RuntimeException failure) {
            throw new IllegalStateException("the end-to-end environment did not start", failure);
        }
        return (Environment) started;
    }

    private static Environment start() {
        Path work = Path.of("target", "e2e");
        deleteRecursively(work);
        ControlPlane plane = ControlPlane.start(work.resolve("control-plane"));
        SushyEmulator seedRack = null;
        SushyEmulator poolRack = null;
        SushyEmulator raceRack = null;
        BootService boot = null;
        try {
            plane.installOperator();
            seedRack = SushyEmulator.start(work.resolve("sushy-seed"), SEED_RACK);
            poolRack = SushyEmulator.start(work.resolve("sushy-pool"), POOL_RACK);
            raceRack = SushyEmulator.start(work.resolve("sushy-race"), RACE_RACK);
            boot = BootService.start(work.resolve("registry"));
            Map<String, String> settings = new java.util.HashMap<>(Map.of(
                    "METAL_POWER_POLL_INTERVAL", "1s",
                    "METAL_POWER_RESYNC_INTERVAL", "5s",
                    "METAL_RELEASE_CHECK_INTERVAL", "1s",
                    "METAL_IGNITION_SECRET_RECHECK_INTERVAL", "2s",
                    "METAL_GRACEFUL_SHUTDOWN_TIMEOUT", "20s",
                    "METAL_ERROR_BACKOFF", "1s",
                    "METAL_MAX_ERROR_BACKOFF", "10s",
                    // Longer than the graceful shutdown timeout, as in the defaults (5 min against 120 s).
                    "METAL_RELEASE_TIMEOUT", "30s",
                    "METAL_POWER_ACTION_RETRY_INTERVAL", "10s"));
            settings.putAll(boot.operatorSettings());
            // The metadata service on 127.0.0.1, which machines played from other loopback addresses (127.0.0.23) reach.
            int metadataPort = Processes.freePort();
            settings.put("METAL_METADATA_HOST", "127.0.0.1");
            settings.put("METAL_METADATA_PORT", String.valueOf(metadataPort));
            OperatorProcess operator = OperatorProcess.start(plane, work, settings);
            Environment environment = new Environment(plane, seedRack, poolRack, raceRack, operator, boot, metadataPort);
            // Also when the test JVM is stopped from outside, no process is left behind.
            Runtime.getRuntime().addShutdownHook(new Thread(environment::close));
            return environment;
        } catch (RuntimeException e) {
            new Environment(plane, seedRack, poolRack, raceRack, null, boot, 0).close();
            throw e;
        }
    }

    static void deleteRecursively(Path folder) {
        if (!java.nio.file.Files.exists(folder)) {
            return;
        }
        try (var paths = java.nio.file.Files.walk(folder)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Environment.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return environment(context);
    }
}
