package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The state of a server's chassis indicator LED. */
public enum IndicatorLED {
    @JsonProperty("Unknown")
    UNKNOWN,
    @JsonProperty("Lit")
    LIT,
    @JsonProperty("Blinking")
    BLINKING,
    @JsonProperty("Off")
    OFF;
}
