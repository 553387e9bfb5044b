package dev.metalprov.redfish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** Clients are reused per BMC, replaced when its access changes, and closed when nobody uses them. */
class BmcConnectionsTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final AtomicReference<BmcAccess> access = new AtomicReference<>();
    private final BmcConnections connections = new BmcConnections();

    BmcConnectionsTest() {
        connections.clock = new Clock() {
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
        };
        connections.resolver = new BmcAccessResolver() {
            @Override
            public BmcAccess resolve(Server server) {
                return access.get();
            }
        };
    }

    @Test
    void theSameAccessReusesTheClientAndAChangedSecretReplacesIt() {
        access.set(new BmcAccess(URI.create("http://127.0.0.1:1/"), "admin", "one", false));
        Bmc first = connections.forServer(server());
        assertSame(first, connections.forServer(server()));
        access.set(new BmcAccess(URI.create("http://127.0.0.1:1/"), "admin", "two", false));
        assertNotSame(first, connections.forServer(server()));
        assertEquals(1, connections.open());
    }

    @Test
    void aClientNobodyUsedForTenMinutesIsClosed() {
        access.set(new BmcAccess(URI.create("http://127.0.0.1:1/"), "admin", "pw", false));
        connections.forServer(server());
        now.set(now.get().plus(BmcConnections.IDLE).plus(Duration.ofSeconds(1)));
        access.set(new BmcAccess(URI.create("http://127.0.0.1:2/"), "admin", "pw", false));
        connections.forServer(server());
        assertEquals(1, connections.open(), "the BMC that went away has no client left");
    }

    private static Server server() {
        Server server = new Server();
        server.setMetadata(new ObjectMetaBuilder().withName("s").build());
        server.setSpec(new ServerSpec());
        return server;
    }
}
