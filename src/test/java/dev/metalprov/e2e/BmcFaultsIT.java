package dev.metalprov.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.metalprov.api.v1alpha1.BMC;
import dev.metalprov.api.v1alpha1.BMCState;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.common.Conditions;
import dev.metalprov.server.BmcException;
import dev.metalprov.server.ServerConditions;
import dev.metalprov.testing.FleetSimulator;
import dev.metalprov.testing.FleetSimulator.Endpoint;
import dev.metalprov.testing.FleetSimulator.Fault;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * BMCs that misbehave while a tenant holds their machine, on the real API server with the
 * packaged operator: a BMC that dies during the release does not hold up the claim or its
 * namespace (the server is quarantined and finishes its release once the BMC answers again), and a
 * BMC that drops the one-time network boot never gets its machine powered on.
 */
@ExtendWith(EndToEnd.class)
class BmcFaultsIT {

    private static final String NAMESPACE = "faults";
    private static final String SECRET = "faults-secret";
    private static final Duration DEADLINE = Duration.ofMinutes(2);

    private static FleetSimulator fleet;

    @BeforeAll
    static void startBmcs() {
        fleet = new FleetSimulator(SushyEmulator.USERNAME, SushyEmulator.PASSWORD).powerTransition(Duration.ofMillis(500));
    }

    @AfterAll
    static void stopBmcs() {
        fleet.close();
    }

    @Test
    void aBmcThatDiesDuringTheReleaseQuarantinesTheServerAndLetsTheClaimGo(EndToEnd.Environment environment) {
        KubernetesClient admin = environment.plane.admin();
        Endpoint bmc = fleet.add(1).get(0);
        String server = rackWithOneServer(environment, "faults-dead", bmc);
        // The tenant's own namespace, deleted as a whole: the claim's finalizer must not hold it.
        String tenant = "faults-tenant";
        claimOn(environment, tenant, "dead", "faults-dead");
        until("the claim's server to be powered On", () -> claim(admin, tenant, "dead"),
                c -> c != null && c.getStatus() != null && Conditions.isTrue(c.getStatus().getConditions(), "PowerStateReached"));
        assertEquals("On", bmc.powerState());

        bmc.inject(Fault.HANG);
        Instant deleted = Instant.now();
        admin.namespaces().withName(tenant).delete();
        until("the claim to be gone although the BMC never confirms Off", () -> claim(admin, tenant, "dead"), Objects::isNull);
        until("the tenant's namespace to be gone", () -> admin.namespaces().withName(tenant).get(), Objects::isNull);
        Server quarantined = until("the server to be quarantined", () -> server(admin, server),
                s -> s.getStatus().getState() == ServerState.ERROR
                        && Conditions.isTrue(s.getStatus().getConditions(), ServerConditions.QUARANTINED));
        System.out.println("BmcFaultsIT: the namespace of a claim on a dead BMC was gone "
                + Duration.between(deleted, Instant.now()).toSeconds() + " s after its deletion");
        assertNotNull(quarantined.getSpec().getServerClaimRef(), "the quarantined server keeps its claim reference");
        assertEquals(ServerConditions.POWER_OFF_UNCONFIRMED,
                Conditions.reason(quarantined.getStatus().getConditions(), ServerConditions.QUARANTINED).orElse(null));
        assertEquals("On", bmc.powerState(), "the machine was never confirmed Off");

        bmc.lift(Fault.HANG);
        Server released = until("the server to finish its release once the BMC answers", () -> server(admin, server),
                s -> s.getStatus().getState() == ServerState.AVAILABLE);
        assertNull(released.getSpec().getServerClaimRef());
        assertFalse(Conditions.isTrue(released.getStatus().getConditions(), ServerConditions.QUARANTINED));
        assertEquals("Off", bmc.powerState(), "back in the pool only powered off");
    }

    @Test
    void aBmcThatDropsTheNetworkBootNeverGetsItsMachinePoweredOn(EndToEnd.Environment environment) {
        KubernetesClient admin = environment.plane.admin();
        Endpoint bmc = fleet.add(1).get(0);
        bmc.inject(Fault.REVERT_BOOT_OVERRIDE);
        String server = rackWithOneServer(environment, "faults-revert", bmc);
        claimOn(environment, NAMESPACE, "revert", "faults-revert");

        ServerClaim refused = until("the claim to say the network boot is not kept", () -> claim(admin, NAMESPACE, "revert"),
                c -> c != null && c.getStatus() != null && "NetworkBootNotKept".equals(
                        Conditions.reason(c.getStatus().getConditions(), "PowerStateReached").orElse(null)));
        assertFalse(Conditions.isTrue(refused.getStatus().getConditions(), "PowerStateReached"));
        Server held = server(admin, server);
        assertEquals(ServerConditions.OVERRIDE_NOT_KEPT,
                Conditions.reason(held.getStatus().getConditions(), ServerConditions.NETWORK_BOOT).orElse(null));
        assertFalse(bmc.resets().contains("On"), "never powered on while the BMC drops the override: " + bmc.resets());
        assertEquals("Off", bmc.powerState());

        bmc.lift(Fault.REVERT_BOOT_OVERRIDE);
        until("the claim's server to be powered On once the BMC keeps the override", () -> claim(admin, NAMESPACE, "revert"),
                c -> Conditions.isTrue(c.getStatus().getConditions(), "PowerStateReached"));
        assertTrue(bmc.resets().contains("On"), "powered on once the override is kept: " + bmc.resets());
        admin.resources(ServerClaim.class).inNamespace(NAMESPACE).withName("revert").delete();
        until("the revert claim to be gone", () -> claim(admin, NAMESPACE, "revert"), Objects::isNull);
    }

