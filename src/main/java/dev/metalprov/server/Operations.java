package dev.metalprov.server;

import java.util.Map;
import java.util.Optional;

import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.server.PowerAdapter.PowerAction;
import io.fabric8.kubernetes.api.model.HasMetadata;

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

    /** Upstream's meaning of {@code ignore}, on any kind: the operator leaves the object alone while it is set. */
    public static boolean ignored(HasMetadata object) {
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        return annotations != null && IGNORE.equals(annotations.get(Metal.OPERATION_ANNOTATION));
    }

    public static Optional<PowerAction> powerAction(String operation) {
        return Optional.ofNullable(POWER.get(operation));
    }
}
