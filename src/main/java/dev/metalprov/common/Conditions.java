package dev.metalprov.common;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Condition;

/**
 * metav1.Condition bookkeeping: one condition per type, and a transition time that moves only
 * when the status does, so that status patches stay quiet when nothing changed.
 */
public final class Conditions {

    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";

    private Conditions() {
    }

    /** A copy of the list with the condition of that type set as given. */
    public static List<Condition> with(List<Condition> existing, String type, boolean status, String reason, String message,
            Long observedGeneration, Instant now) {
        String newStatus = status ? TRUE : FALSE;
        List<Condition> result = new ArrayList<>();
        boolean found = false;
        for (Condition condition : existing == null ? List.<Condition> of() : existing) {
            if (!type.equals(condition.getType())) {
                result.add(condition);
                continue;
            }
            found = true;
            String transition = newStatus.equals(condition.getStatus()) ? condition.getLastTransitionTime() : now.toString();
            result.add(condition(type, newStatus, reason, message, observedGeneration, transition));
        }
        if (!found) {
            result.add(condition(type, newStatus, reason, message, observedGeneration, now.toString()));
        }
        return result;
    }

    /** The condition every kind of this API carries to sum up the others: {@code kubectl wait --for=condition=Ready}. */
    public static final String READY = "Ready";

    /** What keeps an object from being Ready: the reason and message of the first condition (or state) that is not as it should be. */
    public record Blocker(String reason, String message) {
    }

    /**
     * A copy of the list with the Ready condition set: True with the given reason and message when
     * nothing blocks, False with the first blocker's reason and message otherwise.
     */
    public static List<Condition> withReady(List<Condition> existing, Optional<Blocker> blocker, String readyReason,
            String readyMessage, Long observedGeneration, Instant now) {
        return blocker.isEmpty() ? with(existing, READY, true, readyReason, readyMessage, observedGeneration, now)
                : with(existing, READY, false, blocker.get().reason(), blocker.get().message(), observedGeneration, now);
    }

    /** The first of these conditions that is present and not True, as a blocker. */
    public static Optional<Blocker> firstNotTrue(List<Condition> conditions, String... types) {
        for (String type : types) {
            Optional<Condition> found = find(conditions, type).filter(c -> !TRUE.equals(c.getStatus()));
            if (found.isPresent()) {
                return Optional.of(new Blocker(found.get().getReason(), found.get().getMessage()));
            }
        }
        return Optional.empty();
    }

    /** A copy of the list without the condition of that type. */
    public static List<Condition> without(List<Condition> existing, String type) {
        return existing == null ? List.of() : existing.stream().filter(c -> !type.equals(c.getType())).toList();
    }

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions == null ? Optional.empty()
                : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    public static boolean isTrue(List<Condition> conditions, String type) {
        return find(conditions, type).map(c -> TRUE.equals(c.getStatus())).orElse(false);
    }

    public static Optional<String> reason(List<Condition> conditions, String type) {
        return find(conditions, type).map(Condition::getReason);
    }

    private static Condition condition(String type, String status, String reason, String message, Long generation,
            String transition) {
        Condition condition = new Condition();
        condition.setType(type);
        condition.setStatus(status);
        condition.setReason(reason);
        condition.setMessage(Objects.requireNonNullElse(message, ""));
        condition.setObservedGeneration(generation);
        condition.setLastTransitionTime(transition);
        return condition;
    }
}
