package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether the operator can work with a BMC. */
public enum BMCState {
    @JsonProperty("Pending")
    PENDING,
    @JsonProperty("Enabled")
    ENABLED,
    @JsonProperty("Error")
    ERROR;
}
