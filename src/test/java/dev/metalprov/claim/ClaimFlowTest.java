package dev.metalprov.claim;

import static dev.metalprov.claim.ClaimConditions.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.metalprov.api.v1alpha1.ClaimPhase;
import dev.metalprov.api.v1alpha1.LocalObjectReference;
import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.api.v1alpha1.Power;
import dev.metalprov.api.v1alpha1.ReclaimPolicy;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerBootConfiguration;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerClaimSpec;
import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.common.Conditions;
import dev.metalprov.testing.FakePowerAdapter;
import dev.metalprov.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The claim flow of the upstream documentation, on the Kubernetes mock server with a fake BMC:
 * the seed claims bind, get their boot configuration and are powered on only once it is Ready;
 * release recycles or retains; what cannot be bound says why and binds by itself later.
 */
@QuarkusTest
@WithKubernetesTestServer
class ClaimFlowTest {

    private static final Path SAMPLES = Path.of("deploy", "samples");

    @Inject
    KubernetesClient client;

    @Inject
    FakePowerAdapter bmc;

    @Inject
    BindingFirst bindingFirst;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    TestCluster cluster;

    @BeforeEach
    void setUp() {
        cluster = new TestCluster(client);
    }

    @AfterEach
    void tearDown() {
        cluster.cleanUp();
    }

    @Test
    void seedClaimByNameBindsBootsAndPowersOn() {
        createSampleServersAndSecret();
        ServerClaim claim = cluster.create(cluster.load(SAMPLES.resolve("serverclaim-by-name.yaml"), ServerClaim.class).get(0));
        String ns = claim.getMetadata().getNamespace();

        ServerClaim bound = cluster.awaitClaim(ns, "my-server-claim", "to be Bound",
                c -> c.getStatus() != null && c.getStatus().getPhase() == ClaimPhase.BOUND);
        assertTrue(bound.getMetadata().getFinalizers().contains(Metal.SERVER_CLAIM_FINALIZER), "the claim carries its finalizer");
        Server server = cluster.awaitServer("my-server", "to be Reserved", s -> stateOf(s) == ServerState.RESERVED);
        assertEquals("my-server-claim", server.getSpec().getServerClaimRef().getName());
        assertEquals(ns, server.getSpec().getServerClaimRef().getNamespace());
        assertEquals(bound.getMetadata().getUid(), server.getSpec().getServerClaimRef().getUid());
        assertEquals("my-server-claim", server.getSpec().getBootConfigurationRef().getName());

        ServerBootConfiguration sbc = cluster.awaitBootConfiguration(ns, "my-server-claim", "to exist", Objects::nonNull);
        assertEquals("my-server", sbc.getSpec().getServerRef().getName());
        assertEquals("my-osimage:latest", sbc.getSpec().getImage());
        assertEquals("my-ignition-secret", sbc.getSpec().getIgnitionSecretRef().getName());
        assertEquals(bound.getMetadata().getUid(), sbc.getMetadata().getOwnerReferences().get(0).getUid());

        ServerClaim waiting = cluster.awaitClaim(ns, "my-server-claim", "to wait for its boot configuration",
                c -> WAITING_FOR_BOOT_SERVICE.equals(reason(c, BOOT_CONFIGURATION_READY)));
        assertEquals(WAITING_FOR_BOOT_CONFIGURATION, reason(waiting, POWER_STATE_REACHED));
        // The operator has looked at the reserved server's power again since, and still not powered it on.
        int reads = bmc.reads("my-server");
        cluster.awaitUntil("my-server's power to be read again while it waits", () -> bmc.reads("my-server"), n -> n > reads);
        assertFalse(bmc.actions("my-server").contains("On"), "never powered on before the boot configuration is Ready");

        cluster.markReady(ns, "my-server-claim");
        cluster.awaitServer("my-server", "to be powered On", s -> s.getStatus().getPowerState() == ServerPowerState.ON);
        List<String> actions = bmc.actions("my-server");
        assertTrue(actions.indexOf("BootOnce:PXE") >= 0 && actions.indexOf("BootOnce:PXE") < actions.indexOf("On"),
                "a one-time network boot is set before powering on: " + actions);
        ServerClaim on = cluster.awaitClaim(ns, "my-server-claim", "to report its power reached",
                c -> Conditions.isTrue(c.getStatus().getConditions(), POWER_STATE_REACHED));
        assertTrue(Conditions.isTrue(on.getStatus().getConditions(), BOUND));
        assertTrue(Conditions.isTrue(on.getStatus().getConditions(), BOOT_CONFIGURATION_READY));
        assertEquals(1, actions.stream().filter("On"::equals).count(), "powered on once: " + actions);
    }

