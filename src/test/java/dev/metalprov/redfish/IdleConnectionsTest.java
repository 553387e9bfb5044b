package dev.metalprov.redfish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IdleConnectionsTest {

    private final String before = System.getProperty(IdleConnections.PROPERTY);

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(IdleConnections.PROPERTY);
        } else {
            System.setProperty(IdleConnections.PROPERTY, before);
        }
    }

    @Test
    void idleConnectionsAreKeptSecondsNotTwentyMinutes() {
        System.clearProperty(IdleConnections.PROPERTY);
        IdleConnections.limit();
        assertEquals("10", System.getProperty(IdleConnections.PROPERTY));
    }

    @Test
    void aValueGivenOnTheCommandLineWins() {
        System.setProperty(IdleConnections.PROPERTY, "600");
        IdleConnections.limit();
        assertEquals("600", System.getProperty(IdleConnections.PROPERTY));
    }
}
