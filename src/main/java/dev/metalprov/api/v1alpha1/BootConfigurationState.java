package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How far the boot service has got with a boot configuration. */
public enum BootConfigurationState {
    @JsonProperty("Pending")
    PENDING,
    @JsonProperty("Ready")
    READY,
    @JsonProperty("Error")
    ERROR;
}