    @Test
    void seedClaimBySelectorBindsTheLabelledServerAndRecordsIt() {
        createSampleServersAndSecret();
        ServerClaim claim = cluster.create(cluster.load(SAMPLES.resolve("serverclaim-by-selector.yaml"), ServerClaim.class).get(0));
        String ns = claim.getMetadata().getNamespace();

        ServerClaim bound = cluster.awaitClaim(ns, "selector-server-claim", "to be Bound with spec.serverRef written",
                c -> c.getStatus() != null && c.getStatus().getPhase() == ClaimPhase.BOUND && c.getSpec().getServerRef() != null);
        assertEquals("gpu-server-1", bound.getSpec().getServerRef().getName());
        assertEquals("gpu-node", bound.getSpec().getServerSelector().getMatchLabels().get("hardwareType"), "selector kept");
        cluster.awaitServer("gpu-server-1", "to be Reserved", s -> stateOf(s) == ServerState.RESERVED);
        assertNull(cluster.getServer("my-server").getSpec().getServerClaimRef(), "the unlabelled server stays free");
    }

    @Test
    void deletingAClaimRecyclesItsServerOnlyAfterThePowerIsOff() {
        cluster.ignitionSecret("recycle", "ignition");
        cluster.create(cluster.server("recycle-1", Map.of()));
        cluster.awaitServer("recycle-1", "to be Available", s -> stateOf(s) == ServerState.AVAILABLE);
        ServerClaim claim = cluster.create(claim("recycle", "c", "recycle-1", null));
        cluster.markReady("recycle", "c");
        cluster.awaitServer("recycle-1", "to be powered On", s -> s.getStatus().getPowerState() == ServerPowerState.ON);

        client.resource(claim).delete();
        cluster.awaitGone(claim);
        Server server = cluster.awaitServer("recycle-1", "to be Available and Off again", s -> s.getStatus().getState() == ServerState.AVAILABLE
                && s.getStatus().getPowerState() == ServerPowerState.OFF);
        assertNull(server.getSpec().getServerClaimRef());
        assertNull(server.getSpec().getBootConfigurationRef());
        assertFalse(server.getMetadata().getLabels() != null && server.getMetadata().getLabels().containsKey(Metal.CLAIM_UID_LABEL));
        assertNull(cluster.getBootConfiguration("recycle", "c"), "the boot configuration is deleted");
        List<String> actions = bmc.actions("recycle-1");
        assertEquals("GracefulShutdown", actions.get(actions.size() - 1), "powered off gracefully: " + actions);
    }

    @Test
    void aServerThatIgnoresGracefulShutdownIsForcedOff() {
        cluster.ignitionSecret("force", "ignition");
        cluster.create(cluster.server("force-1", Map.of()));
        cluster.awaitServer("force-1", "to be Available", s -> stateOf(s) == ServerState.AVAILABLE);
        ServerClaim claim = cluster.create(claim("force", "c", "force-1", null));
        cluster.markReady("force", "c");
        cluster.awaitServer("force-1", "to be powered On", s -> s.getStatus().getPowerState() == ServerPowerState.ON);
        bmc.ignoreGracefulShutdown("force-1");

        client.resource(claim).delete();
        cluster.awaitGone(claim);
        cluster.awaitServer("force-1", "to be Available again", s -> s.getStatus().getState() == ServerState.AVAILABLE);
        List<String> actions = bmc.actions("force-1");
        assertTrue(actions.contains("GracefulShutdown") && actions.indexOf("GracefulShutdown") < actions.indexOf("ForceOff"),
                "graceful first, then forced: " + actions);
    }

