package dev.metalprov.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The answers of one of the operator's HTTP services, counted by endpoint and outcome. Every pair
 * is registered at zero from the start, so that rates and alerts see the series before the first
 * answer of a kind. Both label sets are small enums: nothing a caller sends becomes a label.
 */
final class AnswerCounter {

    /** A label value, as it appears in the exposition. */
    interface Label {
        String label();
    }

    private final MeterRegistry registry;
    private final String name;
    private final String description;

    AnswerCounter(MeterRegistry registry, String name, String description) {
        this.registry = registry;
        this.name = name;
        this.description = description;
    }

    void registerAll(Label[] endpoints, Label[] outcomes) {
        for (Label endpoint : endpoints) {
            for (Label outcome : outcomes) {
                counter(endpoint, outcome);
            }
        }
    }

    void increment(Label endpoint, Label outcome) {
        counter(endpoint, outcome).increment();
    }

    private Counter counter(Label endpoint, Label outcome) {
        return Counter.builder(name).description(description).tag("endpoint", endpoint.label()).tag("outcome", outcome.label())
                .register(registry);
    }
}
