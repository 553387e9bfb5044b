package dev.metalprov.redfish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdkHttpConnectionsTest {

    private static final List<String> PROPERTIES = List.of(JdkHttpConnections.KEEPALIVE_PROPERTY, JdkHttpConnections.BUFFER_PROPERTY);
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
        JdkHttpConnections.limit();
        assertEquals("10", System.getProperty(JdkHttpConnections.KEEPALIVE_PROPERTY));
        assertEquals("4096", System.getProperty(JdkHttpConnections.BUFFER_PROPERTY));
    }

    @Test
    void valuesGivenOnTheCommandLineWin() {
        System.setProperty(JdkHttpConnections.KEEPALIVE_PROPERTY, "600");
        System.setProperty(JdkHttpConnections.BUFFER_PROPERTY, "65536");
        JdkHttpConnections.limit();
        assertEquals("600", System.getProperty(JdkHttpConnections.KEEPALIVE_PROPERTY));
        assertEquals("65536", System.getProperty(JdkHttpConnections.BUFFER_PROPERTY));
    }
}
