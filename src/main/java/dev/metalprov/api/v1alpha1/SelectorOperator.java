package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonValue;

/** How a label selector requirement relates a label key to its values. */
public enum SelectorOperator {
    IN("In"),
    NOT_IN("NotIn"),
    EXISTS("Exists"),
    DOES_NOT_EXIST("DoesNotExist");

    private final String value;

    SelectorOperator(String value) {
        this.value = value;
    }

    /** The spelling used in manifests and by the API server. */
    @JsonValue
    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return value;
    }
}
