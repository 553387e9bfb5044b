package dev.metalprov.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import dev.metalprov.testing.OciTestRegistry;
import dev.metalprov.testing.OciTestRegistry.Blob;

/**
 * What the operator's built-in boot service needs around it: an OCI registry on loopback that
 * holds the seed claims' image ({@code my-osimage:latest}, a Docker Hub name, pulled through
 * the registry as a mirror), and the settings that point the operator at it and put the boot
 * server on a free loopback port.
 */
final class BootService implements AutoCloseable {

    static final String SEED_IMAGE_COMMAND_LINE = "rd.neednet=1 ip=dhcp";

    private final OciTestRegistry registry;
    private final int port;

    private BootService(OciTestRegistry registry, int port) {
        this.registry = registry;
        this.port = port;
    }

    static BootService start(Path work) {
        return start(work, "127.0.0.1");
    }

    /** The registry on this address of the machine (where a pod reaches it). */
    static BootService start(Path work, String address) {
        OciTestRegistry registry = OciTestRegistry.start(work, address);
        try {
            // Small stand-ins for a real kernel, initramfs and root filesystem: the operator checks media types, not contents.
            registry.push("library/my-osimage", "latest", SEED_IMAGE_COMMAND_LINE, List.of(
                    new Blob(OciTestRegistry.KERNEL, "a kernel".getBytes(StandardCharsets.UTF_8)),
                    new Blob(OciTestRegistry.INITRAMFS, "an initramfs".getBytes(StandardCharsets.UTF_8)),
                    new Blob(OciTestRegistry.SQUASHFS, "a root filesystem".getBytes(StandardCharsets.UTF_8))));
            return new BootService(registry, Processes.freePort());
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
    }

    /** The operator's environment for its boot service. */
    Map<String, String> operatorSettings() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Map.of(
                "METAL_BOOT_HOST", "127.0.0.1",
                "METAL_BOOT_PORT", String.valueOf(port),
                "METAL_BOOT_TOKEN_KEY", HexFormat.of().formatHex(key),
                "METAL_BOOT_ALLOWED_REGISTRIES", "docker.io," + registry.host(),
                "METAL_BOOT_PLAIN_HTTP_REGISTRIES", registry.host(),
                "METAL_BOOT_REGISTRY_MIRRORS", "docker.io=" + registry.host(),
                "METAL_BOOT_ERROR_RECHECK_INTERVAL", "2s");
    }

    /** Where machines reach the boot server. */
    String url() {
        return "http://127.0.0.1:" + port;
    }

    OciTestRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        registry.close();
    }
}
