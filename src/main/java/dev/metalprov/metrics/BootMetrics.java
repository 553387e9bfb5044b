package dev.metalprov.metrics;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * What machines ask the boot server for, and how it answers. A rise in unknown servers or bad
 * tokens means someone is guessing UUIDs or tokens; both are labelled, never the UUID itself.
 */
@ApplicationScoped
public class BootMetrics {

    public enum Endpoint implements AnswerCounter.Label {
        IPXE("ipxe"),
        HTTPBOOT("httpboot"),
        IGNITION("ignition"),
        IMAGE("image");

        private final String label;

        Endpoint(String label) {
            this.label = label;
        }

        @Override
        public String label() {
            return label;
        }
    }

    public enum Outcome implements AnswerCounter.Label {
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

        @Override
        public String label() {
            return label;
        }
    }

    @Inject
    MeterRegistry registry;

    private AnswerCounter answers;

    @PostConstruct
    void create() {
        answers = new AnswerCounter(registry, "metal.boot.requests", "Requests to the boot server, by endpoint and outcome");
    }

    void registerAtStart(@Observes StartupEvent start) {
        answers.registerAll(Endpoint.values(), Outcome.values());
    }

    public void answered(Endpoint endpoint, Outcome outcome) {
        answers.increment(endpoint, outcome);
    }
}
