package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonValue;

/** What happens to a server when the claim that held it is deleted. */
public enum ReclaimPolicy {
    RECYCLE("Recycle"),
    RETAIN("Retain");

    private final String value;

    ReclaimPolicy(String value) {
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
