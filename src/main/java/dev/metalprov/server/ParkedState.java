package dev.metalprov.server;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.api.v1alpha1.ServerState;

/**
 * Parked (the mark {@code metal.ironcore.dev/parked} is set): out of the claim lifecycle so that
 * someone else can work on the machine. The operator stands down: it never powers the machine
 * on or off, whatever is done to it from outside, and only reads its power on the resync
 * interval to report it. A claimed server keeps its claim.
 *
 * <p>Once unpark has removed the mark, the server resumes: a claimed one goes back to Reserved,
 * where its claim powers it again; a free one is powered off (it may have been left running)
 * and goes back to Available.
 */
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
        if (Parking.parked(s.server())) {
            PowerSequencer.Step watch = power.watch(s.bmc(), s.now());
            return Plan.to(ServerState.PARKED).send(watch.command()).recheckAfter(watch.recheck())
                    .condition(ServerConditions.PARKED, true, ServerConditions.PARKED_REASON, "parked; the operator leaves the machine's"
                            + " power alone until the annotation " + Metal.OPERATION_ANNOTATION + ": unpark");
        }
        if (s.claimRef() != null) {
            return Plan.to(ServerState.RESERVED).clearCondition(ServerConditions.PARKED)
                    .event("Resumed", "unparked; back to Reserved for its claim").recheckAfter(Duration.ZERO);
        }
        PowerSequencer.Step off = power.off(s.bmc(), s.now());
        if (off.reached()) {
            return Plan.to(ServerState.AVAILABLE).clearCondition(ServerConditions.PARKED)
                    .event("Resumed", "unparked and powered off; back in the pool").recheckAfter(Duration.ZERO);
        }
        return Plan.to(ServerState.PARKED).send(off.command()).recheckAfter(off.recheck())
                .condition(ServerConditions.PARKED, false, ServerConditions.UNPARKING, "unparked; powering off before it rejoins the pool");
    }
}
