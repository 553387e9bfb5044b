package dev.metalprov.redfish;

import static dev.metalprov.redfish.Futures.await;
import static dev.metalprov.redfish.Futures.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.server.BmcException;
import dev.metalprov.server.PowerAdapter.BootOverride;
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
    private final List<RedfishTransport> transports = new ArrayList<>();
    private final List<AutoCloseable> closeAtEnd = new ArrayList<>();
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
    void tearDown() throws Exception {
        try {
            for (AutoCloseable closeable : closeAtEnd) {
                closeable.close();
            }
        } finally {
            transports.forEach(RedfishTransport::close);
            bmc.close();
            redfishLog.removeHandler(capture);
        }
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
            await(client.get(SYSTEM));
        }
        assertEquals(1, bmc.sessionsCreated());
        List<RedfishSimulator.Request> gets = bmc.requests().stream().filter(r -> r.path().equals(SYSTEM)).toList();
        assertEquals(3, gets.size());
        gets.forEach(r -> {
            assertNotNull(r.header("X-Auth-Token"), "session token used");
            assertNull(r.header("Authorization"), "no Basic credentials once a session is open");
        });
        await(client.closeAsync());
        assertEquals(0, bmc.activeSessions(), "the session is deleted on close");
        assertEquals(BmcException.CONNECTION_FAILED, failure(client.get(SYSTEM)).reason(), "a closed client sends nothing");
    }

    @Test
    void withoutSessionsBasicAuthenticationIsUsed() {
        bmc.sessions(false);
        RedfishClient client = client(settings());
        await(client.get(SYSTEM));
        assertEquals(0, bmc.sessionsCreated());
        RedfishSimulator.Request get = bmc.requests().stream().filter(r -> r.path().equals(SYSTEM)).findFirst().orElseThrow();
        assertTrue(get.header("Authorization").startsWith("Basic "));
        assertTrue(get.authenticated());
    }

    @Test
    void anExpiredSessionIsReplacedByOneNewLogin() {
        RedfishClient client = client(settings());
        await(client.get(SYSTEM));
        bmc.expireSessions();
        await(client.get(SYSTEM));
        assertEquals(2, bmc.sessionsCreated(), "exactly one re-login");
    }

    @Test
    void concurrentRequestsShareOneLogin() {
        RedfishClient client = client(settings());
        List<CompletableFuture<?>> gets = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            gets.add(client.get(SYSTEM));
        }
        gets.forEach(Futures::await);
        assertEquals(1, bmc.sessionsCreated());
    }

    @Test
    void wrongCredentialsAreAnAuthenticationFailureThatNamesNoSecret() {
        bmc.setPassword("rotated");
        BmcException withSessions = failure(client(settings()).get(SYSTEM));
        assertEquals(BmcException.AUTHENTICATION_FAILED, withSessions.reason());
        assertFalse(withSessions.getMessage().contains(PASSWORD));

        bmc.sessions(false);
        BmcException basic = failure(client(settings()).get(SYSTEM));
        assertEquals(BmcException.AUTHENTICATION_FAILED, basic.reason());
        assertFalse(basic.getMessage().contains(PASSWORD));
        assertFalse(client(settings()).toString().contains(PASSWORD));
    }

    @Test
    void busyAnswersAndServerErrorsAreRetriedWithBackoff() {
        RedfishClient client = client(settings());
        await(client.get(SYSTEM)); // log in first, so that only the counted requests meet the faults
        bmc.busyNext(2);
        assertEquals("Off", await(client.get(SYSTEM)).path("PowerState").asText());
        bmc.failNext(1, 500);
        assertEquals("Off", await(client.get(SYSTEM)).path("PowerState").asText());

        synchronized (logged) {
            assertTrue(logged.stream().anyMatch(line -> line.contains("retrying")), "retries are logged (and checked): " + logged);
        }

        bmc.busyNext(10);
        BmcException e = failure(client.get(SYSTEM));
        assertEquals(BmcException.INTERNAL_SERVER_ERROR, e.reason());
        assertTrue(e.getMessage().contains("ServiceTemporarilyUnavailable"), e.getMessage());
        assertFalse(client.coolingDownNow(), "a BMC that answers, even 503, is reachable");
    }

    @Test
    void everyRequestIsObservedByOperationAndOutcome() {
        List<String> observed = new CopyOnWriteArrayList<>();
        RedfishClient client = new RedfishClient(transport(settings()), new BmcAccess(bmc.endpoint(), USER, PASSWORD, false),
                (operation, outcome, latency) -> observed.add(operation + "/" + outcome));
        closeAtEnd.add(client);
        await(client.get(SYSTEM));
        bmc.busyNext(1);
        await(new RedfishBmc(client).reset(SYSTEM, ResetType.ON));
        assertEquals(List.of("service_root/success", "session/success", "get_system/success",
                "get_system/server_error", "get_system/success", "reset/success"), observed);
    }

    @Test
    void resetConnectionsAreRetriedAndAPersistentOneIsAConnectionFailure() {
        RedfishClient client = client(settings());
        await(client.get(SYSTEM));
        bmc.resetConnections(2);
        assertEquals("Off", await(client.get(SYSTEM)).path("PowerState").asText());

        bmc.resetConnections(100);
        BmcException e = failure(client.get(SYSTEM));
        assertEquals(BmcException.CONNECTION_FAILED, e.reason());
        assertFalse(e.getMessage().contains("null"), e.getMessage());
    }

    @Test
    void aBmcSlowerThanTheReadTimeoutIsAConnectionFailureAndTheRequestsQueuedBehindItFailFast() {
        List<String> sent = new CopyOnWriteArrayList<>();
        RedfishClient client = new RedfishClient(transport(settings().withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300))
                .withQueue(1, 8).withCoolDown(Duration.ofSeconds(30), Duration.ofSeconds(60))),
                new BmcAccess(bmc.endpoint(), USER, PASSWORD, false), (operation, outcome, latency) -> sent.add(operation + "/" + outcome));
        closeAtEnd.add(client);
        await(client.get(SYSTEM));
        sent.clear();
        bmc.delay(Duration.ofSeconds(5));
        try {
            long started = System.nanoTime();
            CompletableFuture<?> first = client.get(SYSTEM);
            CompletableFuture<?> second = client.get(SYSTEM);
            CompletableFuture<?> third = client.get(SYSTEM);
            BmcException timedOut = failure(first);
            assertEquals(BmcException.CONNECTION_FAILED, timedOut.reason());
            assertTrue(timedOut.getMessage().contains("no answer within 300ms"), timedOut.getMessage());
            for (CompletableFuture<?> queued : List.of(second, third)) {
                BmcException fast = failure(queued);
                assertEquals(BmcException.CONNECTION_FAILED, fast.reason());
                assertTrue(fast.getMessage().contains("not tried again") && fast.getMessage().contains("no answer within 300ms"),
                        fast.getMessage());
            }
            assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofMillis(1500)) < 0,
                    "the queued requests did not wait out timeouts of their own");
            assertEquals(List.of("get_system/connection_failed"), sent, "only the first request was sent");
        } finally {
            bmc.delay(Duration.ZERO);
        }
    }

    @Test
    void aBmcThatAcceptsAndNeverAnswersFailsTheFutureWithoutBlockingAndThenFailsFast() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (!silent.isClosed()) {
                        accepted.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "silent-bmc");
            acceptor.setDaemon(true);
            acceptor.start();
            try {
                List<String> refusals = new CopyOnWriteArrayList<>();
                RedfishClient client = new RedfishClient(
                        transport(settings().withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(400))),
                        new BmcAccess(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/"), USER, PASSWORD, false),
                        new RedfishClient.RequestObserver() {
                            @Override
                            public void observed(String operation, String outcome, Duration latency) {
                            }

                            @Override
                            public void refused(String operation) {
                                refusals.add(operation);
                            }
                        });
                closeAtEnd.add(client);

                long started = System.nanoTime();
                CompletableFuture<?> get = client.get(SYSTEM);
                Duration returnedAfter = Duration.ofNanos(System.nanoTime() - started);
                assertTrue(returnedAfter.compareTo(Duration.ofMillis(200)) < 0, "the call returned at once: " + returnedAfter);
                assertFalse(get.isDone(), "the answer is still awaited");

                BmcException e = failure(get);
                assertEquals(BmcException.CONNECTION_FAILED, e.reason());
                assertTrue(e.getMessage().contains("no answer within 400ms"), e.getMessage());
                assertTrue(client.coolingDownNow());

                int connections = accepted.size();
                long again = System.nanoTime();
                BmcException fast = failure(client.get(SYSTEM));
                assertTrue(Duration.ofNanos(System.nanoTime() - again).compareTo(Duration.ofMillis(200)) < 0, "failed at once");
                assertEquals(BmcException.CONNECTION_FAILED, fast.reason());
                assertTrue(fast.getMessage().contains("not tried again for") && fast.getMessage().contains("no answer within 400ms"),
                        fast.getMessage());
                assertEquals(connections, accepted.size(), "no new connection during the cool-down");
                // The first request of the call (it opens the session at the service root) is the one refused.
                assertEquals(1, refusals.size(), "the request refused in the cool-down is counted: " + refusals);
            } finally {
                silent.close();
                for (Socket socket : accepted) {
                    socket.close();
                }
                acceptor.join(5000);
            }
        }
    }

    @Test
    void theCoolDownEndsAfterItsBackoffAndASuccessResetsIt() throws Exception {
        RedfishClient client = client(settings().withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(200))
                .withCoolDown(Duration.ofMillis(300), Duration.ofSeconds(60)));
        await(client.get(SYSTEM));
        bmc.delay(Duration.ofSeconds(2));
        try {
            assertTrue(failure(client.get(SYSTEM)).getMessage().contains("no answer within 200ms"));
            assertTrue(failure(client.get(SYSTEM)).getMessage().contains("not tried again for"));
        } finally {
            bmc.delay(Duration.ZERO);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(Futures.DEADLINE_SECONDS).toNanos();
        while (client.coolingDownNow() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
        assertEquals("Off", await(client.get(SYSTEM)).path("PowerState").asText(), "tried again once the backoff passed");
        assertFalse(client.coolingDownNow());
    }

    @Test
    void patchCarriesTheEtagAndTheBootOverrideIsReadBackAsReported() {
        RedfishBmc redfish = new RedfishBmc(client(settings()));
        String etag = bmc.etag("node-1");
        BootOverride set = await(redfish.bootOnce(SYSTEM, NetworkBoot.pxe()));
        RedfishSimulator.Request patch = bmc.requests().stream().filter(r -> r.method().equals("PATCH")).findFirst().orElseThrow();
        assertEquals(etag, patch.ifMatch());
        assertEquals(new BootOverride("Once", "Pxe"), set);
        assertTrue(set.bootsFrom(NetworkBoot.pxe()));

        bmc.revertBootOverride(true);
        bmc.newSystem("node-2").uuid("6b0b6c3e-2222-4e0a-9d3b-7f2c1d0e5a02").power("Off").add();
        String before = bmc.system("node-2").path("Boot").path("BootSourceOverrideTarget").asText();
        BootOverride dropped = await(redfish.bootOnce("/redfish/v1/Systems/node-2", NetworkBoot.uefiHttp("http://127.0.0.1/boot.efi")));
        assertEquals(before, dropped.target(), "the override is answered as the BMC reports it");
        assertFalse(dropped.bootsFrom(NetworkBoot.uefiHttp("http://127.0.0.1/boot.efi")));
    }

    @Test
    void powerActionsAreIssuedAndReadBack() {
        RedfishBmc redfish = new RedfishBmc(client(settings()));
        await(redfish.reset(SYSTEM, ResetType.ON));
        assertEquals(List.of("On"), bmc.resets("node-1"));
        assertEquals(ServerPowerState.ON, await(redfish.powerState(SYSTEM)));
        await(redfish.reset(SYSTEM, ResetType.POWER_CYCLE));
        assertEquals("PowerCycle", bmc.resets("node-1").get(1));
    }

    @Test
    void aSystemThatDisappearsIsReportedAsNotFound() {
        RedfishBmc redfish = new RedfishBmc(client(settings()));
        assertEquals(List.of(SYSTEM), await(redfish.systemUris()));
        assertEquals("6b0b6c3e-1111-4e0a-9d3b-7f2c1d0e5a01", await(redfish.systemUuid(SYSTEM)));
        bmc.removeSystem("node-1");
        assertEquals(BmcException.SYSTEM_NOT_FOUND, failure(redfish.powerState(SYSTEM)).reason());
        assertEquals(List.of(), await(redfish.systemUris()));
    }

    @Test
    void theInventoryIsRead() {
        RedfishBmc redfish = new RedfishBmc(client(settings()));
        Inventory.SystemInventory system = await(redfish.system(SYSTEM));
        assertEquals(SYSTEM, system.uri());
        assertEquals("6b0b6c3e-1111-4e0a-9d3b-7f2c1d0e5a01", system.uuid());
        assertNotNull(system.manufacturer());
        assertFalse(system.processors().isEmpty());
        assertFalse(system.nics().isEmpty());
        assertNotNull(system.nics().get(0).macAddress());
        assertNotNull(await(redfish.manager()).firmwareVersion());
    }

    @Test
    void noMoreThanTheCapOfRequestsIsInFlightAtOnceAndNoCallerThreadWaits() {
        RedfishClient client = client(settings().withQueue(2, 64));
        await(client.get(SYSTEM));
        bmc.resetInFlightMax();
        bmc.delay(Duration.ofMillis(200));
        try {
            List<CompletableFuture<?>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(client.get(SYSTEM));
            }
            calls.forEach(Futures::await);
        } finally {
            bmc.delay(Duration.ZERO);
        }
        assertTrue(bmc.inFlightMax() <= 2 && bmc.inFlightMax() >= 1, "in flight at once: " + bmc.inFlightMax());
    }

    @Test
    void anOverfullQueueFailsAtOnce() {
        RedfishClient client = client(settings().withQueue(1, 2));
        await(client.get(SYSTEM));
        bmc.delay(Duration.ofMillis(300));
        try {
            List<CompletableFuture<?>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(client.get(SYSTEM));
            }
            BmcException overfull = failure(calls.get(3));
            assertEquals(BmcException.CONNECTION_FAILED, overfull.reason());
            assertTrue(overfull.getMessage().contains("waiting"), overfull.getMessage());
            calls.subList(0, 3).forEach(Futures::await);
        } finally {
            bmc.delay(Duration.ZERO);
        }
    }

    @Test
    void aRefusedConnectionSaysSo() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        RedfishClient client = new RedfishClient(transport(settings()),
                new BmcAccess(URI.create("http://127.0.0.1:" + closedPort + "/"), USER, PASSWORD, false),
                RedfishClient.RequestObserver.NONE);
        closeAtEnd.add(client);
        BmcException e = failure(client.get(SYSTEM));
        assertEquals(BmcException.CONNECTION_FAILED, e.reason());
        assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
        assertFalse(e.getMessage().contains("null"), e.getMessage());
    }

    private RedfishTransport transport(RedfishClient.Settings settings) {
        RedfishTransport transport = new RedfishTransport(settings);
        transports.add(transport);
        return transport;
    }

    private RedfishClient client(RedfishClient.Settings settings) {
        RedfishClient client = new RedfishClient(transport(settings), new BmcAccess(bmc.endpoint(), USER, PASSWORD, false),
                RedfishClient.RequestObserver.NONE);
        closeAtEnd.add(client);
        return client;
    }

    private static RedfishClient.Settings settings() {
        return new RedfishClient.Settings(Duration.ofSeconds(2), Duration.ofSeconds(5), 4, Duration.ofMillis(20),
                Duration.ofMillis(100), 4);
    }
}
