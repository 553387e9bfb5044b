package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonValue;

/** The power state a BMC reports for a system. */
public enum ServerPowerState {
    ON("On"),
    OFF("Off"),
    PAUSED("Paused"),
    POWERING_ON("PoweringOn"),
    POWERING_OFF("PoweringOff");

    private final String value;

    ServerPowerState(String value) {
        this.value = value;
    }

    /** The spelling used in manifests and by the API server. */
    @JsonValue
    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return value;
    }
}
