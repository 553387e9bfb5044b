package dev.metalprov.common;

import java.time.Duration;

/**
 * How long to wait before trying again something that keeps failing: the first wait, doubled
 * with every further failure in a row, up to a ceiling. No hot loop against a dead BMC, and no
 * long wait after a single hiccup. The caller keeps the count with what failed, so that it is
 * gone with it.
 */
public final class FailureBackoff {

    private FailureBackoff() {
    }

    /** The wait after {@code consecutiveFailures} failures in a row (1 for the first). */
    public static Duration after(int consecutiveFailures, Duration first, Duration ceiling) {
        int doublings = Math.min(Math.max(consecutiveFailures, 1) - 1, 20);
        return Duration.ofMillis(Math.min(ceiling.toMillis(), first.toMillis() << doublings));
    }
}
