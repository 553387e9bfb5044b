package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonValue;

/** The URL scheme used to reach a BMC. */
public enum ProtocolScheme {
    HTTP("http"),
    HTTPS("https");

    private final String value;

    ProtocolScheme(String value) {
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
