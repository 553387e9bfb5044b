package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The URL scheme used to reach a BMC. */
public enum ProtocolScheme {
    @JsonProperty("http")
    HTTP,
    @JsonProperty("https")
    HTTPS;
}
