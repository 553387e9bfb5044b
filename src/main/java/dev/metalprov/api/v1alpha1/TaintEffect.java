package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a taint does to claims that do not tolerate it. */
public enum TaintEffect {
    NO_BIND("NoBind"),
    EVICT("Evict");

    private final String value;

    TaintEffect(String value) {
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
