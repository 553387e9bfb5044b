package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a taint does to claims that do not tolerate it. */
public enum TaintEffect {
    @JsonProperty("NoBind")
    NO_BIND,
    @JsonProperty("Evict")
    EVICT;
}
