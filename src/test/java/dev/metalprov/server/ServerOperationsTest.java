package dev.metalprov.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.common.Conditions;
import dev.metalprov.testing.FakePowerAdapter;
import dev.metalprov.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The server lifecycle with a fake BMC: discovery fills the inventory and powers off, the
 * one-shot operations of the annotation run once and disappear, a BMC that fails sends the
 * server to Error and it comes back by itself, and a claimed server whose status is lost comes
 * back Reserved without being touched.
 */
@QuarkusTest
@WithKubernetesTestServer
class ServerOperationsTest {

    @Inject
    KubernetesClient client;

    @Inject
    FakePowerAdapter bmc;

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
    void discoveryReadsTheInventoryFillsTheSystemUriAndPowersOff() {
        bmc.setPower("disc-1", ServerPowerState.ON);
        cluster.create(cluster.server("disc-1", Map.of()));
        Server server = cluster.awaitServer("disc-1", "to be Available", s -> stateOf(s) == ServerState.AVAILABLE);
        assertEquals("Contoso", server.getStatus().getManufacturer());
        assertEquals("64Gi", server.getStatus().getTotalSystemMemory().toString());
        assertEquals("/redfish/v1/Systems/disc-1", server.getSpec().getSystemURI());
        assertEquals(ServerPowerState.OFF, server.getStatus().getPowerState());
        assertTrue(bmc.actions("disc-1").contains("GracefulShutdown"), "a machine found On is powered off: " + bmc.actions("disc-1"));
    }

    @Test
    void aPowerOperationRunsOnceAndTheAnnotationIsRemoved() {
        cluster.create(cluster.server("op-1", Map.of()));
        cluster.awaitServer("op-1", "to be Available", s -> stateOf(s) == ServerState.AVAILABLE);
        annotate("op-1", "power-cycle-server");
        cluster.awaitServer("op-1", "to lose its operation annotation", s -> operation(s) == null);
        assertEquals(1, bmc.actions("op-1").stream().filter("PowerCycle"::equals).count(), bmc.actions("op-1").toString());

        annotate("op-1", "force-on-server");
        cluster.awaitServer("op-1", "to lose its operation annotation", s -> operation(s) == null);
        assertEquals(1, bmc.actions("op-1").stream().filter("ForceOn"::equals).count(), bmc.actions("op-1").toString());
    }

    @Test
    void parkKeepsAServerOffAndOutOfThePoolUntilUnparked() {
        cluster.create(cluster.server("park-1", Map.of()));
        cluster.awaitServer("park-1", "to be Available", s -> stateOf(s) == ServerState.AVAILABLE);
        annotate("park-1", "park");
        Server parked = cluster.awaitServer("park-1", "to be Parked", s -> stateOf(s) == ServerState.PARKED && operation(s) == null);
        assertEquals(ServerPowerState.OFF, parked.getStatus().getPowerState());
        annotate("park-1", "unpark");
        cluster.awaitServer("park-1", "to be Available again", s -> stateOf(s) == ServerState.AVAILABLE && operation(s) == null);
    }

    @Test
    void aParkedClaimedServerKeepsItsBoundClaimWhichCanStillBeDeletedAndUnparkReleasesIt() {
        cluster.create(cluster.server("park-2", Map.of()));
        cluster.awaitServer("park-2", "to be Available", s -> stateOf(s) == ServerState.AVAILABLE);
        cluster.ignitionSecret("parked", "ignition");
        cluster.create(dev.metalprov.claim.ClaimFlowTestAccess.claim("parked", "c", "park-2"));
        cluster.awaitServer("park-2", "to be Reserved", s -> stateOf(s) == ServerState.RESERVED);
        cluster.awaitClaim("parked", "c", "to be Bound", c -> c.getStatus() != null
                && c.getStatus().getPhase() == dev.metalprov.api.v1alpha1.ClaimPhase.BOUND);

        annotate("park-2", "park");
        Server parked = cluster.awaitServer("park-2", "to be Parked", s -> stateOf(s) == ServerState.PARKED);
        assertEquals("true", parked.getMetadata().getAnnotations().get(Metal.PARKED_ANNOTATION));
        assertEquals("c", parked.getSpec().getServerClaimRef().getName(), "the claim is kept");
        assertEquals(dev.metalprov.api.v1alpha1.ClaimPhase.BOUND, cluster.getClaim("parked", "c").getStatus().getPhase(),
                "and stays Bound while the operator stands down");

        // A claim whose server is parked is not held up by it.
        client.resource(cluster.getClaim("parked", "c")).delete();
        cluster.awaitUntil("the claim to be gone", () -> cluster.getClaim("parked", "c"), java.util.Objects::isNull);
        assertEquals(ServerState.PARKED, stateOf(cluster.getServer("park-2")), "still parked: nobody released it yet");

        annotate("park-2", "unpark");
        Server back = cluster.awaitServer("park-2", "to be released into the pool once unparked",
                s -> stateOf(s) == ServerState.AVAILABLE && s.getSpec().getServerClaimRef() == null);
        assertFalse(back.getMetadata().getAnnotations().containsKey(Metal.PARKED_ANNOTATION));
    }

