package dev.metalprov.common;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How long to wait before trying again something that keeps failing: the first wait, doubled
 * with every further failure, up to a ceiling; a success starts it over. No hot loop against a
 * dead BMC, and no long wait after a single hiccup.
 */
public class FailureBackoff {

    private final Map<String, Integer> failures = new ConcurrentHashMap<>();

    /** Counts a failure of {@code key} and answers how long to wait before the next try. */
    public Duration failed(String key, Duration first, Duration ceiling) {
        int failed = failures.merge(key, 1, Integer::sum);
        return Duration.ofMillis(Math.min(ceiling.toMillis(), first.toMillis() << Math.min(failed - 1, 20)));
    }

    public void succeeded(String key) {
        failures.remove(key);
    }
}
