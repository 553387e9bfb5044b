package dev.metalprov.redfish;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.metalprov.api.v1alpha1.BMC;
import dev.metalprov.api.v1alpha1.Server;

/**
 * One Redfish client per BMC endpoint, kept between reconciles so that sessions and
 * connections are reused. A changed address, credential or TLS setting replaces the client
 * (closing its session); a client nobody used for a while is closed, and shutting down closes
 * them all.
 */
@ApplicationScoped
public class BmcConnections {

    @Inject
    BmcAccessResolver resolver;

    @Inject
    Clock clock;

    @Inject
    dev.metalprov.metrics.RedfishMetrics metrics;

    /** A connection nobody used for this long belongs to a BMC that went away: it is closed. */
    static final Duration IDLE = Duration.ofMinutes(10);

    private final RedfishClient.Settings settings = RedfishClient.Settings.defaults();
    private final Map<URI, RedfishBmc> connections = new ConcurrentHashMap<>();
    private final Map<URI, Instant> lastUsed = new ConcurrentHashMap<>();

    public Bmc forServer(Server server) {
        return connect(resolver.resolve(server));
    }

    public Bmc forBmc(BMC bmc) {
        return connect(resolver.resolve(bmc));
    }

    private Bmc connect(BmcAccess access) {
        Instant now = clock.instant();
        closeIdle(now);
        lastUsed.put(access.endpoint(), now);
        return connections.compute(access.endpoint(), (endpoint, existing) -> {
            if (existing != null && existing.access().equals(access)) {
                return existing;
            }
            if (existing != null) {
                existing.close();
            }
            return new RedfishBmc(new RedfishClient(access, settings,
                    metrics == null ? RedfishClient.RequestObserver.NONE : metrics));
        });
    }

    private void closeIdle(Instant now) {
        lastUsed.forEach((endpoint, used) -> {
            if (used.plus(IDLE).isBefore(now) && lastUsed.remove(endpoint, used)) {
                RedfishBmc idle = connections.remove(endpoint);
                if (idle != null) {
                    idle.close();
                }
            }
        });
    }

    int open() {
        return connections.size();
    }

    @PreDestroy
    void closeAll() {
        connections.values().forEach(RedfishBmc::close);
        connections.clear();
    }
}
