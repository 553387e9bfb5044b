package dev.metalprov.bmc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.metalprov.api.v1alpha1.BMC;
import dev.metalprov.api.v1alpha1.BMCSecret;
import dev.metalprov.api.v1alpha1.BMCSpec;
import dev.metalprov.api.v1alpha1.BMCState;
import dev.metalprov.api.v1alpha1.InlineEndpoint;
import dev.metalprov.api.v1alpha1.LocalObjectReference;
import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.api.v1alpha1.Protocol;
import dev.metalprov.api.v1alpha1.ProtocolName;
import dev.metalprov.api.v1alpha1.ProtocolScheme;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.claim.ClaimFlowTestAccess;
import dev.metalprov.common.Conditions;
import dev.metalprov.testing.RedfishSimulator;
import dev.metalprov.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * BMCs and servers driven over real Redfish (the simulator on 127.0.0.1), not the fake: a BMC
 * with three systems yields three Available servers with inventory; a claimed one is powered
 * on only after its boot configuration is Ready, with a one-time network boot set first, and
 * is powered off and recycled on release; a wrong password shows AuthenticationFailed and
 * recovers when the secret is fixed; a stalled BMC does not hold up the servers of another.
 */
@QuarkusTest
@WithKubernetesTestServer
@TestProfile(RedfishLifecycleTest.RealRedfish.class)
class RedfishLifecycleTest {

