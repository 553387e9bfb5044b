package dev.metalprov.operator;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;

/**
 * What a replica does when it stops leading while it is not shutting down (it could not renew the
 * Lease in time, or another replica holds it now): it exits, and its pod restarts it as a
 * standby. The SDK's elector ends for good once it stops leading, so a replica that stayed up
 * would neither reconcile nor compete for the Lease again, while its probes still said Ready.
 * The SDK's own exit calls System.exit from the elector, which would deadlock in an orderly
 * shutdown (the elector is stopped from a shutdown hook); this one asks Quarkus to stop instead,
 * and only when no shutdown is under way.
 */
@ApplicationScoped
public class LostLease {

    private static final Logger LOG = Logger.getLogger(LostLease.class);

    private volatile boolean stopping;

    /** Before the SDK stops its elector: losing the lead from here on is the shutdown's doing. */
    void stopping(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent stop) {
        stopping = true;
    }

    void stoppedLeading() {
        if (stopping) {
            return;
        }
        LOG.error("this replica lost the Lease; exiting so that it restarts as a standby");
        Quarkus.asyncExit(1);
    }
}