    @Test
    void retainKeepsTheServerReleasedUntilTheReferenceIsCleared() {
        cluster.ignitionSecret("retain", "ignition");
        Server retained = cluster.server("retain-1", Map.of());
        retained.getSpec().setReclaimPolicy(ReclaimPolicy.RETAIN);
        cluster.create(retained);
        cluster.awaitServer("retain-1", "to be Available", s -> stateOf(s) == ServerState.AVAILABLE);
        ServerClaim claim = cluster.create(claim("retain", "db-primary-7", "retain-1", null));
        cluster.markReady("retain", "db-primary-7");
        cluster.awaitServer("retain-1", "to be powered On", s -> s.getStatus().getPowerState() == ServerPowerState.ON);

        client.resource(claim).delete();
        cluster.awaitGone(claim);
        Server released = cluster.awaitServer("retain-1", "to be Released", s -> stateOf(s) == ServerState.RELEASED);
        assertEquals("db-primary-7", released.getSpec().getServerClaimRef().getName(), "Retain keeps the claim reference");
        assertNull(released.getSpec().getBootConfigurationRef());
        assertEquals(ServerPowerState.OFF, released.getStatus().getPowerState());
        // The server's events live in "default", which tenants may read: they never name the claim.
        List<String> events = cluster.awaitUntil("the Released event of retain-1", () -> client.v1().events().inNamespace("default")
                .list().getItems().stream().filter(e -> "retain-1".equals(e.getInvolvedObject().getName()))
                .map(e -> e.getReason() + ": " + e.getMessage()).toList(), list -> list.stream().anyMatch(m -> m.startsWith("Released")));
        assertTrue(events.stream().noneMatch(m -> m.startsWith("Reserved")), "the bind is the claim's event only: " + events);
        assertTrue(events.stream().noneMatch(m -> m.contains("db-primary-7")), "no server event names the claim: " + events);

        TestCluster.edit(client.resources(Server.class).withName("retain-1"), s -> {
            s.getSpec().setServerClaimRef(null);
            return s;
        });
        cluster.awaitServer("retain-1", "to be Available once the reference is cleared",
                s -> stateOf(s) == ServerState.AVAILABLE);
    }

    @Test
    void aClaimForAMissingServerSaysSoAndBindsWhenTheServerAppears() {
        cluster.ignitionSecret("missing", "ignition");
        ServerClaim claim = cluster.create(claim("missing", "c", "missing-1", null));
        ServerClaim waiting = cluster.awaitClaim("missing", "c", "to report ServerNotFound",
                c -> SERVER_NOT_FOUND.equals(reason(c, BOUND)));
        assertEquals(ClaimPhase.UNBOUND, waiting.getStatus().getPhase());
        assertEquals(claim.getMetadata().getGeneration(), waiting.getStatus().getObservedGeneration());

        cluster.create(cluster.server("missing-1", Map.of()));
        cluster.awaitClaim("missing", "c", "to bind once the server exists",
                c -> c.getStatus().getPhase() == ClaimPhase.BOUND);
    }

    @Test
    void aCordonedServerIsNotAvailableUntilUncordoned() {
        cluster.ignitionSecret("cordon", "ignition");
        Server cordoned = cluster.server("cordon-1", Map.of());
        cordoned.getSpec().setUnclaimable(true);
        cluster.create(cordoned);
        cluster.awaitServer("cordon-1", "to be Available", s -> stateOf(s) == ServerState.AVAILABLE);
        cluster.create(claim("cordon", "c", "cordon-1", null));
        ServerClaim waiting = cluster.awaitClaim("cordon", "c", "to report ServerNotAvailable",
                c -> SERVER_NOT_AVAILABLE.equals(reason(c, BOUND)));
        assertTrue(message(waiting, BOUND).contains("cordoned"), message(waiting, BOUND));

        TestCluster.edit(client.resources(Server.class).withName("cordon-1"), s -> {
            s.getSpec().setUnclaimable(false);
            return s;
        });
        cluster.awaitClaim("cordon", "c", "to bind once uncordoned", c -> c.getStatus().getPhase() == ClaimPhase.BOUND);
    }