    /** The Redfish adapter instead of the fake the other tests use. */
    public static class RealRedfish implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.arc.exclude-types", "dev.metalprov.testing.FakePowerAdapter");
        }
    }

    @Inject
    KubernetesClient client;

    TestCluster cluster;
    RedfishSimulator rack;

    @BeforeEach
    void setUp() throws Exception {
        cluster = new TestCluster(client);
        rack = new RedfishSimulator("admin", "rack-password");
        rack.setManagerInfo("Contoso", "iBMC 7", "2.81");
        for (int i = 0; i < 3; i++) {
            rack.newSystem("node-" + i).uuid("0d9a1a52-0000-4000-8000-00000000000" + i).power(i == 1 ? "On" : "Off")
                    .manufacturer("Contoso").model("R740").serialNumber("SN-" + i).memoryGiB(256).processors(2).add();
        }
    }

    @AfterEach
    void tearDown() {
        cluster.cleanUp();
        client.resources(Server.class).withLabel("rack", "r1").delete();
        client.resources(Server.class).withLabel("rack", "slow").delete();
        client.resources(Server.class).withLabel("rack", "fast").delete();
        rack.close();
    }

    @Test
    void aBmcWithThreeSystemsYieldsThreeAvailableServersWithInventory() {
        cluster.create(secret("rack-secret", "admin", "rack-password"));
        BMC bmc = cluster.create(bmc("rack-1", rack, "rack-secret", Map.of("rack", "r1")));

        BMC ready = cluster.awaitUntil("BMC rack-1 to be Enabled", () -> client.resource(bmc).get(),
                b -> b.getStatus() != null && b.getStatus().getState() == BMCState.ENABLED);
        assertEquals("Contoso", ready.getStatus().getManufacturer());
        assertEquals("2.81", ready.getStatus().getFirmwareVersion());
        assertEquals(BMCReconciler.CONNECTED, Conditions.reason(ready.getStatus().getConditions(), BMCReconciler.READY).orElse(null));

        for (int i = 0; i < 3; i++) {
            Server server = cluster.awaitServer("rack-1-system-" + i, "to be Available",
                    s -> s != null && s.getStatus() != null && s.getStatus().getState() == ServerState.AVAILABLE);
            assertEquals("0d9a1a52-0000-4000-8000-00000000000" + i, server.getSpec().getSystemUUID());
            assertEquals("/redfish/v1/Systems/node-" + i, server.getSpec().getSystemURI());
            assertEquals("r1", server.getMetadata().getLabels().get("rack"), "the BMC's labels");
            assertEquals("rack-1", server.getMetadata().getOwnerReferences().get(0).getName());
            assertEquals("R740", server.getStatus().getModel());
            assertEquals("SN-" + i, server.getStatus().getSerialNumber());
            assertEquals("256Gi", server.getStatus().getTotalSystemMemory().toString());
            assertEquals(2, server.getStatus().getProcessors().size());
            assertFalse(server.getStatus().getNetworkInterfaces().isEmpty());
            assertEquals(ServerPowerState.OFF, server.getStatus().getPowerState());
        }
        assertEquals("Off", rack.system("node-1").path("PowerState").asText(), "the machine found On was powered off");
    }

    @Test
    void theServersOfADeletedBmcGoQuietlyWhileAServerThatOnlyNamesItSaysItIsMissing() {
        cluster.create(secret("rack-secret", "admin", "rack-password"));
        BMC bmc = cluster.create(bmc("rack-1", rack, "rack-secret", Map.of("rack", "r1")));
        for (int i = 0; i < 3; i++) {
            cluster.awaitServer("rack-1-system-" + i, "to be Available",
                    s -> s != null && s.getStatus() != null && s.getStatus().getState() == ServerState.AVAILABLE);
        }
        // A server that names the same BMC without being made by it: the BMC's deletion wakes it
        // together with the BMC's own servers, and its answer is the signal that those passes ran.
        Server named = new Server();
        named.setMetadata(new ObjectMetaBuilder().withName("names-rack-1").withLabels(Map.of("rack", "r1")).build());
        named.setSpec(new dev.metalprov.api.v1alpha1.ServerSpec());
        named.getSpec().setSystemUUID("0d9a1a52-0000-4000-8000-0000000000ff");
        named.getSpec().setBmcRef(new LocalObjectReference("rack-1"));
        client.resource(named).create();
        cluster.awaitServer("names-rack-1", "to have had a pass while its BMC exists", s -> s != null && s.getStatus() != null
                && s.getStatus().getConditions() != null && !s.getStatus().getConditions().isEmpty());

        // The test's API server has no garbage collector: the BMC's servers stay, as they would for
        // the moment between the BMC's deletion and the collector's in a cluster.
        client.resource(bmc).delete();
        cluster.awaitServer("names-rack-1", "to say that its BMC is missing", s -> s != null && s.getStatus() != null
                && "ConfigurationError".equals(Conditions.reason(s.getStatus().getConditions(), "BMCReachable").orElse(null)));
        for (int i = 0; i < 3; i++) {
            Server owned = cluster.getServer("rack-1-system-" + i);
            assertEquals(ServerState.AVAILABLE, owned.getStatus().getState(), owned.getMetadata().getName());
            assertEquals("True", Conditions.find(owned.getStatus().getConditions(), "BMCReachable").map(c -> c.getStatus())
                    .orElse(null), "no error reported for " + owned.getMetadata().getName() + ": " + owned.getStatus().getConditions());
            // By uid: a server of the same name in an earlier test of this class may have had one.
            String uid = owned.getMetadata().getUid();
            assertTrue(client.v1().events().inAnyNamespace().list().getItems().stream()
                    .noneMatch(e -> uid.equals(e.getInvolvedObject().getUid()) && "ConfigurationError".equals(e.getReason())),
                    "no Warning event for " + owned.getMetadata().getName());
        }
    }

    @Test
    void anIgnoredBmcIsLeftAloneUntilTheAnnotationGoes() {
        cluster.create(secret("rack-secret", "admin", "rack-password"));
        BMC ignored = bmc("rack-ignored", rack, "rack-secret", Map.of("rack", "r1"));
        ignored.getMetadata().setAnnotations(Map.of(Metal.OPERATION_ANNOTATION, "ignore"));
        cluster.create(ignored);
        BMC control = cluster.create(bmc("rack-control", rack, "rack-secret", Map.of("rack", "r1")));
        // Once the BMC created after it is Enabled, the ignored one has had every chance to be probed.
        cluster.awaitUntil("the BMC without the annotation to be Enabled", () -> client.resource(control).get(),
                b -> b.getStatus() != null && b.getStatus().getState() == BMCState.ENABLED);
        assertNull(client.resource(ignored).get().getStatus(), "the ignored BMC got no status");
        assertNull(cluster.getServer("rack-ignored-system-0"), "no server is made through an ignored BMC");

        TestCluster.edit(client.resources(BMC.class).withName("rack-ignored"), b -> {
            b.getMetadata().getAnnotations().remove(Metal.OPERATION_ANNOTATION);
            return b;
        });
        cluster.awaitUntil("the BMC to be Enabled once ignore is removed", () -> client.resource(ignored).get(),
                b -> b.getStatus() != null && b.getStatus().getState() == BMCState.ENABLED);
    }

    @Test
    void upstreamsRedfishLocalProtocolIsSpokenToAsRedfishAndIpmiIsReportedUnsupported() {
        cluster.create(secret("rack-secret", "admin", "rack-password"));
        BMC local = bmc("rack-local", rack, "rack-secret", Map.of("rack", "r1"));
        local.getSpec().getProtocol().setName(ProtocolName.REDFISH_LOCAL);
        BMC ipmi = bmc("rack-ipmi", rack, "rack-secret", Map.of("rack", "r1"));
        ipmi.getSpec().getProtocol().setName(ProtocolName.IPMI);
        cluster.create(local);
        cluster.create(ipmi);

        cluster.awaitUntil("the RedfishLocal BMC to be Enabled", () -> client.resource(local).get(),
                b -> b.getStatus() != null && b.getStatus().getState() == BMCState.ENABLED);
        cluster.awaitServer("rack-local-system-0", "to be Available",
                s -> s != null && s.getStatus() != null && s.getStatus().getState() == ServerState.AVAILABLE);
        BMC refused = cluster.awaitUntil("the IPMI BMC to be reported unsupported", () -> client.resource(ipmi).get(),
                b -> b.getStatus() != null && "UnsupportedProtocol".equals(
                        Conditions.reason(b.getStatus().getConditions(), BMCReconciler.READY).orElse(null)));
        assertEquals(BMCState.ERROR, refused.getStatus().getState());
    }

    @Test
    void aClaimedServerIsNetworkBootedPoweredOnAndOnReleasePoweredOffAndRecycled() {
        cluster.create(secret("rack-secret", "admin", "rack-password"));
        cluster.create(bmc("rack-1", rack, "rack-secret", Map.of("rack", "r1")));
        cluster.awaitServer("rack-1-system-2", "to be Available",
                s -> s != null && s.getStatus() != null && s.getStatus().getState() == ServerState.AVAILABLE);
        cluster.ignitionSecret("tenant", "ignition");
        ServerClaim claim = cluster.create(ClaimFlowTestAccess.claim("tenant", "c", "rack-1-system-2"));
        cluster.awaitServer("rack-1-system-2", "to be Reserved", s -> s.getStatus().getState() == ServerState.RESERVED);
        // The operator reads the reserved machine's power again, and still does not power it.
        int seen = rack.requests().size();
        cluster.awaitUntil("node-2's power to be read while it waits", rack::requests, all -> all.subList(seen, all.size()).stream()
                .anyMatch(r -> r.method().equals("GET") && r.path().equals("/redfish/v1/Systems/node-2")));
        assertTrue(rack.resets("node-2").isEmpty(), "not powered before the boot configuration is Ready");

        cluster.markReady("tenant", "c");
        cluster.awaitServer("rack-1-system-2", "to be On", s -> s.getStatus().getPowerState() == ServerPowerState.ON);
        assertEquals("On", rack.system("node-2").path("PowerState").asText());
        List<RedfishSimulator.Request> requests = rack.requests();
        int boot = indexOf(requests, r -> r.method().equals("PATCH") && r.path().equals("/redfish/v1/Systems/node-2"));
        int on = indexOf(requests, r -> r.method().equals("POST") && r.path().startsWith("/redfish/v1/Systems/node-2/Actions")
                && r.body().contains("\"On\""));
        assertTrue(boot >= 0 && boot < on, "the one-time network boot is set before the power-on");
        assertEquals("Once", rack.system("node-2").path("Boot").path("BootSourceOverrideEnabled").asText());

        client.resource(claim).delete();
        cluster.awaitGone(claim);
        cluster.awaitServer("rack-1-system-2", "to be Available and Off again", s -> s.getStatus().getState() == ServerState.AVAILABLE
                && s.getStatus().getPowerState() == ServerPowerState.OFF);
        assertEquals("Off", rack.system("node-2").path("PowerState").asText());
    }

    @Test
    void aWrongPasswordIsReportedAndRecoversOnceTheSecretIsFixed() {
        cluster.create(secret("wrong-secret", "admin", "not-the-password"));
        BMC bmc = cluster.create(bmc("rack-1", rack, "wrong-secret", Map.of("rack", "r1")));
        BMC failing = cluster.awaitUntil("BMC rack-1 to report AuthenticationFailed", () -> client.resource(bmc).get(),
                b -> b.getStatus() != null && "AuthenticationFailed".equals(
                        Conditions.reason(b.getStatus().getConditions(), BMCReconciler.READY).orElse(null)));
        assertEquals(BMCState.ERROR, failing.getStatus().getState());
        assertFalse(failing.getStatus().getConditions().toString().contains("not-the-password"));

        TestCluster.edit(client.resources(BMCSecret.class).withName("wrong-secret"), s -> {
            s.setData(null);
            s.setStringData(Map.of("username", "admin", "password", "rack-password"));
            return s;
        });
        cluster.awaitUntil("BMC rack-1 to connect with the fixed secret", () -> client.resource(bmc).get(),
                b -> b.getStatus().getState() == BMCState.ENABLED);
    }

    @Test
    void aStalledBmcDoesNotHoldUpTheServersOfAnother() throws Exception {
        try (RedfishSimulator slow = new RedfishSimulator("admin", "rack-password");
                RedfishSimulator fast = new RedfishSimulator("admin", "rack-password")) {
            for (int i = 0; i < 2; i++) {
                slow.addSystem("s" + i, "5a0e0000-0000-4000-8000-00000000000" + i, "Off");
                fast.addSystem("f" + i, "fa570000-0000-4000-8000-00000000000" + i, "Off");
            }
            cluster.create(secret("rack-secret", "admin", "rack-password"));
            // Every answer of the slow BMC takes longer than the client's read timeout (20 s).
            slow.delay(Duration.ofSeconds(25));
            for (int i = 0; i < 2; i++) {
                Server server = cluster.server("stalled-" + i, Map.of("rack", "slow"));
                server.getSpec().getBmc().setProtocol(new Protocol(ProtocolName.REDFISH, slow.port(), ProtocolScheme.HTTP));
                server.getSpec().getBmc().setBmcSecretRef(new LocalObjectReference("rack-secret"));
                server.getSpec().setSystemURI("/redfish/v1/Systems/s" + i);
                cluster.create(server);
            }
            cluster.create(bmc("fast", fast, "rack-secret", Map.of("rack", "fast")));
            for (int i = 0; i < 2; i++) {
                cluster.awaitServer("fast-system-" + i, "to be Available while the other BMC is stalled",
                        s -> s != null && s.getStatus() != null && s.getStatus().getState() == ServerState.AVAILABLE);
            }
            List<Server> stalled = client.resources(Server.class).withLabel("rack", "slow").list().getItems();
            assertEquals(2, stalled.size());
            stalled.forEach(s -> assertTrue(s.getStatus() == null || s.getStatus().getState() != ServerState.AVAILABLE,
                    s.getMetadata().getName() + " cannot have been discovered through the stalled BMC"));
            slow.delay(Duration.ZERO);
        }
    }

    @Test
    void aBmcWithoutASchemeIsReachedOverHttpAndItsServersGetLowerCaseUuids() throws Exception {
        try (RedfishSimulator plain = new RedfishSimulator("admin", "rack-password")) {
            plain.newSystem("upper").uuid("0D9A1A52-ABCD-4000-8000-0000000000AA").power("Off").add();
            cluster.create(secret("plain-secret", "admin", "rack-password"));
            BMC bmc = bmc("plain", plain, "plain-secret", Map.of("rack", "r1"));
            bmc.getSpec().getProtocol().setScheme(null);
            cluster.create(bmc);

            Server server = cluster.awaitServer("plain-system-0", "to be Available through a BMC without a scheme",
                    s -> s != null && s.getStatus() != null && s.getStatus().getState() == ServerState.AVAILABLE);
            assertEquals("0d9a1a52-abcd-4000-8000-0000000000aa", server.getSpec().getSystemUUID(),
                    "the UUID the BMC reports, lower-cased as upstream writes it");
            assertTrue(plain.requests().stream().anyMatch(r -> r.path().startsWith("/redfish/v1/Systems/upper")),
                    "the plain-http simulator was spoken to");

            // spec.indicatorLED is applied over Redfish (the system's IndicatorLED) and reported back.
            TestCluster.edit(client.resources(Server.class).withName("plain-system-0"), s -> {
                s.getSpec().setIndicatorLED(dev.metalprov.api.v1alpha1.IndicatorLED.BLINKING);
                return s;
            });
            cluster.awaitServer("plain-system-0", "to report the LED Blinking", s -> s.getStatus() != null
                    && s.getStatus().getIndicatorLED() == dev.metalprov.api.v1alpha1.IndicatorLED.BLINKING);
            assertEquals("Blinking", plain.system("upper").path("IndicatorLED").asText(), "the BMC's LED");
            assertTrue(plain.requests().stream().anyMatch(r -> r.method().equals("PATCH") && r.path().equals("/redfish/v1/Systems/upper")
                    && r.body().contains("\"IndicatorLED\"") && r.body().contains("Blinking")), "one PATCH of IndicatorLED");
        }
    }

    private static int indexOf(List<RedfishSimulator.Request> requests, java.util.function.Predicate<RedfishSimulator.Request> p) {
        for (int i = 0; i < requests.size(); i++) {
            if (p.test(requests.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static BMCSecret secret(String name, String username, String password) {
        BMCSecret secret = new BMCSecret();
        secret.setMetadata(new ObjectMetaBuilder().withName(name).build());
        secret.setStringData(Map.of("username", username, "password", password));
        return secret;
    }

    private static BMC bmc(String name, RedfishSimulator simulator, String secret, Map<String, String> labels) {
        BMC bmc = new BMC();
        bmc.setMetadata(new ObjectMetaBuilder().withName(name).withLabels(labels).build());
        BMCSpec spec = new BMCSpec();
        spec.setAccess(new InlineEndpoint("127.0.0.1", null));
        spec.setProtocol(new Protocol(ProtocolName.REDFISH, simulator.port(), ProtocolScheme.HTTP));
        spec.setBmcSecretRef(new LocalObjectReference(secret));
        bmc.setSpec(spec);
        assertNotNull(simulator.endpoint());
        return bmc;
    }
}