    @Test
    void ignoreOnAClaimLeavesItAloneUntilTheAnnotationGoes() {
        cluster.create(cluster.server("ignored-claim-1", Map.of()));
        cluster.create(cluster.server("ignored-claim-2", Map.of()));
        cluster.awaitServer("ignored-claim-1", "to be Available", s -> stateOf(s) == ServerState.AVAILABLE);
        cluster.awaitServer("ignored-claim-2", "to be Available", s -> stateOf(s) == ServerState.AVAILABLE);
        cluster.ignitionSecret("ignored", "ignition");
        dev.metalprov.api.v1alpha1.ServerClaim claim = dev.metalprov.claim.ClaimFlowTestAccess.claim("ignored", "c", "ignored-claim-1");
        claim.getMetadata().setAnnotations(Map.of(Metal.OPERATION_ANNOTATION, "ignore"));
        cluster.create(claim);
        // The same claim without the annotation, created after it: once that one is Bound, the
        // ignored one has had every chance to be reconciled too.
        cluster.create(dev.metalprov.claim.ClaimFlowTestAccess.claim("ignored", "control", "ignored-claim-2"));
        cluster.awaitClaim("ignored", "control", "the claim without the annotation to bind", c -> c.getStatus() != null
                && c.getStatus().getPhase() == dev.metalprov.api.v1alpha1.ClaimPhase.BOUND);
        assertNull(cluster.getServer("ignored-claim-1").getSpec().getServerClaimRef(), "the ignored claim bound no server");
        assertNull(cluster.getClaim("ignored", "c").getStatus(), "the ignored claim got no status");

        TestCluster.edit(client.resources(dev.metalprov.api.v1alpha1.ServerClaim.class).inNamespace("ignored").withName("c"), c -> {
            c.getMetadata().getAnnotations().remove(Metal.OPERATION_ANNOTATION);
            return c;
        });
        cluster.awaitClaim("ignored", "c", "to bind once ignore is removed", c -> c.getStatus() != null
                && c.getStatus().getPhase() == dev.metalprov.api.v1alpha1.ClaimPhase.BOUND);
    }

    @Test
    void aServerWithoutABmcWaitsInInitialWithNoBmcAndStartsOnceOneIsSet() {
        Server manifest = cluster.server("no-bmc-1", Map.of());
        dev.metalprov.api.v1alpha1.BMCAccess access = manifest.getSpec().getBmc();
        manifest.getSpec().setBmc(null);
        manifest.getSpec().setBmcRef(null);
        cluster.create(manifest);
        Server waiting = cluster.awaitServer("no-bmc-1", "to wait with reason NoBMC", s -> s.getStatus() != null
                && ServerConditions.NO_BMC.equals(Conditions.reason(s.getStatus().getConditions(), ServerConditions.BMC_REACHABLE).orElse(null)));
        assertEquals(ServerState.INITIAL, stateOf(waiting));
        String version = waiting.getMetadata().getResourceVersion();
        org.awaitility.Awaitility.await("no-bmc-1 to stay quiet").during(java.time.Duration.ofSeconds(2))
                .atMost(java.time.Duration.ofSeconds(4)).dontCatchUncaughtExceptions()
                .until(() -> version.equals(cluster.getServer("no-bmc-1").getMetadata().getResourceVersion()));
        assertTrue(bmc.calls("no-bmc-1").isEmpty() && bmc.reads("no-bmc-1") == 0, "no BMC is asked");

        TestCluster.edit(client.resources(Server.class).withName("no-bmc-1"), s -> {
            s.getSpec().setBmc(access);
            return s;
        });
        cluster.awaitServer("no-bmc-1", "to be discovered once its BMC is set", s -> stateOf(s) == ServerState.AVAILABLE);
    }

