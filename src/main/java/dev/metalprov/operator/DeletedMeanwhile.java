package dev.metalprov.operator;

import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.logging.LoggingFilter;

/**
 * Servers carry no finalizer: when one is deleted while its pass runs, the status written at the
 * end of the pass finds it gone, and the SDK reports the 404 as a warning with a stack trace
 * before it drops the pass for the deletion. Nothing is wrong and nothing is left to do; a fleet
 * taken down at once printed thousands of them. This filter drops exactly those: warnings of the
 * SDK's event processor whose cause is a NotFound from the API server. Every other warning of it,
 * and an error on a last attempt, still shows.
 */
@LoggingFilter(name = DeletedMeanwhile.NAME)
public final class DeletedMeanwhile implements Filter {

    public static final String NAME = "deleted-meanwhile";
    static final String EVENT_PROCESSOR = "io.javaoperatorsdk.operator.processing.event.EventProcessor";

    @Override
    public boolean isLoggable(LogRecord record) {
        return !(record.getLevel().intValue() == Level.WARNING.intValue() && EVENT_PROCESSOR.equals(record.getLoggerName())
                && notFound(record.getThrown()));
    }

    private static boolean notFound(Throwable thrown) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof KubernetesClientException e && e.getCode() == 404) {
                return true;
            }
        }
        return false;
    }
}
