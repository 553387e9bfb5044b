package dev.metalprov.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
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
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.common.Conditions;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The upstream documentation's two claims, applied verbatim with kubectl to a real API server,
 * served by the packaged operator over real Redfish (sushy-tools): Bound, Reserved, boot
 * configuration made Ready by the built-in boot service from a real OCI registry, powered On as
 * sushy-tools' own API shows, the machine's iPXE script and Ignition fetched by its UUID, then
 * released with Recycle (by name) and with Retain (by selector).
 */
@ExtendWith(EndToEnd.class)
class SeedFlowIT {

    private static final Duration DEADLINE = Duration.ofMinutes(2);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
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

        ServerBootConfiguration ready = awaitReady("my-server-claim");
        assertEquals("ImageResolved", Conditions.reason(ready.getStatus().getConditions(), "ImageValidation").orElse(null));
        await("sushy-tools to report my-server On",
                () -> environment.seedRack.system(EndToEnd.SEED_RACK.get(0).uuid()).path("PowerState").asText(), "On"::equals);
        await("my-server's status to show On", () -> server("my-server"), s -> s.getStatus().getPowerState() == ServerPowerState.ON);
        // What a platform team waits on: the claim's Ready condition, and the columns that say it.
        environment.plane.kubectl("wait", "--for=condition=Ready", "serverclaim/my-server-claim", "-n", "default",
                "--timeout=120s").orFail("kubectl wait for the claim's Ready condition");
        String columns = environment.plane.kubectl("get", "serverclaim", "my-server-claim", "-n", "default",
                "--no-headers").orFail("kubectl get serverclaim").out();
        assertTrue(columns.matches("(?s)my-server-claim\\s+my-server\\s+my-osimage:latest\\s+On\\s+Bound\\s+True\\s+Provisioned\\s+\\S+\\s*"),
                "SERVER, IMAGE, POWER, PHASE, READY, REASON, then AGE: " + columns);
        environment.plane.kubectl("wait", "--for=condition=Ready", "server/my-server", "--timeout=60s")
                .orFail("kubectl wait for the server's Ready condition");
        environment.plane.kubectl("wait", "--for=condition=Ready", "serverbootconfiguration/my-server-claim", "-n", "default",
                "--timeout=60s").orFail("kubectl wait for the boot configuration's Ready condition");
        // Never powered before the boot configuration was Ready: the power-on came after Ready, by the record.
        // An event's time is kept to the second, the condition's to the nanosecond: compare seconds.
        java.time.Instant readyAt = java.time.Instant.parse(Conditions.find(ready.getStatus().getConditions(), "ImageValidation")
                .orElseThrow().getLastTransitionTime()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        // Only this claim's events: my-server may have been powered on for an earlier claim.
        java.time.Instant claimedAt = java.time.Instant.parse(claim.getMetadata().getCreationTimestamp());
        var poweringOn = await("the PoweringOn event of my-server for this claim", () -> admin.v1().events().inNamespace("default")
                .list().getItems().stream().filter(e -> "my-server".equals(e.getInvolvedObject().getName())
                        && "PoweringOn".equals(e.getReason())
                        && !java.time.Instant.parse(e.getFirstTimestamp()).isBefore(claimedAt)).toList(), events -> !events.isEmpty());
        poweringOn.forEach(event -> assertFalse(java.time.Instant.parse(event.getFirstTimestamp()).isBefore(readyAt),
                "powered on at " + event.getFirstTimestamp() + ", before the boot configuration was Ready at " + readyAt));

        // The machine, now booting from the network, fetches its script and then its Ignition.
        String uuid = EndToEnd.SEED_RACK.get(0).uuid();
        String script = await("the iPXE script for my-server", () -> fetch("/ipxe/" + uuid), r -> r.statusCode() == 200).body();
        assertTrue(script.startsWith("#!ipxe\n"), script);
        assertTrue(script.contains("kernel " + environment.boot.url() + "/images/" + uuid + "/kernel initrd=initramfs "
                + BootService.SEED_IMAGE_COMMAND_LINE), script);
        String ignitionUrl = Arrays.stream(script.split("\\s+")).filter(a -> a.startsWith("ignition.config.url="))
                .map(a -> a.substring("ignition.config.url=".length())).findFirst().orElseThrow();
        assertEquals(404, fetch("/ignition/" + uuid + "?token=guessed").statusCode(), "a guessed token gets nothing");
        assertEquals(404, fetch("/ignition/" + EndToEnd.SEED_RACK.get(1).uuid() + ignitionUrl.substring(ignitionUrl.indexOf('?')))
                .statusCode(), "another server's UUID with this token gets nothing");
        HttpResponse<String> ignition = fetch(ignitionUrl.substring(environment.boot.url().length()));
        assertEquals(200, ignition.statusCode());
        assertTrue(ignition.body().startsWith("{\"ignition\": {\"version\": \"3.4.0\"}"), "the sample Secret's Ignition");
        ServerBootConfiguration fetched = await("the fetched conditions", () -> bootConfiguration("my-server-claim"),
                c -> Conditions.isTrue(c.getStatus().getConditions(), "IPXEScriptFetched")
                        && Conditions.isTrue(c.getStatus().getConditions(), "IgnitionDataFetched"));
        assertEquals(BootConfigurationState.READY, fetched.getStatus().getState());

        admin.resource(claim).delete();
        await("the claim to be gone", () -> claim("my-server-claim"), Objects::isNull);
        Server recycled = await("my-server to be Available again and Off", () -> server("my-server"),
                s -> s.getStatus().getState() == ServerState.AVAILABLE && s.getStatus().getPowerState() == ServerPowerState.OFF);
        assertNull(recycled.getSpec().getServerClaimRef());
        assertEquals("Off", environment.seedRack.system(EndToEnd.SEED_RACK.get(0).uuid()).path("PowerState").asText());
    }

