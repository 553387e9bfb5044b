package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What happens to a server when the claim that held it is deleted. */
public enum ReclaimPolicy {
    @JsonProperty("Recycle")
    RECYCLE,
    @JsonProperty("Retain")
    RETAIN;
}
