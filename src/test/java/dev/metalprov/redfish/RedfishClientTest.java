package dev.metalprov.redfish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.server.BmcException;
import dev.metalprov.server.PowerAdapter.NetworkBoot;
import dev.metalprov.testing.RedfishSimulator;

/**
 * The Redfish client against the simulator's faults: each one is either retried to success or
 * ends in a clear error with the reason the BMC condition shows; and nothing it logs or throws
 * ever contains the credentials.
 */
class RedfishClientTest {

    private static final String USER = "operator";
    private static final String PASSWORD = "pa55-w0rd-never-logged";
    private static final String SYSTEM = "/redfish/v1/Systems/node-1";

    private RedfishSimulator bmc;
    private final List<RedfishClient> clients = new ArrayList<>();
    private final List<String> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (logged) {
                logged.add(String.valueOf(record.getMessage()) + " " + java.util.Arrays.toString(record.getParameters()));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final Logger redfishLog = Logger.getLogger("dev.metalprov.redfish");

    @BeforeEach
    void setUp() throws Exception {
        bmc = new RedfishSimulator(USER, PASSWORD);
        bmc.addSystem("node-1", "6b0b6c3e-1111-4e0a-9d3b-7f2c1d0e5a01", "Off");
        redfishLog.setLevel(Level.ALL);
        redfishLog.addHandler(capture);
    }

    @AfterEach
    void tearDown() {
        clients.forEach(RedfishClient::close);
        bmc.close();
        redfishLog.removeHandler(capture);
        String basic = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        synchronized (logged) {
            for (String line : logged) {
                assertFalse(line.contains(PASSWORD) || line.contains(basic), "a log line carries the credentials: " + line);
            }
        }
    }

    @Test
    void aSessionIsOpenedOnceUsedForEveryRequestAndClosedAtTheEnd() {
        RedfishClient client = client(settings());
        for (int i = 0; i < 3; i++) {
            client.get(SYSTEM);
        }
        assertEquals(1, bmc.sessionsCreated());
        List<RedfishSimulator.Request> gets = bmc.requests().stream().filter(r -> r.path().equals(SYSTEM)).toList();
        assertEquals(3, gets.size());
        gets.forEach(r -> {
            assertNotNull(r.header("X-Auth-Token"), "session token used");
            assertNull(r.header("Authorization"), "no Basic credentials once a session is open");
        });
        client.close();
        assertEquals(0, bmc.activeSessions(), "the session is deleted on close");
    }

    @Test
    void withoutSessionsBasicAuthenticationIsUsed() {
        bmc.sessions(false);
        RedfishClient client = client(settings());
        client.get(SYSTEM);
        assertEquals(0, bmc.sessionsCreated());
        RedfishSimulator.Request get = bmc.requests().stream().filter(r -> r.path().equals(SYSTEM)).findFirst().orElseThrow();
        assertTrue(get.header("Authorization").startsWith("Basic "));
        assertTrue(get.authenticated());
    }

    @Test
    void anExpiredSessionIsReplacedByOneNewLogin() {
        RedfishClient client = client(settings());
        client.get(SYSTEM);
        bmc.expireSessions();
        client.get(SYSTEM);
        assertEquals(2, bmc.sessionsCreated(), "exactly one re-login");
    }

    @Test
    void wrongCredentialsAreAnAuthenticationFailureThatNamesNoSecret() {
        bmc.setPassword("rotated");
        BmcException withSessions = assertThrows(BmcException.class, () -> client(settings()).get(SYSTEM));
        assertEquals(BmcException.AUTHENTICATION_FAILED, withSessions.reason());
        assertFalse(withSessions.getMessage().contains(PASSWORD));

        bmc.sessions(false);
        BmcException basic = assertThrows(BmcException.class, () -> client(settings()).get(SYSTEM));
        assertEquals(BmcException.AUTHENTICATION_FAILED, basic.reason());
        assertFalse(basic.getMessage().contains(PASSWORD));
    }

    @Test
    void busyAnswersAndServerErrorsAreRetriedWithBackoff() {
        RedfishClient client = client(settings());
        client.get(SYSTEM); // log in first, so that only the counted requests meet the faults
        bmc.busyNext(2);
        assertEquals("Off", client.get(SYSTEM).path("PowerState").asText());
        bmc.failNext(1, 500);
        assertEquals("Off", client.get(SYSTEM).path("PowerState").asText());

        synchronized (logged) {
            assertTrue(logged.stream().anyMatch(line -> line.contains("retrying")), "retries are logged (and checked): " + logged);
        }

        bmc.busyNext(10);
        BmcException e = assertThrows(BmcException.class, () -> client.get(SYSTEM));
        assertEquals(BmcException.INTERNAL_SERVER_ERROR, e.reason());
        assertTrue(e.getMessage().contains("ServiceTemporarilyUnavailable"), e.getMessage());
    }

    @Test
    void everyRequestIsObservedByOperationAndOutcome() {
        List<String> observed = java.util.Collections.synchronizedList(new ArrayList<>());
        RedfishClient client = new RedfishClient(new BmcAccess(bmc.endpoint(), USER, PASSWORD, false), settings(),
                (operation, outcome, latency) -> observed.add(operation + "/" + outcome));
        clients.add(client);
        client.get(SYSTEM);
        bmc.busyNext(1);
        new RedfishBmc(client).reset(SYSTEM, ResetType.ON);
        assertEquals(List.of("service_root/success", "session/success", "get_system/success",
                "get_system/server_error", "get_system/success", "reset/success"), observed);
    }

    @Test
    void resetConnectionsAreRetriedAndAPersistentOneIsAConnectionFailure() {
        RedfishClient client = client(settings());
        client.get(SYSTEM);
        bmc.resetConnections(2);
        assertEquals("Off", client.get(SYSTEM).path("PowerState").asText());

        bmc.resetConnections(10);
        assertEquals(BmcException.CONNECTION_FAILED, assertThrows(BmcException.class, () -> client.get(SYSTEM)).reason());
    }

    @Test
    void aBmcSlowerThanTheReadTimeoutIsAConnectionFailure() {
        RedfishClient client = client(new RedfishClient.Settings(Duration.ofSeconds(2), Duration.ofMillis(300), 2,
                Duration.ofMillis(10), Duration.ofMillis(50), 4));
        client.get(SYSTEM);
        bmc.delay(Duration.ofSeconds(2));
        assertEquals(BmcException.CONNECTION_FAILED, assertThrows(BmcException.class, () -> client.get(SYSTEM)).reason());
        bmc.delay(Duration.ZERO);
    }

    @Test
    void patchCarriesTheEtagAndTheBootOverrideIsReadBack() {
        RedfishBmc redfish = new RedfishBmc(client(settings()));
        String etag = bmc.etag("node-1");
        redfish.bootOnce(SYSTEM, NetworkBoot.pxe());
        RedfishSimulator.Request patch = bmc.requests().stream().filter(r -> r.method().equals("PATCH")).findFirst().orElseThrow();
        assertEquals(etag, patch.ifMatch());
        assertEquals("Once", bmc.system("node-1").path("Boot").path("BootSourceOverrideEnabled").asText());
        assertEquals("Pxe", bmc.system("node-1").path("Boot").path("BootSourceOverrideTarget").asText());

        bmc.revertBootOverride(true);
        RedfishBmc reverting = new RedfishBmc(client(settings()));
        bmc.newSystem("node-2").uuid("6b0b6c3e-2222-4e0a-9d3b-7f2c1d0e5a02").power("Off").add();
        BmcException dropped = assertThrows(BmcException.class,
                () -> reverting.bootOnce("/redfish/v1/Systems/node-2", NetworkBoot.uefiHttp("http://127.0.0.1/boot.efi")));
        assertTrue(dropped.getMessage().contains("reads back"), dropped.getMessage());
    }

    @Test
    void powerActionsAreIssuedAndReadBack() {
        RedfishBmc redfish = new RedfishBmc(client(settings()));
        redfish.reset(SYSTEM, ResetType.ON);
        assertEquals(List.of("On"), bmc.resets("node-1"));
        assertEquals(ServerPowerState.ON, redfish.powerState(SYSTEM));
        redfish.reset(SYSTEM, ResetType.POWER_CYCLE);
        assertEquals("PowerCycle", bmc.resets("node-1").get(1));
    }

    @Test
    void aSystemThatDisappearsIsReportedAsNotFound() {
        RedfishBmc redfish = new RedfishBmc(client(settings()));
        assertEquals(List.of(SYSTEM), redfish.systemUris());
        bmc.removeSystem("node-1");
        assertEquals(BmcException.SYSTEM_NOT_FOUND, assertThrows(BmcException.class, () -> redfish.powerState(SYSTEM)).reason());
        assertEquals(List.of(), redfish.systemUris());
    }

    @Test
    void theInventoryIsRead() {
        RedfishBmc redfish = new RedfishBmc(client(settings()));
        Inventory.SystemInventory system = redfish.system(SYSTEM);
        assertEquals("6b0b6c3e-1111-4e0a-9d3b-7f2c1d0e5a01", system.uuid());
        assertNotNull(system.manufacturer());
        assertFalse(system.processors().isEmpty());
        assertFalse(system.nics().isEmpty());
        assertNotNull(system.nics().get(0).macAddress());
        assertNotNull(redfish.manager().firmwareVersion());
    }

    @Test
    void noMoreThanTheCapOfRequestsIsInFlightAtOnce() throws Exception {
        RedfishClient client = client(new RedfishClient.Settings(Duration.ofSeconds(2), Duration.ofSeconds(10), 2,
                Duration.ofMillis(10), Duration.ofMillis(50), 2));
        client.get(SYSTEM);
        bmc.resetInFlightMax();
        bmc.delay(Duration.ofMillis(200));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(pool.submit(() -> client.get(SYSTEM)));
            }
            for (Future<?> call : calls) {
                call.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            bmc.delay(Duration.ZERO);
        }
        assertTrue(bmc.inFlightMax() <= 2 && bmc.inFlightMax() >= 1, "in flight at once: " + bmc.inFlightMax());
    }

    private RedfishClient client(RedfishClient.Settings settings) {
        RedfishClient client = new RedfishClient(new BmcAccess(bmc.endpoint(), USER, PASSWORD, false), settings);
        clients.add(client);
        return client;
    }

    private static RedfishClient.Settings settings() {
        return new RedfishClient.Settings(Duration.ofSeconds(2), Duration.ofSeconds(5), 4, Duration.ofMillis(20),
                Duration.ofMillis(100), 4);
    }
}
