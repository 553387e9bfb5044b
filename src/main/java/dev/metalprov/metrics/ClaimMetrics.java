package dev.metalprov.metrics;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import dev.metalprov.boot.BootConfigurationReconciler;
import dev.metalprov.claim.BindingFirst;
import dev.metalprov.server.ServerReconciler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.quarkus.runtime.StartupEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** How claims fare: how long binding and provisioning take, how binds and releases turn out. */
@ApplicationScoped
public class ClaimMetrics {

    /** Seconds to tens of minutes: a bind takes seconds, a provision (boot, image, Ignition) minutes. */
    private static final Duration[] BUCKETS = { Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5),
            Duration.ofMinutes(10), Duration.ofMinutes(20), Duration.ofMinutes(30) };

    public enum BindOutcome {
        BOUND("bound"),
        CONFLICT("conflict"),
        NO_CANDIDATE("no_candidate");

        private final String label;

        BindOutcome(String label) {
            this.label = label;
        }
    }

    @Inject
    MeterRegistry registry;

    @Inject
    BindingFirst bindingFirst;

    /** Every series exists from the start, at zero, so that rates and alerts need no absent(). */
    void registerAtStart(@Observes StartupEvent start) {
        for (String controller : new String[] { ServerReconciler.NAME, BootConfigurationReconciler.NAME }) {
            // A registry that outlives this application (tests restart it in one JVM) would keep the
            // first function, bound to beans that are gone: this application's replaces it.
            Gauge before = registry.find("metal.binding.held.passes").tag("controller", controller).gauge();
            if (before != null) {
                registry.remove(before);
            }
            Gauge.builder("metal.binding.held.passes", bindingFirst, first -> first.held(controller))
                    .description("Passes held while claims wait for their bind (docs/binding.md, Binding goes first), by controller")
                    .tag("controller", controller).register(registry);
        }
        bindTimer();
        provisionTimer();
        for (BindOutcome outcome : BindOutcome.values()) {
            bindAttempts(outcome);
        }
        for (String[] release : new String[][] { { "Recycle", "recycled" }, { "Retain", "retained" } }) {
            releases(release[0], release[1]);
        }
    }

    /** From the claim's creation to Bound. */
    public void bound(Duration sinceCreation) {
        bindTimer().record(sinceCreation);
    }

    private Timer bindTimer() {
        return Timer.builder("metal.claim.bind.duration").description("Time from a claim's creation until it is Bound")
                .serviceLevelObjectives(BUCKETS).register(registry);
    }

    private Timer provisionTimer() {
        return Timer.builder("metal.claim.provision.duration")
                .description("Time from a claim being Bound until its server is powered On")
                .serviceLevelObjectives(BUCKETS).register(registry);
    }

    private Counter bindAttempts(BindOutcome outcome) {
        return Counter.builder("metal.claim.bind.attempts").description("Attempts to bind a claim, by outcome")
                .tag("outcome", outcome.label).register(registry);
    }

    private Counter releases(String reclaimPolicy, String outcome) {
        return Counter.builder("metal.server.releases")
                .description("Servers released by deleted claims, by reclaim policy and outcome")
                .tag("reclaim_policy", reclaimPolicy).tag("outcome", outcome).register(registry);
    }

    /** From Bound to the server powered On. */
    public void provisioned(Duration sinceBound) {
        provisionTimer().record(sinceBound);
    }

    public void bindAttempt(BindOutcome outcome) {
        bindAttempts(outcome).increment();
    }

    /** A released server: recycled into the pool, or retained. */
    public void released(String reclaimPolicy, String outcome) {
        releases(reclaimPolicy, outcome).increment();
    }
}
