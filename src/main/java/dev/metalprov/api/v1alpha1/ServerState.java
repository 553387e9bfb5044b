package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where a server stands in its lifecycle; see docs/api.md for each state. */
public enum ServerState {
    INITIAL("Initial"),
    DISCOVERY("Discovery"),
    AVAILABLE("Available"),
    RESERVED("Reserved"),
    RELEASED("Released"),
    ERROR("Error"),
    PARKED("Parked");

    private final String value;

    ServerState(String value) {
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
