package dev.metalprov.claim;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.metalprov.api.v1alpha1.Taint;
import dev.metalprov.api.v1alpha1.TaintEffect;
import dev.metalprov.api.v1alpha1.Toleration;
import dev.metalprov.api.v1alpha1.TolerationOperator;

/** Taint and toleration matching, with the semantics of Kubernetes node taints. */
final class Tolerations {

    private Tolerations() {
    }

    /** The first taint that keeps the claim from binding, if any. Only NoBind taints (the default effect) do. */
    static Optional<Taint> firstUntolerated(List<Taint> taints, List<Toleration> tolerations) {
        if (taints == null) {
            return Optional.empty();
        }
        List<Toleration> given = tolerations == null ? List.of() : tolerations;
        return taints.stream()
                .filter(taint -> effectOf(taint) == TaintEffect.NO_BIND)
                .filter(taint -> given.stream().noneMatch(toleration -> tolerates(toleration, taint)))
                .findFirst();
    }

    static boolean tolerates(Toleration toleration, Taint taint) {
        if (toleration.getEffect() != null && toleration.getEffect() != effectOf(taint)) {
            return false;
        }
        TolerationOperator operator = toleration.getOperator() == null ? TolerationOperator.EQUAL : toleration.getOperator();
        boolean anyKey = toleration.getKey() == null || toleration.getKey().isEmpty();
        if (operator == TolerationOperator.EXISTS) {
            return anyKey || toleration.getKey().equals(taint.getKey());
        }
        return !anyKey && toleration.getKey().equals(taint.getKey())
                && Objects.equals(emptyToNull(toleration.getValue()), emptyToNull(taint.getValue()));
    }

    private static TaintEffect effectOf(Taint taint) {
        return taint.getEffect() == null ? TaintEffect.NO_BIND : taint.getEffect();
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
