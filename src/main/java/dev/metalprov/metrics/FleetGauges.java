package dev.metalprov.metrics;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.metalprov.api.v1alpha1.BMC;
import dev.metalprov.api.v1alpha1.BMCState;
import dev.metalprov.api.v1alpha1.ClaimPhase;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.common.Conditions;
import io.javaoperatorsdk.operator.processing.event.source.Cache;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The fleet at a glance, counted from the informer caches at scrape time, at most once a second:
 * claims by phase, servers by state and by power state, BMCs by readiness. Every label value is
 * one of an enum's, registered once, so no series is ever left behind for an object that is gone.
 */
@ApplicationScoped
public class FleetGauges {

    /**
     * The reasons of a Bound claim's PowerStateReached condition while it is False (ClaimConditions
     * has them; MetricsTest checks the two lists agree). Fixed, so that every series exists from the start.
     */
    static final String[] POWER_PENDING_REASONS = { "WaitingForBootConfiguration", "PowerTransition", "NetworkBootNotKept",
            "BMCUnreachable" };

    @Inject
    MeterRegistry registry;

    private final AtomicReference<Cache<Server>> servers = new AtomicReference<>();
    private final AtomicReference<Cache<ServerClaim>> claims = new AtomicReference<>();
    private final AtomicReference<Cache<BMC>> bmcs = new AtomicReference<>();
    private final Map<String, Tally<?>> tallies = new ConcurrentHashMap<>();
    private volatile boolean registered;

    /** Called by the reconcilers when their caches exist (again, after a restart of the operator). */
    public void observeServers(Cache<Server> cache) {
        servers.set(cache);
        register();
    }

    public void observeClaims(Cache<ServerClaim> cache) {
        claims.set(cache);
        register();
    }

    public void observeBmcs(Cache<BMC> cache) {
        bmcs.set(cache);
        register();
    }

    private synchronized void register() {
        if (registered) {
            return;
        }
        registered = true;
        // A registry that outlives this bean (tests restart the application in one JVM) may still
        // hold gauges reading an earlier bean's caches; these replace them.
        for (String name : new String[] { "metal.servers.by.state", "metal.servers.by.power.state", "metal.claims.by.phase",
                "metal.claims.power.pending", "metal.bmcs.by.ready" }) {
            registry.find(name).meters().forEach(registry::remove);
        }
        tallies.clear();
        for (ServerState state : ServerState.values()) {
            gauge("metal.servers.by.state", "Servers in each lifecycle state", "state", state.value(),
                    servers, s -> s.getStatus() == null ? ServerState.INITIAL : s.getStatus().getState(), state);
        }
        for (ServerPowerState power : ServerPowerState.values()) {
            gauge("metal.servers.by.power.state", "Servers in each power state, as last read from their BMC", "power_state",
                    power.value(), servers, s -> s.getStatus() == null ? null : s.getStatus().getPowerState(), power);
        }
        for (ClaimPhase phase : ClaimPhase.values()) {
            gauge("metal.claims.by.phase", "Server claims in each phase", "phase", phase.value(),
                    claims, c -> c.getStatus() == null || c.getStatus().getPhase() == null ? ClaimPhase.UNBOUND : c.getStatus().getPhase(),
                    phase);
        }
        for (String reason : POWER_PENDING_REASONS) {
            gauge("metal.claims.power.pending", "Bound claims whose power state is not reached yet, by the reason of their"
                    + " PowerStateReached condition", "reason", reason, claims, FleetGauges::powerPendingReason, reason);
        }
        for (boolean ready : new boolean[] { true, false }) {
            gauge("metal.bmcs.by.ready", "BMCs the operator can work with (ready) or not", "ready", String.valueOf(ready),
                    bmcs, b -> b.getStatus() != null && b.getStatus().getState() == BMCState.ENABLED, ready);
        }
    }

    /** The reason a Bound claim has not reached its power state, or null when it has (or is not Bound). */
    static String powerPendingReason(ServerClaim claim) {
        if (claim.getStatus() == null || claim.getStatus().getPhase() != ClaimPhase.BOUND) {
            return null;
        }
        return Conditions.find(claim.getStatus().getConditions(), "PowerStateReached")
                .filter(c -> !Conditions.TRUE.equals(c.getStatus()))
                .map(c -> c.getReason())
                .orElse(null);
    }

    @SuppressWarnings("unchecked")
    private <T, V> void gauge(String name, String description, String tag, String value, AtomicReference<Cache<T>> cache,
            Function<T, V> property, V wanted) {
        // One tally per metric: every series of a metric counts the same property of the same cache.
        Tally<T> tally = (Tally<T>) tallies.computeIfAbsent(name, n -> new Tally<>(cache, property));
        Gauge.builder(name, tally, t -> t.count(wanted))
                .description(description)
                .tag(tag, value)
                .register(registry);
    }

    /**
     * The objects of one cache counted by one property, in one pass for all the gauges of a metric
     * and at most once a second: a scrape reads every series of it, and the fleet may be thousands.
     */
    static final class Tally<T> {
        private static final long FRESH_NANOS = 1_000_000_000L;

        private final AtomicReference<Cache<T>> cache;
        private final Function<T, ?> property;
        private Map<Object, Long> counts = Map.of();
        private long takenAt;
        private boolean taken;

        Tally(AtomicReference<Cache<T>> cache, Function<T, ?> property) {
            this.cache = cache;
            this.property = property;
        }

        synchronized double count(Object wanted) {
            long now = System.nanoTime();
            if (!taken || now - takenAt > FRESH_NANOS) {
                counts = take();
                takenAt = now;
                taken = true;
            }
            return counts.getOrDefault(wanted, 0L);
        }

        private Map<Object, Long> take() {
            Cache<T> objects = cache.get();
            if (objects == null) {
                return Map.of();
            }
            Map<Object, Long> counted = new HashMap<>();
            try {
                objects.list().forEach(object -> counted.merge(property.apply(object), 1L, Long::sum));
            } catch (RuntimeException e) {
                // The informers have not started yet (the SDK's cache answers with an exception): none seen.
                return Map.of();
            }
            return counted;
        }
    }
}
