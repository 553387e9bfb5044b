package dev.metalprov.redfish;

/**
 * How long the JDK's HTTP clients keep an idle connection open.
 *
 * <p>The JDK keeps every idle HTTP/1.1 connection for {@code jdk.httpclient.keepalive.timeout}
 * seconds, 1,200 by default on Java 17. With one BMC per server that is one open connection, its
 * socket and its buffers per server for twenty minutes after each probe: thousands in a fleet, all
 * of it heap. Power polls reuse a connection within seconds; a probe every few minutes pays for a
 * new one. The JDK reads the setting once, when its first client is built, so every builder of a
 * JDK client calls {@link #limit()} first; a value given on the command line wins.
 */
public final class IdleConnections {

    static final String PROPERTY = "jdk.httpclient.keepalive.timeout";
    static final String SECONDS = "30";

    private IdleConnections() {
    }

    public static void limit() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, SECONDS);
        }
    }
}
