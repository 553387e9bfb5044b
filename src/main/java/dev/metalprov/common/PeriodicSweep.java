package dev.metalprov.common;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * When to look for what is kept in memory of objects that are gone. The kinds the operator keeps
 * such state for are deleted without a finalizer, so no reconcile sees them go; a reconcile asks
 * {@link #due} and, at most once per interval and on one thread only, drops what belongs to no
 * object in the informer's cache.
 */
public final class PeriodicSweep {

    private final Duration interval;
    private final AtomicReference<Instant> next = new AtomicReference<>(Instant.MIN);

    public PeriodicSweep(Duration interval) {
        this.interval = interval;
    }

    /** True for the one caller that should sweep now. */
    public boolean due(Instant now) {
        Instant at = next.get();
        return !now.isBefore(at) && next.compareAndSet(at, now.plus(interval));
    }
}
