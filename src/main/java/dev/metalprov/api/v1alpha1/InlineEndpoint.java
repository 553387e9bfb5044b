package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Where a BMC answers on the network. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InlineEndpoint {

    @Required
    @Size(min = 1, max = 253)
    @JsonPropertyDescription("IP address (or host name) of the BMC.")
    private String ip;

    @Pattern("^([0-9A-Fa-f]{2}[:-]){5}([0-9A-Fa-f]{2})$")
    @JsonPropertyDescription("MAC address of the BMC, as aa:bb:cc:dd:ee:ff.")
    private String macAddress;

    public InlineEndpoint() {
    }

    public InlineEndpoint(String ip, String macAddress) {
        this.ip = ip;
        this.macAddress = macAddress;
    }

    public String getIp() {
        return ip;
    }

    public void setIp(String ip) {
        this.ip = ip;
    }

    public String getMacAddress() {
        return macAddress;
    }

    public void setMacAddress(String macAddress) {
        this.macAddress = macAddress;
    }
}
