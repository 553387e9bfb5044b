package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** BMC access written inline in a Server, for servers that have no BMC object. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BMCAccess {

    @Required
    @JsonPropertyDescription("How to talk to the BMC.")
    private Protocol protocol;

    @Required
    @Size(min = 1, max = 253)
    @JsonPropertyDescription("Host name or IP address of the BMC.")
    private String address;

    @Required
    @JsonPropertyDescription("The BMCSecret holding the BMC's username and password.")
    private LocalObjectReference bmcSecretRef;

    public Protocol getProtocol() {
        return protocol;
    }

    public void setProtocol(Protocol protocol) {
        this.protocol = protocol;
    }

    public String getAddress() {
        return address;
    }

    public void setAddress(String address) {
        this.address = address;
    }

    public LocalObjectReference getBmcSecretRef() {
        return bmcSecretRef;
    }

    public void setBmcSecretRef(LocalObjectReference bmcSecretRef) {
        this.bmcSecretRef = bmcSecretRef;
    }
}
