package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The power state a BMC reports for a system. */
public enum ServerPowerState {
    @JsonProperty("On")
    ON,
    @JsonProperty("Off")
    OFF,
    @JsonProperty("Paused")
    PAUSED,
    @JsonProperty("PoweringOn")
    POWERING_ON,
    @JsonProperty("PoweringOff")
    POWERING_OFF;
}