    @Test
    void aSelectorWithoutMatchSaysSoAndBindsWhenAServerIsLabelled() {
        cluster.ignitionSecret("nomatch", "ignition");
        cluster.create(cluster.server("nomatch-1", Map.of("pool", "blue")));
        cluster.awaitServer("nomatch-1", "to be Available", s -> stateOf(s) == ServerState.AVAILABLE);
        cluster.create(claim("nomatch", "c", null, Map.of("pool", "green")));
        cluster.awaitClaim("nomatch", "c", "to report NoMatchingServer", c -> NO_MATCHING_SERVER.equals(reason(c, BOUND)));

        TestCluster.edit(client.resources(Server.class).withName("nomatch-1"), s -> {
            s.getMetadata().getLabels().put("pool", "green");
            return s;
        });
        ServerClaim bound = cluster.awaitClaim("nomatch", "c", "to bind the relabelled server",
                c -> c.getStatus().getPhase() == ClaimPhase.BOUND);
        assertEquals("nomatch-1", bound.getSpec().getServerRef().getName());
    }

    @Test
    void aMissingIgnitionSecretIsReportedAndNoticedWhenCreated() {
        cluster.create(cluster.server("ignition-1", Map.of()));
        cluster.awaitServer("ignition-1", "to be Available", s -> stateOf(s) == ServerState.AVAILABLE);
        cluster.create(claim("ignition", "c", "ignition-1", null));
        ServerClaim waiting = cluster.awaitClaim("ignition", "c", "to report IgnitionSecretMissing",
                c -> IGNITION_SECRET_MISSING.equals(reason(c, BOOT_CONFIGURATION_READY)));
        assertEquals(ClaimPhase.BOUND, waiting.getStatus().getPhase(), "the server is held meanwhile");

        cluster.ignitionSecret("ignition", "ignition");
        cluster.awaitClaim("ignition", "c", "to notice the Secret",
                c -> WAITING_FOR_BOOT_SERVICE.equals(reason(c, BOOT_CONFIGURATION_READY)));
    }

    @Test
    void aClaimWhoseServerNeverExistedIsDeletableAtOnce() {
        ServerClaim claim = cluster.create(claim("never", "c", "never-existed", null));
        ServerClaim waiting = cluster.awaitClaim("never", "c", "to report its server missing",
                c -> SERVER_NOT_FOUND.equals(reason(c, BOUND)));
        // Only a claim that holds a server carries the finalizer: nothing is left to release here.
        assertTrue(waiting.getMetadata().getFinalizers() == null
                || !waiting.getMetadata().getFinalizers().contains(Metal.SERVER_CLAIM_FINALIZER), "no finalizer while unbound");
        client.resource(claim).delete();
        cluster.awaitGone(claim);
    }

    @Test
    void aClaimWhoseServerWasDeletedIsDeletableAtOnce() {
        cluster.ignitionSecret("gone", "ignition");
        Server server = cluster.create(cluster.server("gone-1", Map.of()));
        ServerClaim claim = cluster.create(claim("gone", "c", "gone-1", null));
        cluster.awaitClaim("gone", "c", "to be Bound", c -> c.getStatus() != null && c.getStatus().getPhase() == ClaimPhase.BOUND);
        client.resource(server).delete();
        cluster.awaitClaim("gone", "c", "to report its server gone", c -> SERVER_NOT_FOUND.equals(reason(c, BOUND)));
        client.resource(claim).delete();
        cluster.awaitGone(claim);
    }

