package dev.metalprov.server;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.common.OperatorConfig;
import dev.metalprov.server.PowerAdapter.PowerAction;

/**
 * The one-shot operations of the {@code metal.ironcore.dev/operation} annotation, as upstream
 * names them: each is carried out, and then the annotation is removed in a pass of its own.
 * {@code ignore} is not an operation: the reconciler leaves such a server alone altogether.
 *
 * <p>Park and unpark follow upstream: a park powers the server off and then sets the durable mark
 * {@code metal.ironcore.dev/parked}; it is done only from Available or Reserved, and asked in
 * another state it stays pending (see {@link ServerPlanner}). A parked server drops the power
 * operations asked of it, with a warning event. Unpark removes the mark; {@link ParkedState}
 * then resumes the server.
 */
@ApplicationScoped
public class OperationAnnotations {

    @Inject
    OperatorConfig config;

    @Inject
    PowerSequencer power;

    /**
     * The plan for a pending operation, or empty when none is pending or it has to wait (a park
     * asked in a state that cannot be parked yet).
     */
    public Optional<Plan> handle(Situation s) {
        Optional<String> operation = s.operation();
        if (operation.isEmpty() || Operations.IGNORE.equals(operation.get())) {
            return Optional.empty();
        }
        String op = operation.get();
        ServerState state = s.state();
        boolean parked = Parking.parked(s.server());
        if (Operations.UNPARK.equals(op)) {
            return Optional.of(parked ? unpark(state) : done(state, op));
        }
        if (Operations.PARK.equals(op)) {
            if (parked) {
                return Optional.of(done(state, op));
            }
            return Parking.parkable(state) ? Optional.of(park(s, state)) : Optional.empty();
        }
        Optional<PowerAction> action = Operations.powerAction(op);
        if (action.isPresent() && parked) {
            return Optional.of(done(state, op).warning("ParkedOperationDropped",
                    "operation " + op + " dropped: the server is parked; unpark it first"));
        }
        if (action.isPresent()) {
            if (s.bmc().issuedWithin(action.get(), s.now(), config.powerActionRetryInterval())) {
                return Optional.of(done(state, op).event("OperationPerformed", op));
            }
            return Optional.of(Plan.to(state).send(BmcCommand.power(action.get())).recheckAfter(config.powerPollInterval()));
        }
        return Optional.of(done(state, op).warning("UnknownOperation", "unknown operation '" + op + "' in annotation "
                + Metal.OPERATION_ANNOTATION + "; removed"));
    }

    /**
     * Powers the server off (graceful, then forced), keeping its state meanwhile; once the BMC
     * confirms Off, one write sets the mark and removes the operation. A claimed server keeps its claim.
     */
    private Plan park(Situation s, ServerState state) {
        PowerSequencer.Step off = power.off(s.bmc(), s.now());
        if (!off.reached()) {
            return Plan.to(state).send(off.command()).recheckAfter(off.recheck())
                    .condition(ServerConditions.PARKED, false, ServerConditions.PARKING, "powering off to park");
        }
        return Plan.write(state, "park the powered-off server", server -> {
            Map<String, String> annotations = new HashMap<>(server.getMetadata().getAnnotations());
            annotations.put(Metal.PARKED_ANNOTATION, "true");
            annotations.remove(Metal.OPERATION_ANNOTATION);
            server.getMetadata().setAnnotations(annotations);
            return server;
        }).event("Parked", "powered off and parked" + (s.claimRef() == null ? "" : "; its claim is kept"));
    }

    private static Plan unpark(ServerState state) {
        return Plan.write(state, "unpark", server -> {
            Map<String, String> annotations = new HashMap<>(server.getMetadata().getAnnotations());
            annotations.remove(Metal.PARKED_ANNOTATION);
            annotations.remove(Metal.OPERATION_ANNOTATION);
            server.getMetadata().setAnnotations(annotations);
            return server;
        }).event("Unparking", "unpark requested; resuming the server");
    }

    private static Plan done(ServerState state, String op) {
        return Plan.write(state, "remove the performed operation " + op, server -> {
            Map<String, String> annotations = new HashMap<>(server.getMetadata().getAnnotations());
            annotations.remove(Metal.OPERATION_ANNOTATION);
            server.getMetadata().setAnnotations(annotations);
            return server;
        });
    }
}
