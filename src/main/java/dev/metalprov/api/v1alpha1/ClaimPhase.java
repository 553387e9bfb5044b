package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether a claim holds a server. */
public enum ClaimPhase {
    @JsonProperty("Bound")
    BOUND,
    @JsonProperty("Unbound")
    UNBOUND;
}
