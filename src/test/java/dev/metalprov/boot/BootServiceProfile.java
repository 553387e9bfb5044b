package dev.metalprov.boot;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.metalprov.testing.OciTestRegistry;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The operator with its built-in boot service on, against a real OCI registry on loopback.
 * Images named without a registry (Docker Hub, as the seed claims name theirs) come from that
 * registry through the mirror setting, as they would from a pull-through mirror in a cluster.
 */
public class BootServiceProfile implements QuarkusTestProfile {

    public static final String REGISTRY_PROPERTY = "boot-test.registry";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("metal.boot.enabled", "true");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(Registry.class));
    }

    /** Starts the registry before the operator and stops it after. */
    public static class Registry implements QuarkusTestResourceLifecycleManager {

        private OciTestRegistry registry;

        @Override
        public Map<String, String> start() {
            registry = OciTestRegistry.start(Path.of("target", "oci-registry"));
            String host = registry.host();
            return Map.of(
                    REGISTRY_PROPERTY, host,
                    "metal.boot.allowed-registries", host + ",docker.io",
                    "metal.boot.plain-http-registries", host,
                    "metal.boot.registry-mirrors", "docker.io=" + host);
        }

        @Override
        public void stop() {
            if (registry != null) {
                registry.close();
            }
        }
    }
}
