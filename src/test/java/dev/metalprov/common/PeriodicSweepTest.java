package dev.metalprov.common;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class PeriodicSweepTest {

    @Test
    void isDueAtOnceThenOncePerInterval() {
        PeriodicSweep sweep = new PeriodicSweep(Duration.ofMinutes(10));
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        assertTrue(sweep.due(start), "the first reconcile sweeps");
        assertFalse(sweep.due(start), "not twice at the same moment");
        assertFalse(sweep.due(start.plus(Duration.ofMinutes(9))));
        assertTrue(sweep.due(start.plus(Duration.ofMinutes(10))));
        assertFalse(sweep.due(start.plus(Duration.ofMinutes(11))));
    }
}
