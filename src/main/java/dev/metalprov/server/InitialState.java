package dev.metalprov.server;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.common.OperatorConfig;
import dev.metalprov.redfish.Inventory.SystemInventory;

/**
 * A new server: read the system from its BMC, record its Redfish path, power it off, and offer it
 * as Available. A claimed server whose status was lost is never rediscovered or powered off: it is
 * Reserved again at once.
 */
@ApplicationScoped
public class InitialState implements StateHandler {

    @Inject
    PowerSequencer power;

    @Inject
    OperatorConfig config;

    @Override
    public ServerState state() {
        return ServerState.INITIAL;
    }

    @Override
    public Plan handle(Situation s) {
        if (s.claimRef() != null) {
            return Plan.to(ServerState.RESERVED).recheckAfter(Duration.ZERO);
        }
        if (s.failure().isPresent()) {
            return Plan.to(ServerState.ERROR).recheckAfter(Duration.ZERO);
        }
        SystemInventory inventory = s.bmc().inventory();
        if (inventory == null) {
            return Plan.to(ServerState.INITIAL).send(BmcCommand.READ_INVENTORY).recheckAfter(config.powerPollInterval());
        }
        String recorded = s.server().getSpec().getSystemURI();
        if ((recorded == null || recorded.isBlank()) && inventory.uri() != null) {
            return Plan.write(ServerState.INITIAL, "record the system's Redfish path", server -> {
                server.getSpec().setSystemURI(inventory.uri());
                return server;
            });
        }
        PowerSequencer.Step off = power.off(s.bmc(), s.now());
        if (off.reached()) {
            return Plan.to(ServerState.AVAILABLE).event("Available", "server is discovered and powered off")
                    .recheckAfter(off.recheck());
        }
        return Plan.to(ServerState.INITIAL).send(off.command()).recheckAfter(off.recheck());
    }
}