    @Test
    void aSelfSignedCertificateNamingOnlyACommonNameNeedsTheOptOut(EndToEnd.Environment environment, @TempDir Path keys)
            throws Exception {
        KubernetesClient admin = environment.plane.admin();
        // Lab gear: a self-signed certificate that names no address, only a common name.
        Path store = keys.resolve("bmc.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "bmc", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=bmc.lab",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        assertEquals(0, keytool.waitFor(), new String(keytool.getInputStream().readAllBytes()));
        try (FleetSimulator https = new FleetSimulator(SushyEmulator.USERNAME, SushyEmulator.PASSWORD).tls(store, "changeit")) {
            List<Endpoint> bmcs = https.add(2);
            Yaml.apply(environment, Yaml.bmcSecret(SECRET), httpsBmc("faults-tls-verified", bmcs.get(0), false),
                    httpsBmc("faults-tls-lab", bmcs.get(1), true));

            until("the BMC whose certificate names no address to be refused", () -> bmc(admin, "faults-tls-verified"),
                    b -> b != null && b.getStatus() != null && BmcException.TLS_FAILED.equals(
                            Conditions.reason(b.getStatus().getConditions(), "Ready").orElse(null)));
            String message = Conditions.find(bmc(admin, "faults-tls-verified").getStatus().getConditions(), "Ready")
                    .orElseThrow().getMessage();
            assertTrue(message.contains("spec.tls"), "the condition says where to fix it: " + message);
            until("the BMC with the opt-out to connect", () -> bmc(admin, "faults-tls-lab"),
                    b -> b != null && b.getStatus() != null && b.getStatus().getState() == BMCState.ENABLED);
            until("the opt-out BMC's server to be Available", () -> server(admin, "faults-tls-lab-system-0"),
                    s -> s != null && s.getStatus() != null && s.getStatus().getState() == ServerState.AVAILABLE);
            assertNull(server(admin, "faults-tls-verified-system-0"), "no server is made through a BMC that is not trusted");
            admin.resources(BMC.class).withName("faults-tls-verified").delete();
            admin.resources(BMC.class).withName("faults-tls-lab").delete();
            admin.resources(Server.class).withName("faults-tls-lab-system-0").delete();
        }
    }

    private static String httpsBmc(String name, Endpoint bmc, boolean insecure) {
        return """
                apiVersion: metal.ironcore.dev/v1alpha1
                kind: BMC
                metadata:
                  name: %s
                spec:
                  access:
                    ip: 127.0.0.1
                  protocol:
                    name: Redfish
                    port: %d
                    scheme: https
                  tls:
                    insecureSkipVerify: %s
                  bmcSecretRef:
                    name: %s
                """.formatted(name, bmc.port(), insecure, SECRET);
    }

    private static BMC bmc(KubernetesClient admin, String name) {
        return admin.resources(BMC.class).withName(name).get();
    }

    /** A BMC object for the endpoint, and the name of the one Server the operator makes for it once it is Available. */
    private static String rackWithOneServer(EndToEnd.Environment environment, String name, Endpoint bmc) {
        Yaml.apply(environment, Yaml.bmcSecret(SECRET), Yaml.bmc(name, bmc.port(), SECRET, "faults: " + name));
        String server = name + "-system-0";
        until(server + " to be Available", () -> server(environment.plane.admin(), server),
                s -> s != null && s.getStatus() != null && s.getStatus().getState() == ServerState.AVAILABLE);
        return server;
    }

    private static ServerClaim claimOn(EndToEnd.Environment environment, String namespace, String name, String rack) {
        KubernetesClient admin = environment.plane.admin();
        if (admin.namespaces().withName(namespace).get() == null) {
            environment.plane.kubectl("create", "namespace", namespace).orFail("creating the namespace");
            environment.plane.kubectl("create", "secret", "generic", "ignition", "-n", namespace,
                    "--from-literal=ignition={\"ignition\":{\"version\":\"3.4.0\"}}").orFail("creating the Ignition Secret");
        }
        ServerClaim claim = admin.getKubernetesSerialization().unmarshal("""
                apiVersion: metal.ironcore.dev/v1alpha1
                kind: ServerClaim
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  power: "On"
                  serverSelector:
                    matchLabels:
                      faults: %s
                  image: my-osimage:latest
                  ignitionSecretRef:
                    name: ignition
                """.formatted(name, namespace, rack), ServerClaim.class);
        return admin.resource(claim).create();
    }

    private static ServerClaim claim(KubernetesClient admin, String namespace, String name) {
        return admin.resources(ServerClaim.class).inNamespace(namespace).withName(name).get();
    }

    private static Server server(KubernetesClient admin, String name) {
        return admin.resources(Server.class).withName(name).get();
    }

    private static <T> T until(String what, Supplier<T> read, Predicate<T> condition) {
        java.util.concurrent.atomic.AtomicReference<T> last = new java.util.concurrent.atomic.AtomicReference<>();
        await(what).atMost(DEADLINE).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
            T value = read.get();
            last.set(value);
            return condition.test(value);
        });
        return last.get();
    }
}
