package dev.metalprov.metrics;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.metalprov.redfish.RedfishClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Every Redfish request, by operation and outcome, with its latency. Operations and outcomes
 * are small fixed sets; neither BMC addresses nor credentials become labels.
 */
@ApplicationScoped
public class RedfishMetrics implements RedfishClient.RequestObserver {

    @Inject
    MeterRegistry registry;

    @Override
    public void observed(String operation, String outcome, Duration latency) {
        Counter.builder("metal.redfish.requests").description("Redfish requests, by operation and outcome")
                .tag("operation", operation).tag("outcome", outcome).register(registry).increment();
        Timer.builder("metal.redfish.request.duration").description("Latency of Redfish requests, by operation")
                .tag("operation", operation)
                .serviceLevelObjectives(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
                        Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20))
                .register(registry).record(latency);
    }
}
