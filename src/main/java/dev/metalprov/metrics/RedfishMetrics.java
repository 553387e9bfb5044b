package dev.metalprov.metrics;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import dev.metalprov.redfish.RedfishClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;

/**
 * Every Redfish request, by operation and outcome, with its latency, and the requests refused
 * before they were sent (outcome {@code refused}: the BMC cools down after a connection failure,
 * or its queue is full). Operations and outcomes are small fixed sets; neither BMC addresses nor
 * credentials become labels.
 */
@ApplicationScoped
public class RedfishMetrics implements RedfishClient.RequestObserver {

    @Inject
    MeterRegistry registry;

    /** The error ratio and its alert need both series from the start, at zero. */
    void registerAtStart(@Observes StartupEvent start) {
        requests("get_system", "success");
        requests("get_system", "connection_failed");
        requests("get_system", "refused");
        latency("get_system");
    }

    @Override
    public void observed(String operation, String outcome, Duration latency) {
        requests(operation, outcome).increment();
        latency(operation).record(latency);
    }

    /** Counted as outcome {@code refused}, without a latency: nothing went over the wire. */
    @Override
    public void refused(String operation) {
        requests(operation, "refused").increment();
    }

    private Timer latency(String operation) {
        return Timer.builder("metal.redfish.request.duration").description("Latency of Redfish requests, by operation")
                .tag("operation", operation)
                .serviceLevelObjectives(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
                        Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20))
                .register(registry);
    }

    private Counter requests(String operation, String outcome) {
        return Counter.builder("metal.redfish.requests").description("Redfish requests, by operation and outcome")
                .tag("operation", operation).tag("outcome", outcome).register(registry);
    }
}
