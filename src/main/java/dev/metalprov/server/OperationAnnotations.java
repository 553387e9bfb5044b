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
 */
@ApplicationScoped
public class OperationAnnotations {

    @Inject
    OperatorConfig config;

    /** The plan for a pending operation, or empty when none is pending. */
    public Optional<Plan> handle(Situation s) {
        Optional<String> operation = s.operation();
        if (operation.isEmpty() || Operations.IGNORE.equals(operation.get())) {
            return Optional.empty();
        }
        String op = operation.get();
        ServerState state = s.state();
        Optional<PowerAction> action = Operations.powerAction(op);
        if (action.isPresent()) {
            if (s.bmc().issuedWithin(action.get(), s.now(), config.powerActionRetryInterval())) {
                return Optional.of(done(state, op).event("OperationPerformed", op));
            }
            return Optional.of(Plan.to(state).send(BmcCommand.power(action.get())).recheckAfter(config.powerPollInterval()));
        }
        if (Operations.PARK.equals(op)) {
            if (state == ServerState.RESERVED || state == ServerState.RELEASED) {
                return Optional.of(done(state, op).warning("OperationRefused", "a claimed server cannot be parked; release it first"));
            }
            if (state != ServerState.PARKED) {
                return Optional.of(Plan.to(ServerState.PARKED).event("OperationPerformed", op).recheckAfter(java.time.Duration.ZERO));
            }
            return Optional.of(done(state, op));
        }
        if (Operations.UNPARK.equals(op)) {
            if (state == ServerState.PARKED) {
                return Optional.of(Plan.to(ServerState.INITIAL).event("OperationPerformed", op).recheckAfter(java.time.Duration.ZERO));
            }
            return Optional.of(done(state, op));
        }
        return Optional.of(done(state, op).warning("UnknownOperation", "unknown operation '" + op + "' in annotation "
                + Metal.OPERATION_ANNOTATION + "; removed"));
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
