package dev.metalprov.server;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.metalprov.api.v1alpha1.ServerState;

/** Taken out of service with the park operation: kept powered off and never bound. */
@ApplicationScoped
public class ParkedState implements StateHandler {

    @Inject
    PowerSequencer power;

    @Override
    public ServerState state() {
        return ServerState.PARKED;
    }

    @Override
    public Plan handle(Situation s) {
        PowerSequencer.Step off = power.off(s.bmc(), s.now());
        return Plan.to(ServerState.PARKED).send(off.command()).recheckAfter(off.recheck());
    }
}
