package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonValue;

/** How far the boot service has got with a boot configuration. */
public enum BootConfigurationState {
    PENDING("Pending"),
    READY("Ready"),
    ERROR("Error");

    private final String value;

    BootConfigurationState(String value) {
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
