package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonValue;

/** The management protocol of a BMC. Only Redfish is served; the others are accepted for compatibility and reported as unsupported. */
public enum ProtocolName {
    REDFISH("Redfish"),
    REDFISH_LOCAL("RedfishLocal"),
    REDFISH_KUBE("RedfishKube"),
    IPMI("IPMI"),
    SSH("SSH");

    private final String value;

    ProtocolName(String value) {
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
