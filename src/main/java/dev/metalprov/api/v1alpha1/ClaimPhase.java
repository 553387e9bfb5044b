package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonValue;

/** Whether a claim holds a server. */
public enum ClaimPhase {
    BOUND("Bound"),
    UNBOUND("Unbound");

    private final String value;

    ClaimPhase(String value) {
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
