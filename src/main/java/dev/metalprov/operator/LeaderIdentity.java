package dev.metalprov.operator;

import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The name this replica competes for the Lease under: the pod's name (HOSTNAME in a pod), or a
 * generated one outside a pod. Known to the operator itself, so that it can give the Lease up
 * on shutdown only if it still holds it.
 */
@ApplicationScoped
public class LeaderIdentity {

    private final String value = Optional.ofNullable(System.getenv("HOSTNAME")).filter(h -> !h.isBlank())
            .orElseGet(() -> "metal-operator-" + UUID.randomUUID());
    private volatile boolean elected;

    public String value() {
        return value;
    }

    /** Whether this replica took part in leader election at all. */
    boolean elected() {
        return elected;
    }

    void electing() {
        elected = true;
    }
}