    @Test
    void ignoreLeavesTheServerAloneWhileSet() {
        cluster.create(cluster.server("ignore-1", Map.of()));
        cluster.awaitServer("ignore-1", "to be Available", s -> stateOf(s) == ServerState.AVAILABLE);
        annotate("ignore-1", "ignore");
        bmc.setPower("ignore-1", ServerPowerState.ON);
        // A reconcile that began before the annotation arrived may still read once: take the
        // baseline only after a quiet second.
        java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger(-1);
        org.awaitility.Awaitility.await("ignore-1 to go quiet").atMost(java.time.Duration.ofSeconds(10))
                .pollInterval(java.time.Duration.ofMillis(1000)).dontCatchUncaughtExceptions()
                .until(() -> seen.getAndSet(bmc.reads("ignore-1")) == bmc.reads("ignore-1"));
        int reads = bmc.reads("ignore-1");
        // A negative can only be watched for a while: longer than the power resync interval (3s in tests),
        // within which a server that is not ignored would have been read again.
        org.awaitility.Awaitility.await("ignore-1 to stay untouched").during(java.time.Duration.ofSeconds(4))
                .atMost(java.time.Duration.ofSeconds(6)).dontCatchUncaughtExceptions()
                .until(() -> bmc.reads("ignore-1") == reads);
        assertEquals("ignore", operation(cluster.getServer("ignore-1")), "ignore stays until somebody removes it");
        assertEquals(ServerPowerState.OFF, cluster.getServer("ignore-1").getStatus().getPowerState());

        TestCluster.edit(client.resources(Server.class).withName("ignore-1"), s -> {
            s.getMetadata().getAnnotations().remove(Metal.OPERATION_ANNOTATION);
            return s;
        });
        cluster.awaitServer("ignore-1", "to be looked at again once ignore is removed",
                s -> s.getStatus().getPowerState() == ServerPowerState.ON);
    }

    @Test
    void anUnreachableBmcSendsTheServerToErrorAndItRecoversByItself() {
        bmc.setUnreachable("err-1", true);
        cluster.create(cluster.server("err-1", Map.of()));
        Server failed = cluster.awaitServer("err-1", "to be in Error", s -> stateOf(s) == ServerState.ERROR);
        assertEquals(BmcException.CONNECTION_FAILED,
                Conditions.reason(failed.getStatus().getConditions(), ServerConditions.BMC_REACHABLE).orElse(null));
        bmc.setUnreachable("err-1", false);
        Server recovered = cluster.awaitServer("err-1", "to recover", s -> stateOf(s) == ServerState.AVAILABLE);
        assertTrue(Conditions.isTrue(recovered.getStatus().getConditions(), ServerConditions.BMC_REACHABLE));
    }

    @Test
    void aClaimedServerWhoseStatusIsLostComesBackReservedUntouched() {
        cluster.create(cluster.server("wiped-1", Map.of()));
        cluster.awaitServer("wiped-1", "to be Available", s -> stateOf(s) == ServerState.AVAILABLE);
        cluster.ignitionSecret("wiped", "ignition");
        cluster.create(dev.metalprov.claim.ClaimFlowTestAccess.claim("wiped", "c", "wiped-1"));
        cluster.awaitServer("wiped-1", "to be Reserved", s -> stateOf(s) == ServerState.RESERVED);
        bmc.setPower("wiped-1", ServerPowerState.ON);
        int calls = bmc.calls("wiped-1").size();
        Server wiped = cluster.getServer("wiped-1");
        wiped.setStatus(new dev.metalprov.api.v1alpha1.ServerStatus());
        client.resource(wiped).updateStatus();
        Server back = cluster.awaitServer("wiped-1", "to come back Reserved", s -> stateOf(s) == ServerState.RESERVED);
        assertFalse(bmc.actions("wiped-1").subList(calls, bmc.actions("wiped-1").size()).stream()
                .anyMatch(a -> a.contains("Off") || a.equals("Inventory")), "never re-discovered or powered off");
        assertEquals("c", back.getSpec().getServerClaimRef().getName(), "the binding is kept");
    }

    private void annotate(String server, String operation) {
        TestCluster.edit(client.resources(Server.class).withName(server), s -> {
            Map<String, String> annotations = s.getMetadata().getAnnotations() == null ? new HashMap<>()
                    : new HashMap<>(s.getMetadata().getAnnotations());
            annotations.put(Metal.OPERATION_ANNOTATION, operation);
            s.getMetadata().setAnnotations(annotations);
            return s;
        });
    }

    private static String operation(Server server) {
        return server.getMetadata().getAnnotations() == null ? null : server.getMetadata().getAnnotations().get(Metal.OPERATION_ANNOTATION);
    }

    private static ServerState stateOf(Server server) {
        return server == null || server.getStatus() == null ? null : server.getStatus().getState();
    }
}
