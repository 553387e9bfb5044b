package dev.metalprov.server;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.metalprov.api.v1alpha1.ServerState;

/**
 * Retained after its claim went: out of the pool, its power watched, until someone clears
 * {@code spec.serverClaimRef}; then it is powered off and goes back to Available.
 */
@ApplicationScoped
public class ReleasedState implements StateHandler {

    @Inject
    PowerSequencer power;

    @Override
    public ServerState state() {
        return ServerState.RELEASED;
    }

    @Override
    public Plan handle(Situation s) {
        if (s.claimRef() != null) {
            PowerSequencer.Step watch = power.watch(s.bmc(), s.now());
            return Plan.to(ServerState.RELEASED).send(watch.command()).recheckAfter(watch.recheck());
        }
        if (s.server().getMetadata().getLabels() != null
                && s.server().getMetadata().getLabels().containsKey(dev.metalprov.api.v1alpha1.Metal.CLAIM_UID_LABEL)) {
            return Plan.write(ServerState.RELEASED, "drop the label of the claim that is gone",
                    server -> Release.withoutBinding(server, false));
        }
        PowerSequencer.Step off = power.off(s.bmc(), s.now());
        if (!off.reached()) {
            return Plan.to(ServerState.RELEASED).send(off.command()).recheckAfter(off.recheck());
        }
        return Plan.to(ServerState.AVAILABLE).event("Recycled", "the claim reference was cleared; back in the pool")
                .recheckAfter(Duration.ZERO);
    }
}
