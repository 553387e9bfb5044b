package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonValue;

/** Whether the operator can work with a BMC. */
public enum BMCState {
    PENDING("Pending"),
    ENABLED("Enabled"),
    ERROR("Error");

    private final String value;

    BMCState(String value) {
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
