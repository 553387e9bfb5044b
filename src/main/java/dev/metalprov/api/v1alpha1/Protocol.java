package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** How the operator talks to a BMC. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Protocol {

    @Required
    @JsonPropertyDescription("The management protocol. Only Redfish is served.")
    private ProtocolName name;

    @Required
    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("The TCP port the BMC answers on.")
    private Integer port;

    @JsonPropertyDescription("http or https; http when empty, as upstream.")
    private ProtocolScheme scheme;

    public Protocol() {
    }

    public Protocol(ProtocolName name, Integer port, ProtocolScheme scheme) {
        this.name = name;
        this.port = port;
        this.scheme = scheme;
    }

    public ProtocolName getName() {
        return name;
    }

    public void setName(ProtocolName name) {
        this.name = name;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public ProtocolScheme getScheme() {
        return scheme;
    }

    public void setScheme(ProtocolScheme scheme) {
        this.scheme = scheme;
    }
}
