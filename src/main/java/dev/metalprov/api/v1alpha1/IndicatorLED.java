package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonValue;

/** The state of a server's chassis indicator LED. */
public enum IndicatorLED {
    UNKNOWN("Unknown"),
    LIT("Lit"),
    BLINKING("Blinking"),
    OFF("Off");

    private final String value;

    IndicatorLED(String value) {
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
