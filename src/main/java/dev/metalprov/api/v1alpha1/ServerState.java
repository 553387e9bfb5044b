package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a server stands in its lifecycle; see docs/api.md for each state. */
public enum ServerState {
    @JsonProperty("Initial")
    INITIAL,
    @JsonProperty("Discovery")
    DISCOVERY,
    @JsonProperty("Available")
    AVAILABLE,
    @JsonProperty("Reserved")
    RESERVED,
    @JsonProperty("Released")
    RELEASED,
    @JsonProperty("Error")
    ERROR,
    @JsonProperty("Parked")
    PARKED;
}
