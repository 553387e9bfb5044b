package dev.metalprov.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.metalprov.api.v1alpha1.BootConfigurationState;
import dev.metalprov.api.v1alpha1.ClaimPhase;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerBootConfiguration;
import dev.metalprov.api.v1alpha1.ServerBootConfigurationStatus;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.api.v1alpha1.ServerState;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The upstream documentation's two claims, applied verbatim with kubectl to a real API server,
 * served by the packaged operator over real Redfish (sushy-tools): Bound, Reserved, boot
 * configuration Ready, powered On as sushy-tools' own API shows, then released with Recycle
 * (by name) and with Retain (by selector).
 */
@ExtendWith(EndToEnd.class)
class SeedFlowIT {

    private static final Duration DEADLINE = Duration.ofMinutes(2);
    static EndToEnd.Environment environment;
    static KubernetesClient admin;

    @BeforeAll
    static void seedServers(EndToEnd.Environment env) throws Exception {
        environment = env;
        admin = env.plane.admin();
        // The seed servers of deploy/samples/servers.yaml, pointed at the emulator's port.
        String servers = Files.readString(Path.of("deploy", "samples", "servers.yaml"))
                .replace("port: 8000", "port: " + env.seedRack.port());
        Path file = Files.writeString(Files.createTempFile("servers", ".yaml"), servers);
        Yaml.apply(env, Yaml.bmcSecret("my-bmc-secret"));
        env.plane.kubectl("apply", "-f", file.toString()).orFail("applying the seed servers");
        env.plane.kubectl("apply", "-f", "deploy/samples/ignition-secret.yaml").orFail("applying the Ignition Secret");
        for (String name : new String[] { "my-server", "gpu-server-1" }) {
            await("server " + name + " to be Available", () -> server(name),
                    s -> s != null && s.getStatus() != null && s.getStatus().getState() == ServerState.AVAILABLE);
        }
    }

    @Test
    void theClaimByNameBindsBootsPowersOnAndIsRecycled() {
        environment.plane.kubectl("apply", "-f", "deploy/samples/serverclaim-by-name.yaml").orFail("applying the seed claim");
        ServerClaim claim = await("the claim to be Bound", () -> claim("my-server-claim"),
                c -> c != null && c.getStatus() != null && c.getStatus().getPhase() == ClaimPhase.BOUND);
        await("my-server to be Reserved", () -> server("my-server"), s -> s.getStatus().getState() == ServerState.RESERVED);
        ServerBootConfiguration sbc = await("its boot configuration", () -> bootConfiguration("my-server-claim"), Objects::nonNull);
        assertEquals("my-osimage:latest", sbc.getSpec().getImage());
        assertEquals("my-ignition-secret", sbc.getSpec().getIgnitionSecretRef().getName());
        assertEquals("Off", environment.seedRack.system(EndToEnd.SEED_RACK.get(0).uuid()).path("PowerState").asText(),
                "not powered before the boot configuration is Ready");

        markReady("my-server-claim");
        await("sushy-tools to report my-server On",
                () -> environment.seedRack.system(EndToEnd.SEED_RACK.get(0).uuid()).path("PowerState").asText(), "On"::equals);
        await("my-server's status to show On", () -> server("my-server"), s -> s.getStatus().getPowerState() == ServerPowerState.ON);

        admin.resource(claim).delete();
        await("the claim to be gone", () -> claim("my-server-claim"), Objects::isNull);
        assertEquals("Off", environment.seedRack.system(EndToEnd.SEED_RACK.get(0).uuid()).path("PowerState").asText());
        Server recycled = await("my-server to be Available again", () -> server("my-server"),
                s -> s.getStatus().getState() == ServerState.AVAILABLE);
        assertNull(recycled.getSpec().getServerClaimRef());
    }

    @Test
    void theClaimBySelectorBindsTheLabelledServerAndIsRetained() {
        environment.plane.kubectl("apply", "-f", "deploy/samples/serverclaim-by-selector.yaml").orFail("applying the seed claim");
        ServerClaim claim = await("the selector claim to be Bound", () -> claim("selector-server-claim"),
                c -> c != null && c.getStatus() != null && c.getStatus().getPhase() == ClaimPhase.BOUND
                        && c.getSpec().getServerRef() != null);
        assertEquals("gpu-server-1", claim.getSpec().getServerRef().getName());
        markReady("selector-server-claim");
        await("sushy-tools to report gpu-server-1 On",
                () -> environment.seedRack.system(EndToEnd.SEED_RACK.get(1).uuid()).path("PowerState").asText(), "On"::equals);

        admin.resource(claim).delete();
        await("the claim to be gone", () -> claim("selector-server-claim"), Objects::isNull);
        Server released = await("gpu-server-1 to be Released", () -> server("gpu-server-1"),
                s -> s.getStatus().getState() == ServerState.RELEASED);
        assertEquals("selector-server-claim", released.getSpec().getServerClaimRef().getName());
        assertEquals("Off", environment.seedRack.system(EndToEnd.SEED_RACK.get(1).uuid()).path("PowerState").asText());

        environment.plane.kubectl("patch", "server", "gpu-server-1", "--type=json",
                "-p=[{\"op\":\"remove\",\"path\":\"/spec/serverClaimRef\"}]").orFail("clearing the claim reference");
        await("gpu-server-1 to be Available once the reference is cleared", () -> server("gpu-server-1"),
                s -> s.getStatus().getState() == ServerState.AVAILABLE);
    }

    private static void markReady(String name) {
        // The boot service's part (it comes with its own tests): mark the boot configuration Ready.
        ServerBootConfiguration sbc = bootConfiguration(name);
        ServerBootConfigurationStatus status = new ServerBootConfigurationStatus();
        status.setState(BootConfigurationState.READY);
        sbc.setStatus(status);
        admin.resource(sbc).patchStatus();
    }

    private static Server server(String name) {
        return admin.resources(Server.class).withName(name).get();
    }

    private static ServerClaim claim(String name) {
        return admin.resources(ServerClaim.class).inNamespace("default").withName(name).get();
    }

    private static ServerBootConfiguration bootConfiguration(String name) {
        return admin.resources(ServerBootConfiguration.class).inNamespace("default").withName(name).get();
    }

    /** Waits until the value read satisfies the condition (null included), and answers it. */
    static <T> T await(String what, Supplier<T> read, Predicate<T> condition) {
        java.util.concurrent.atomic.AtomicReference<T> last = new java.util.concurrent.atomic.AtomicReference<>();
        Awaitility.await(what).atMost(DEADLINE).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> {
                    T value = read.get();
                    last.set(value);
                    return condition.test(value);
                });
        return last.get();
    }
}
