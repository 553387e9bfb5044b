package dev.metalprov.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * What machines ask the boot server for, and how it answers. A rise in unknown servers or bad
 * tokens means someone is guessing UUIDs or tokens; both are labelled, never the UUID itself.
 */
@ApplicationScoped
public class BootMetrics {

    public enum Endpoint {
        IPXE("ipxe"),
        HTTPBOOT("httpboot"),
        IGNITION("ignition"),
        IMAGE("image");

        private final String label;

        Endpoint(String label) {
            this.label = label;
        }
    }

    public enum Outcome {
        /** Answered with what was asked for. */
        SERVED("served"),
        /** No server with that UUID has a boot configuration. */
        UNKNOWN_SERVER("unknown_server"),
        /** The Ignition token was missing or wrong. */
        BAD_TOKEN("bad_token"),
        /** The boot configuration is not Ready, or lacks what was asked for. */
        NOT_READY("not_ready"),
        /** The script is only handed out while the server boots for its configuration. */
        NOT_BOOTING("not_booting"),
        /** The registry failed while a layer was passed through. */
        UPSTREAM_ERROR("upstream_error");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }
    }

    @Inject
    MeterRegistry registry;

    void registerAtStart(@Observes StartupEvent start) {
        for (Endpoint endpoint : Endpoint.values()) {
            for (Outcome outcome : Outcome.values()) {
                counter(endpoint, outcome);
            }
        }
    }

    public void answered(Endpoint endpoint, Outcome outcome) {
        counter(endpoint, outcome).increment();
    }

    private Counter counter(Endpoint endpoint, Outcome outcome) {
        return Counter.builder("metal.boot.requests").description("Requests to the boot server, by endpoint and outcome")
                .tag("endpoint", endpoint.label).tag("outcome", outcome.label).register(registry);
    }
}
