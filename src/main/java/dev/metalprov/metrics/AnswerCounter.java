package dev.metalprov.metrics;

import java.util.Locale;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The answers of one of the operator's HTTP services, counted by endpoint and outcome. Every pair
 * is registered at zero from the start, so that rates and alerts see the series before the first
 * answer of a kind. Both label sets are small enums, each constant's label its name in lower
 * case: nothing a caller sends becomes a label.
 */
final class AnswerCounter {

    private final MeterRegistry registry;
    private final String name;
    private final String description;

    AnswerCounter(MeterRegistry registry, String name, String description) {
        this.registry = registry;
        this.name = name;
        this.description = description;
    }

    void registerAll(Enum<?>[] endpoints, Enum<?>[] outcomes) {
        for (Enum<?> endpoint : endpoints) {
            for (Enum<?> outcome : outcomes) {
                counter(endpoint, outcome);
            }
        }
    }

    void increment(Enum<?> endpoint, Enum<?> outcome) {
        counter(endpoint, outcome).increment();
    }

    private Counter counter(Enum<?> endpoint, Enum<?> outcome) {
        return Counter.builder(name).description(description).tag("endpoint", label(endpoint)).tag("outcome", label(outcome))
                .register(registry);
    }

    private static String label(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
