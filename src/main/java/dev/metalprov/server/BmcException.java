package dev.metalprov.server;

/**
 * A BMC did not do what was asked. The reason is one of the BMC condition reasons, so that it
 * can go straight into a condition; the message never contains credentials.
 */
public class BmcException extends RuntimeException {

    public static final String CONNECTION_FAILED = "ConnectionFailed";
    public static final String AUTHENTICATION_FAILED = "AuthenticationFailed";
    public static final String INTERNAL_SERVER_ERROR = "InternalServerError";
    public static final String SYSTEM_NOT_FOUND = "SystemNotFound";
    public static final String CONFIGURATION_ERROR = "ConfigurationError";
    /** The TLS handshake with the BMC failed: its certificate is not trusted as configured in spec.tls. */
    public static final String TLS_FAILED = "TLSFailed";

    private final String reason;

    public BmcException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public BmcException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