    @Test
    void aServerRefThatNoLongerNamesTheBoundServerIsReportedAndTheBindingKept() {
        // A real API server refuses this edit (spec.serverRef is immutable by CEL, which the
        // end-to-end suite shows); the mock server does not, so the operator's own guard shows here.
        cluster.ignitionSecret("mismatch", "ignition");
        cluster.create(cluster.server("mismatch-1", Map.of()));
        cluster.create(cluster.server("mismatch-2", Map.of()));
        cluster.create(claim("mismatch", "c", "mismatch-1", null));
        cluster.awaitServer("mismatch-1", "to be Reserved", s -> stateOf(s) == ServerState.RESERVED);
        TestCluster.edit(client.resources(ServerClaim.class).inNamespace("mismatch").withName("c"), c -> {
            c.getSpec().setServerRef(new LocalObjectReference("mismatch-2"));
            return c;
        });
        ServerClaim reported = cluster.awaitClaim("mismatch", "c", "to report ServerRefMismatch",
                c -> SERVER_REF_MISMATCH.equals(reason(c, BOUND)));
        assertTrue(message(reported, BOUND).contains("mismatch-1"), message(reported, BOUND));
        assertEquals("c", cluster.getServer("mismatch-1").getSpec().getServerClaimRef().getName(), "the binding is kept");
        assertNull(cluster.getServer("mismatch-2").getSpec().getServerClaimRef(), "no second server is bound");
    }

    @Test
    void changingTheClaimsPowerPowersTheServerOff() {
        cluster.ignitionSecret("toggle", "ignition");
        cluster.create(cluster.server("toggle-1", Map.of()));
        cluster.awaitServer("toggle-1", "to be Available", s -> stateOf(s) == ServerState.AVAILABLE);
        cluster.create(claim("toggle", "c", "toggle-1", null));
        cluster.markReady("toggle", "c");
        cluster.awaitServer("toggle-1", "to be powered On", s -> s.getStatus().getPowerState() == ServerPowerState.ON);

        TestCluster.edit(client.resources(ServerClaim.class).inNamespace("toggle").withName("c"), c -> {
            c.getSpec().setPower(Power.OFF);
            return c;
        });
        cluster.awaitServer("toggle-1", "to be powered Off", s -> s.getStatus().getPowerState() == ServerPowerState.OFF);
        assertEquals(ServerState.RESERVED, cluster.getServer("toggle-1").getStatus().getState(), "still held by the claim");
        cluster.awaitClaim("toggle", "c", "to report the power reached",
                c -> Conditions.isTrue(c.getStatus().getConditions(), POWER_STATE_REACHED));
    }

    @Test
    void aBoundServerWaitsWhileAnotherClaimWaitsForItsBindThenIsPoweredOn() {
        var id = new io.javaoperatorsdk.operator.processing.event.ResourceID("first-1");
        // Another claim, just created, that the operator has not answered yet.
        bindWhileAnotherClaimWaits("first", "first-1", "not-answered-yet", java.time.Instant.now(), () -> {
            cluster.awaitUntil("the bound server's pass to be held", () -> bindingFirst.holds("server", id), held -> held);
            cluster.awaitUntil("the gauge to count the held pass", this::heldPasses, held -> held >= 1);
            assertEquals(ServerState.AVAILABLE, stateOf(cluster.getServer("first-1")), "held before its move to Reserved");
            assertFalse(bmc.actions("first-1").contains("On"), "not powered on while another claim waits");
        });
        cluster.awaitServer("first-1", "to be powered On once no claim waits", s -> s.getStatus().getPowerState() == ServerPowerState.ON);
        assertEquals(ServerState.RESERVED, stateOf(cluster.getServer("first-1")));
        cluster.awaitUntil("the gauge of held passes to be back at zero", this::heldPasses, held -> held == 0);
    }

