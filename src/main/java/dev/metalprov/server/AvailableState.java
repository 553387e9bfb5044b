package dev.metalprov.server;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.metalprov.api.v1alpha1.ServerState;

/** In the pool: its power is watched until a claim binds it, which makes it Reserved. */
@ApplicationScoped
public class AvailableState implements StateHandler {

    @Inject
    PowerSequencer power;

    @Override
    public ServerState state() {
        return ServerState.AVAILABLE;
    }

    @Override
    public Plan handle(Situation s) {
        if (s.claimRef() != null) {
            // No event: the claim's ServerBound already tells it, and a bind costs one Event, not two.
            return Plan.to(ServerState.RESERVED).recheckAfter(Duration.ZERO);
        }
        if (s.failure().isPresent()) {
            return Plan.to(ServerState.ERROR).recheckAfter(Duration.ZERO);
        }
        PowerSequencer.Step watch = power.watch(s.bmc(), s.now());
        return Plan.to(ServerState.AVAILABLE).send(watch.command()).recheckAfter(watch.recheck());
    }
}
