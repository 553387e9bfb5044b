package dev.metalprov.server;

/** The condition types of a Server and the reasons they carry. */
public final class ServerConditions {

    /** Whether the operator can reach the server's BMC; reasons are those of {@link BmcException}, or Connected. */
    public static final String BMC_REACHABLE = "BMCReachable";
    public static final String CONNECTED = "Connected";

    private ServerConditions() {
    }
}
