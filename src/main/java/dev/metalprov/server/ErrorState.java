package dev.metalprov.server;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.common.OperatorConfig;

/**
 * A server whose BMC failed: its power is read again with backoff (the reconciler spaces the
 * tries), and once the BMC answers it starts over as Initial. A quarantined server, whose BMC
 * never confirmed the power-off of a release, goes on with that release instead.
 */
@ApplicationScoped
public class ErrorState implements StateHandler {

    @Inject
    Release release;

    @Inject
    OperatorConfig config;

    @Override
    public ServerState state() {
        return ServerState.ERROR;
    }

    @Override
    public Plan handle(Situation s) {
        if (s.hasCondition(ServerConditions.QUARANTINED)) {
            return release.handle(s);
        }
        if (s.claimRef() != null) {
            // A bound server never leaves its claim through Error.
            return Plan.to(ServerState.RESERVED).recheckAfter(Duration.ZERO);
        }
        if (s.failure().isPresent()) {
            return Plan.to(ServerState.ERROR).send(BmcCommand.READ_POWER).recheckAfter(config.powerPollInterval());
        }
        return Plan.to(ServerState.INITIAL).event("Recovered", "the BMC answers again").recheckAfter(Duration.ZERO);
    }
}
