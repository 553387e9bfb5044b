package dev.metalprov.redfish;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.metalprov.metrics.RedfishMetrics;

/**
 * The one Redfish client stack of the operator: a {@link RedfishTransport} (a few shared HTTP
 * clients and threads) and, per BMC endpoint, the small state of a {@link RedfishClient}, kept
 * between reconciles so that sessions and connections are reused. A changed address, credential
 * or TLS setting replaces the endpoint's state (closing its session); an endpoint nobody used for
 * a while is dropped, and shutting down closes everything.
 */
@ApplicationScoped
public class BmcConnections {

    private static final Logger LOG = Logger.getLogger(BmcConnections.class);

    /** A connection nobody used for this long belongs to a BMC that went away: it is closed. */
    static final Duration IDLE = Duration.ofMinutes(10);

    /** How often idle endpoints are looked for. */
    static final Duration SWEEP = Duration.ofMinutes(1);

    @Inject
    Clock clock;

    @Inject
    RedfishMetrics metrics;

    private RedfishClient.Settings settings = RedfishClient.Settings.defaults();
    private RedfishClient.RequestObserver observer;
    private RedfishTransport transport;
    private final Map<URI, RedfishBmc> connections = new ConcurrentHashMap<>();
    private final Map<URI, Instant> lastUsed = new ConcurrentHashMap<>();
    /** When idle endpoints were last looked for: not on every request, as that walks every endpoint. */
    private volatile Instant lastSweep = Instant.MIN;

    public BmcConnections() {
    }

    /** A stack outside CDI, with its own settings, clock and observer (null for none). */
    public BmcConnections(RedfishClient.Settings settings, Clock clock, RedfishClient.RequestObserver observer) {
        this.settings = settings;
        this.clock = clock;
        this.observer = observer == null ? RedfishClient.RequestObserver.NONE : observer;
    }

    /**
     * The BMC at the access's endpoint; returns at once and sends nothing. Throws a
     * {@code BmcException} (ConfigurationError) only when the access's CA cannot be read.
     */
    public Bmc connect(BmcAccess access) {
        RedfishTransport shared = transport();
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
            return new RedfishBmc(new RedfishClient(shared, access, observer()));
        });
    }

    private synchronized RedfishTransport transport() {
        if (transport == null) {
            transport = new RedfishTransport(settings);
        }
        return transport;
    }

    private RedfishClient.RequestObserver observer() {
        if (observer != null) {
            return observer;
        }
        return metrics == null ? RedfishClient.RequestObserver.NONE : metrics;
    }

    private void closeIdle(Instant now) {
        if (lastSweep.plus(SWEEP).isAfter(now)) {
            return;
        }
        lastSweep = now;
        lastUsed.forEach((endpoint, used) -> {
            if (used.plus(IDLE).isBefore(now) && lastUsed.remove(endpoint, used)) {
                RedfishBmc idle = connections.remove(endpoint);
                if (idle != null) {
                    idle.close();
                }
            }
        });
    }

    /** Endpoints with state kept. */
    int open() {
        return connections.size();
    }

    /** HTTP clients in use: one per TLS profile, whatever the number of BMCs. */
    int httpClients() {
        RedfishTransport current;
        synchronized (this) {
            current = transport;
        }
        return current == null ? 0 : current.httpClients();
    }

    /** Ends every session (waiting a little for the BMCs to confirm), then stops the shared threads. */
    @PreDestroy
    void closeAll() {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        connections.values().forEach(bmc -> closing.add(bmc.client().closeAsync()));
        connections.clear();
        lastUsed.clear();
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debugf("not every BMC session was ended at shutdown: %s", RedfishClient.rootCause(e, null));
        }
        synchronized (this) {
            if (transport != null) {
                transport.close();
                transport = null;
            }
        }
    }
}