    @Test
    void aClaimThatCannotBindIsNotReadyAndSaysWhy() {
        ServerClaim claim = new ServerClaim();
        claim.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withNamespace("default").withName("not-ready").build());
        var spec = new dev.metalprov.api.v1alpha1.ServerClaimSpec();
        spec.setPower(dev.metalprov.api.v1alpha1.Power.ON);
        spec.setImage("my-osimage:latest");
        spec.setServerRef(new dev.metalprov.api.v1alpha1.LocalObjectReference("no-such-server"));
        claim.setSpec(spec);
        admin.resource(claim).create();
        try {
            environment.plane.kubectl("wait", "--for=jsonpath={.status.conditions[?(@.type==\"Ready\")].reason}=ServerNotFound",
                    "serverclaim/not-ready", "-n", "default", "--timeout=60s").orFail("waiting for Ready=False, ServerNotFound");
            ServerClaim waiting = claim("not-ready");
            assertEquals("False", Conditions.find(waiting.getStatus().getConditions(), "Ready").orElseThrow().getStatus());
            assertEquals(Conditions.find(waiting.getStatus().getConditions(), "Bound").orElseThrow().getMessage(),
                    Conditions.find(waiting.getStatus().getConditions(), "Ready").orElseThrow().getMessage(),
                    "Ready tells the message of the condition that holds it up");
        } finally {
            admin.resource(claim).delete();
        }
    }

    @Test
    void theClaimBySelectorBindsTheLabelledServerAndIsRetained() {
        environment.plane.kubectl("apply", "-f", "deploy/samples/serverclaim-by-selector.yaml").orFail("applying the seed claim");
        ServerClaim claim = await("the selector claim to be Bound", () -> claim("selector-server-claim"),
                c -> c != null && c.getStatus() != null && c.getStatus().getPhase() == ClaimPhase.BOUND
                        && c.getSpec().getServerRef() != null);
        assertEquals("gpu-server-1", claim.getSpec().getServerRef().getName());
        awaitReady("selector-server-claim");
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

    /** The operator's boot service, not the test, makes the boot configuration Ready. */
    private static ServerBootConfiguration awaitReady(String name) {
        return await("boot configuration " + name + " to be made Ready by the boot service", () -> bootConfiguration(name),
                c -> c != null && c.getStatus() != null && c.getStatus().getState() == BootConfigurationState.READY);
    }

    private static HttpResponse<String> fetch(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(environment.boot.url() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
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
