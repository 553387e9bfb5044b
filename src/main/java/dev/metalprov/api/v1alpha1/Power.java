package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The power a claim asks for, or that a server is driven to. */
public enum Power {
    @JsonProperty("On")
    ON,
    @JsonProperty("Off")
    OFF;
}
