package dev.metalprov.redfish;

import static dev.metalprov.redfish.Futures.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.server.BmcException;
import dev.metalprov.testing.RedfishSimulator;

/**
 * One client stack for every BMC: per-endpoint state is reused, replaced when the access
 * changes, dropped when nobody uses it; threads and HTTP clients do not grow with the BMCs.
 */
class BmcConnectionsTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final BmcConnections connections = new BmcConnections(
            new RedfishClient.Settings(Duration.ofSeconds(2), Duration.ofSeconds(5), 2, Duration.ofMillis(10),
                    Duration.ofMillis(20), 4),
            new Clock() {
                @Override
                public ZoneOffset getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return now.get();
                }
            }, null);

    @AfterEach
    void closeAll() {
        connections.closeAll();
    }

    @Test
    void theSameAccessReusesTheEndpointAndAChangedSecretReplacesIt() {
        Bmc first = connections.connect(new BmcAccess(URI.create("http://127.0.0.1:1/"), "admin", "one", false));
        assertSame(first, connections.connect(new BmcAccess(URI.create("http://127.0.0.1:1/"), "admin", "one", false)));
        assertNotSame(first, connections.connect(new BmcAccess(URI.create("http://127.0.0.1:1/"), "admin", "two", false)));
        assertEquals(1, connections.open());
    }

    @Test
    void anEndpointNobodyUsedForTenMinutesIsDropped() {
        connections.connect(new BmcAccess(URI.create("http://127.0.0.1:1/"), "admin", "pw", false));
        now.set(now.get().plus(BmcConnections.IDLE).plus(Duration.ofSeconds(1)));
        connections.connect(new BmcAccess(URI.create("http://127.0.0.1:2/"), "admin", "pw", false));
        assertEquals(1, connections.open(), "the BMC that went away has no state left");
    }

    @Test
    void oneHttpClientPerTlsProfileWhateverTheNumberOfBmcs() {
        for (int port = 1; port <= 20; port++) {
            connections.connect(new BmcAccess(URI.create("https://127.0.0.1:" + port + "/"), "admin", "pw", false));
            connections.connect(new BmcAccess(URI.create("https://127.0.0.2:" + port + "/"), "admin", "pw", true));
        }
        assertEquals(40, connections.open());
        assertEquals(2, connections.httpClients(), "the default trust store and the opt-out");
    }

    @Test
    void fiveHundredBmcsDoNotGrowTheThreadsAndARefusedConnectionSaysSo() throws Exception {
        // Warm the stack up on one endpoint, so that its few threads exist before counting.
        List<URI> endpoints = refusingEndpoints(501);
        failure(connections.connect(new BmcAccess(endpoints.get(0), "admin", "pw", false)).powerState("/redfish/v1/Systems/1"));
        int before = ManagementFactory.getThreadMXBean().getThreadCount();

        List<CompletableFuture<ServerPowerState>> reads = new ArrayList<>();
        for (URI endpoint : endpoints.subList(1, endpoints.size())) {
            reads.add(connections.connect(new BmcAccess(endpoint, "admin", "pw", false)).powerState("/redfish/v1/Systems/1"));
        }
        int during = ManagementFactory.getThreadMXBean().getThreadCount();
        for (CompletableFuture<ServerPowerState> read : reads) {
            BmcException e = failure(read);
            assertEquals(BmcException.CONNECTION_FAILED, e.reason());
            assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
            assertFalse(e.getMessage().contains("null"), e.getMessage());
        }
        int after = ManagementFactory.getThreadMXBean().getThreadCount();
        System.out.printf("threads for 500 BMC endpoints: %d before, %d while in flight, %d after%n", before, during, after);
        assertEquals(501, connections.open());
        assertEquals(1, connections.httpClients(), "all 500 share one HTTP client");
        assertTrue(Math.max(during, after) - before <= 3, "threads before " + before + ", in flight " + during + ", after " + after);
    }

    @Test
    void closingEndsEverySession() throws Exception {
        try (RedfishSimulator bmc = new RedfishSimulator("admin", "pw")) {
            bmc.addSystem("1", "6b0b6c3e-1111-4e0a-9d3b-7f2c1d0e5a01", "On");
            Bmc connection = connections.connect(new BmcAccess(bmc.endpoint(), "admin", "pw", false));
            assertEquals(ServerPowerState.ON, Futures.await(connection.powerState("/redfish/v1/Systems/1")));
            assertEquals(1, bmc.activeSessions());
            connections.closeAll();
            assertEquals(0, bmc.activeSessions(), "the session is deleted on shutdown");
            assertEquals(0, connections.httpClients());
        }
    }

    /** Loopback ports that were free a moment ago: nothing listens, connections are refused. */
    private static List<URI> refusingEndpoints(int count) throws Exception {
        Set<Integer> ports = new LinkedHashSet<>();
        while (ports.size() < count) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                ports.add(socket.getLocalPort());
            }
        }
        return ports.stream().map(port -> URI.create("http://127.0.0.1:" + port + "/")).toList();
    }
}
