package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonValue;

/** The state of a storage controller, volume or drive. */
public enum StorageState {
    ENABLED("Enabled"),
    DISABLED("Disabled"),
    ABSENT("Absent");

    private final String value;

    StorageState(String value) {
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
