package dev.metalprov.server;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The failure of an exchange with a BMC, as a {@link BmcException} with a reason and the root cause. */
public final class BmcFailures {

    private BmcFailures() {
    }

    /** Strips the wrappers futures put around a failure. */
    public static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** The BMC's own account of a failure; anything else is a fault of ours, named by its type. */
    public static BmcException of(Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof BmcException bmc) {
            return bmc;
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return new BmcException(BmcException.INTERNAL_SERVER_ERROR, message, cause);
    }

    /**
     * Whether the failure says the BMC cannot be worked with at all (not reached, credentials or
     * certificate refused, the system or its configuration missing), rather than that it answered
     * and refused one request.
     */
    public static boolean unreachable(BmcException failure) {
        return !BmcException.INTERNAL_SERVER_ERROR.equals(failure.reason());
    }
}
