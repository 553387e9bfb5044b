package dev.metalprov.server;

import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.common.OperatorConfig;

/**
 * Decides the plan of one pass, in this order: the deprecated {@code spec.power} is cleared; a
 * server that names no BMC waits; a pending operation of the annotation is carried out; a parked
 * server is left to {@link ParkedState}, whatever its status says; otherwise the handler of its
 * state decides. The indicator LED is brought in line in Available and Reserved.
 */
@ApplicationScoped
public class ServerPlanner {

    @Inject
    OperationAnnotations operations;

    @Inject
    IndicatorLeds leds;

    @Inject
    OperatorConfig config;

    public Plan plan(Situation s, Function<ServerState, StateHandler> handlers) {
        if (s.server().getSpec().getPower() != null) {
            // As upstream does: the field is deprecated and means nothing; the claim powers the server.
            return Plan.write(s.state(), "clear the deprecated spec.power", server -> {
                server.getSpec().setPower(null);
                return server;
            });
        }
        if (!s.namesBmc()) {
            return withoutBmc(s);
        }
        Plan plan = operations.handle(s).orElseGet(() -> {
            ServerState state = Parking.parked(s.server()) ? ServerState.PARKED : s.state();
            Plan handled = handlers.apply(state).handle(s);
            if (s.operation().filter(Operations.PARK::equals).isPresent() && !Parking.parked(s.server())) {
                // Upstream keeps such a park and does it once the server can be parked.
                handled.condition(ServerConditions.PARKED, false, ServerConditions.PARK_DEFERRED, "park deferred: a server in state "
                        + s.state() + " cannot be parked yet; it is parked once it is Available or Reserved");
            }
            return handled;
        });
        boolean settled = plan.next() == s.state() && !Parking.parked(s.server())
                && s.operation().filter(op -> !Operations.IGNORE.equals(op)).isEmpty();
        if (settled && (plan.next() == ServerState.AVAILABLE || plan.next() == ServerState.RESERVED)) {
            return leds.apply(s, plan);
        }
        return plan;
    }

    /**
     * A server without a BMC (an inventory entry, as upstream's visualizer keeps) is no error: it
     * waits in Initial, or keeps the state a claim or park gave it, touching no BMC, until
     * {@code spec.bmcRef} or {@code spec.bmc} is set; that change wakes it.
     */
    private Plan withoutBmc(Situation s) {
        ServerState state = s.state();
        boolean free = s.claimRef() == null && !Parking.parked(s.server());
        ServerState next = free && (state == ServerState.AVAILABLE || state == ServerState.ERROR || state == ServerState.DISCOVERY)
                ? ServerState.INITIAL
                : state;
        return Plan.to(next).recheckAfter(config.maxErrorBackoff()).condition(ServerConditions.BMC_REACHABLE, false,
                ServerConditions.NO_BMC, "the server names no BMC: set spec.bmcRef or spec.bmc"
                        + (s.operation().isPresent() ? "; the operation in " + Metal.OPERATION_ANNOTATION + " waits for it" : ""));
    }
}
