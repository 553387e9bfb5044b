package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonValue;

/** The protocol of a BMC's serial console. */
public enum ConsoleProtocolName {
    IPMI("IPMI"),
    SSH("SSH"),
    SSH_LENOVO("SSHLenovo");

    private final String value;

    ConsoleProtocolName(String value) {
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
