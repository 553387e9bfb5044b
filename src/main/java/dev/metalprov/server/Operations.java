package dev.metalprov.server;

import java.util.Map;
import java.util.Optional;

import dev.metalprov.server.PowerAdapter.PowerAction;

/** The values of the {@code metal.ironcore.dev/operation} annotation, as upstream spells them. */
public final class Operations {

    public static final String PARK = "park";
    public static final String UNPARK = "unpark";
    public static final String IGNORE = "ignore";

    private static final Map<String, PowerAction> POWER = Map.of(
            "graceful-restart-server", PowerAction.GRACEFUL_RESTART,
            "hard-restart-server", PowerAction.FORCE_RESTART,
            "power-cycle-server", PowerAction.POWER_CYCLE,
            "force-off-server", PowerAction.FORCE_OFF,
            "force-on-server", PowerAction.FORCE_ON);

    private Operations() {
    }

    public static Optional<PowerAction> powerAction(String operation) {
        return Optional.ofNullable(POWER.get(operation));
    }
}
