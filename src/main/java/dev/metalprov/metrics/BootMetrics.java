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

    public enum Endpoint {
        IPXE,
        HTTPBOOT,
        IGNITION,
        IMAGE
    }

    public enum Outcome {
        /** Answered with what was asked for. */
        SERVED,
        /** No server with that UUID has a boot configuration. */
        UNKNOWN_SERVER,
        /** The Ignition token was missing or wrong. */
        BAD_TOKEN,
        /** The boot configuration is not Ready, or lacks what was asked for. */
        NOT_READY,
        /** The script is only handed out while the server boots for its configuration. */
        NOT_BOOTING,
        /** The registry failed while a layer was passed through. */
        UPSTREAM_ERROR
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
