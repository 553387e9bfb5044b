package dev.metalprov.redfish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IdleConnectionsTest {

    private static final List<String> PROPERTIES = List.of(IdleConnections.PROPERTY, IdleConnections.BUFFER_PROPERTY);
    private final Map<String, String> before = new HashMap<>();

    @BeforeEach
    void remember() {
        PROPERTIES.forEach(p -> before.put(p, System.getProperty(p)));
    }

    @AfterEach
    void restore() {
        before.forEach((property, value) -> {
            if (value == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, value);
            }
        });
    }

    @Test
    void idleConnectionsAreKeptSecondsNotTwentyMinutesWithSmallReadBuffers() {
        PROPERTIES.forEach(System::clearProperty);
        IdleConnections.limit();
        assertEquals("10", System.getProperty(IdleConnections.PROPERTY));
        assertEquals("4096", System.getProperty(IdleConnections.BUFFER_PROPERTY));
    }

    @Test
    void valuesGivenOnTheCommandLineWin() {
        System.setProperty(IdleConnections.PROPERTY, "600");
        System.setProperty(IdleConnections.BUFFER_PROPERTY, "65536");
        IdleConnections.limit();
        assertEquals("600", System.getProperty(IdleConnections.PROPERTY));
        assertEquals("65536", System.getProperty(IdleConnections.BUFFER_PROPERTY));
    }
}