    @Test
    void aClaimUnansweredLongerThanTheLimitHoldsTheFleetOnlyWhileBindsGoOn() {
        var id = new io.javaoperatorsdk.operator.processing.event.ResourceID("burst-1");
        // The last claim of a long burst: older than the limit (3 s in tests), still racing for a server.
        bindWhileAnotherClaimWaits("burst", "burst-1", "unanswered-for-an-hour", java.time.Instant.now().minusSeconds(3600), () -> {
            // Held only because a bind was just made: by its age alone the racing claim holds nothing.
            cluster.awaitUntil("the bound server's pass to be held while binds go on", () -> bindingFirst.holds("server", id),
                    held -> held);
            assertFalse(bmc.actions("burst-1").contains("On"), "not powered on while binds go on");
            cluster.awaitServer("burst-1", "to be powered On once no bind came for a while, the claim still unanswered",
                    s -> s.getStatus().getPowerState() == ServerPowerState.ON);
        });
    }

    /**
     * Binds a claim of {@code namespace} to a new server while a claim elsewhere, created at
     * {@code createdAt}, awaits its bind as far as binding-first can tell; {@code meanwhile} runs
     * after the bind, before that claim stops waiting.
     */
    private void bindWhileAnotherClaimWaits(String namespace, String serverName, String waitingName, java.time.Instant createdAt,
            Runnable meanwhile) {
        cluster.ignitionSecret(namespace, "ignition");
        cluster.create(cluster.server(serverName, Map.of()));
        cluster.awaitServer(serverName, "to be Available", s -> stateOf(s) == ServerState.AVAILABLE);
        ServerClaim waiting = claim("elsewhere", waitingName, null, null);
        waiting.getMetadata().setCreationTimestamp(createdAt.toString());
        var realClaims = bindingFirst.claimsAwaitingAnswer();
        bindingFirst.attach(() -> java.util.stream.Stream.concat(realClaims.get().stream(), java.util.stream.Stream.of(waiting)).toList());
        try {
            cluster.create(claim(namespace, "c", serverName, null));
            cluster.awaitClaim(namespace, "c", "to be Bound", c -> c.getStatus() != null && c.getStatus().getPhase() == ClaimPhase.BOUND);
            cluster.markReady(namespace, "c");
            meanwhile.run();
        } finally {
            bindingFirst.attach(realClaims);
        }
    }

    private double heldPasses() {
        return registry.get("metal.binding.held.passes").tag("controller", "server").gauge().value();
    }

    private void createSampleServersAndSecret() {
        // The servers' BMC access is resolved before their BMC is asked, so their BMCSecret must exist.
        cluster.load(SAMPLES.resolve("bmcsecret.yaml"), dev.metalprov.api.v1alpha1.BMCSecret.class).forEach(cluster::create);
        cluster.load(SAMPLES.resolve("servers.yaml"), Server.class).forEach(cluster::create);
        cluster.ignitionSecret("default", "my-ignition-secret");
        cluster.awaitServer("my-server", "to be Available", s -> stateOf(s) == ServerState.AVAILABLE);
        cluster.awaitServer("gpu-server-1", "to be Available", s -> stateOf(s) == ServerState.AVAILABLE);
    }

    static ServerClaim claim(String namespace, String name, String serverName, Map<String, String> labels) {
        ServerClaim claim = new ServerClaim();
        claim.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        ServerClaimSpec spec = new ServerClaimSpec();
        spec.setPower(Power.ON);
        spec.setImage("registry.example/os:1");
        spec.setIgnitionSecretRef(new LocalObjectReference("ignition"));
        if (serverName != null) {
            spec.setServerRef(new LocalObjectReference(serverName));
        }
        if (labels != null) {
            spec.setServerSelector(new dev.metalprov.api.v1alpha1.LabelSelector(labels, null));
        }
        claim.setSpec(spec);
        return claim;
    }

    static ServerState stateOf(Server server) {
        return server == null || server.getStatus() == null ? null : server.getStatus().getState();
    }

    static String reason(ServerClaim claim, String type) {
        return claim == null || claim.getStatus() == null ? null
                : Conditions.reason(claim.getStatus().getConditions(), type).orElse(null);
    }

    static String message(ServerClaim claim, String type) {
        return Conditions.find(claim.getStatus().getConditions(), type).map(c -> c.getMessage()).orElse("");
    }
}
