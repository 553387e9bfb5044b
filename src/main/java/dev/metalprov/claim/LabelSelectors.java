package dev.metalprov.claim;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.metalprov.api.v1alpha1.LabelSelector;
import dev.metalprov.api.v1alpha1.LabelSelectorRequirement;

/**
 * Kubernetes label-selector semantics, evaluated in the operator: the binding decision must not
 * depend on how a particular API server (or the test mock) filters lists.
 */
final class LabelSelectors {

    private LabelSelectors() {
    }

    /** An absent selector matches everything; an empty one too, as in Kubernetes. */
    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        Map<String, String> actual = labels == null ? Map.of() : labels;
        if (selector.getMatchLabels() != null) {
            for (var required : selector.getMatchLabels().entrySet()) {
                if (!Objects.equals(required.getValue(), actual.get(required.getKey()))) {
                    return false;
                }
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
                if (!matches(requirement, actual)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean matches(LabelSelectorRequirement requirement, Map<String, String> labels) {
        String value = labels.get(requirement.getKey());
        List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
        return switch (requirement.getOperator()) {
            case IN -> value != null && values.contains(value);
            case NOT_IN -> value == null || !values.contains(value);
            case EXISTS -> labels.containsKey(requirement.getKey());
            case DOES_NOT_EXIST -> !labels.containsKey(requirement.getKey());
        };
    }
}
