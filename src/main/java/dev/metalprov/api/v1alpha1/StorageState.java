package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The state of a storage controller, volume or drive. */
public enum StorageState {
    @JsonProperty("Enabled")
    ENABLED,
    @JsonProperty("Disabled")
    DISABLED,
    @JsonProperty("Absent")
    ABSENT;
}
