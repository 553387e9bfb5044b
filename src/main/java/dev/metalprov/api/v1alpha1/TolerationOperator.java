package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a toleration compares its value with a taint's. */
public enum TolerationOperator {
    @JsonProperty("Equal")
    EQUAL,
    @JsonProperty("Exists")
    EXISTS;
}
