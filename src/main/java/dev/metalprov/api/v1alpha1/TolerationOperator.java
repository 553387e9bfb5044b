package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonValue;

/** How a toleration compares its value with a taint's. */
public enum TolerationOperator {
    EQUAL("Equal"),
    EXISTS("Exists");

    private final String value;

    TolerationOperator(String value) {
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
