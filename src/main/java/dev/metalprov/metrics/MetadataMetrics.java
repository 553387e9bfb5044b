package dev.metalprov.metrics;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * How the metadata service answers. Unknown callers rising means something off the
 * provisioning network reaches the port, or a server's status lacks its addresses; wrong secret
 * types mean a tenant named a Secret that is not user data. Labels are the endpoint and the
 * outcome only: never an address, a server, a claim or a key.
 */
@ApplicationScoped
public class MetadataMetrics {

    public enum Endpoint {
        /** {@code /v1/}: everything at once. */
        METADATA,
        /** {@code /v1/{field}}. */
        FIELD,
        /** {@code /v1/user-data}. */
        USER_DATA,
        /** {@code /v1/user-data/{key}}. */
        USER_DATA_KEY,
        /** Any other path. */
        OTHER
    }

    public enum Outcome {
        /** Answered with what was asked for. */
        SERVED,
        /** The request lacked {@code Metadata-Flavor: IronCore Metal}. */
        MISSING_HEADER,
        /** No server lists the address the request came from. */
        UNKNOWN_CALLER,
        /** More than one server lists that address, so it names no machine. */
        AMBIGUOUS_CALLER,
        /** No such field, user-data key or path. */
        NOT_FOUND,
        /** The server has no claim, its claim names no user data, or the Secret does not exist. */
        NO_USER_DATA,
        /** The claim's user-data Secret is not of type metal.ironcore.dev/user-data. */
        WRONG_SECRET_TYPE,
        /** The API server could not be asked for the Secret. */
        ERROR
    }

    @Inject
    MeterRegistry registry;

    private AnswerCounter answers;

    @PostConstruct
    void create() {
        answers = new AnswerCounter(registry, "metal.metadata.requests", "Requests to the metadata service, by endpoint and outcome");
    }

    void registerAtStart(@Observes StartupEvent start) {
        answers.registerAll(Endpoint.values(), Outcome.values());
    }

    public void answered(Endpoint endpoint, Outcome outcome) {
        answers.increment(endpoint, outcome);
    }
}
