package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The protocol of a BMC's serial console. */
public enum ConsoleProtocolName {
    @JsonProperty("IPMI")
    IPMI,
    @JsonProperty("SSH")
    SSH,
    @JsonProperty("SSHLenovo")
    SSH_LENOVO;
}
