package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The management protocol of a BMC. The Redfish ones are served; IPMI and SSH are accepted for
 * compatibility and reported as unsupported.
 */
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

    /**
     * Whether the operator speaks Redfish to it. RedfishLocal and RedfishKube are upstream's names
     * for its emulated and in-cluster test BMCs: on the wire they are plain Redfish, so upstream's
     * samples, which use RedfishLocal, work against any Redfish endpoint at their address.
     */
    public boolean isRedfish() {
        return this == REDFISH || this == REDFISH_LOCAL || this == REDFISH_KUBE;
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
