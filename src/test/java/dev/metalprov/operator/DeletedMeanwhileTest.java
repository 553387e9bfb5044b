package dev.metalprov.operator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** Only the SDK's warning about an object deleted while its pass ran is dropped. */
class DeletedMeanwhileTest {

    private final DeletedMeanwhile filter = new DeletedMeanwhile();

    @Test
    void theProcessorsWarningForAnObjectGoneMeanwhileIsDropped() {
        // The client throws a copy whose cause is the API server's answer, as in the operator's log.
        Exception thrown = new KubernetesClientException("Failure executing: PATCH", new KubernetesClientException("not found", 404, null));
        assertFalse(filter.isLoggable(record(Level.WARNING, DeletedMeanwhile.EVENT_PROCESSOR, thrown)));
    }

    @Test
    void everythingElseShows() {
        Exception gone = new KubernetesClientException("not found", 404, null);
        Exception conflict = new KubernetesClientException("conflict", 409, null);
        Exception refused = new KubernetesClientException("forbidden", 403, null);
        assertTrue(filter.isLoggable(record(Level.SEVERE, DeletedMeanwhile.EVENT_PROCESSOR, gone)), "an error on the last attempt");
        assertTrue(filter.isLoggable(record(Level.WARNING, DeletedMeanwhile.EVENT_PROCESSOR, conflict)));
        assertTrue(filter.isLoggable(record(Level.WARNING, DeletedMeanwhile.EVENT_PROCESSOR, refused)));
        assertTrue(filter.isLoggable(record(Level.WARNING, DeletedMeanwhile.EVENT_PROCESSOR, new IllegalStateException("bug"))));
        assertTrue(filter.isLoggable(record(Level.WARNING, "dev.metalprov.server.ServerReconciler", gone)), "another logger");
        assertTrue(filter.isLoggable(record(Level.WARNING, DeletedMeanwhile.EVENT_PROCESSOR, null)));
    }

    private static LogRecord record(Level level, String logger, Throwable thrown) {
        LogRecord record = new LogRecord(level, "Uncaught error during event processing");
        record.setLoggerName(logger);
        record.setThrown(thrown);
        return record;
    }
}
