package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The management protocol of a BMC. Only Redfish is served; the others are accepted for compatibility and reported as unsupported. */
public enum ProtocolName {
    @JsonProperty("Redfish")
    REDFISH,
    @JsonProperty("RedfishLocal")
    REDFISH_LOCAL,
    @JsonProperty("RedfishKube")
    REDFISH_KUBE,
    @JsonProperty("IPMI")
    IPMI,
    @JsonProperty("SSH")
    SSH;
}
