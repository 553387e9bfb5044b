package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** The desired state of a BMC. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.access) != has(self.endpointRef)",
        message = "exactly one of spec.access and spec.endpointRef must be set")
public class BMCSpec {

    @JsonProperty("bmcUUID")
    @JsonPropertyDescription("The Redfish manager UUID to use; the first manager when empty.")
    private String bmcUUID;

    @ValidationRule(value = "self == oldSelf", message = "spec.endpointRef is immutable")
    @JsonPropertyDescription("Accepted for compatibility: an Endpoint object naming the BMC. Use access instead.")
    private LocalObjectReference endpointRef;

    @ValidationRule(value = "self == oldSelf", message = "spec.access is immutable")
    @JsonPropertyDescription("Where the BMC answers.")
    private InlineEndpoint access;

    @Size(max = 253)
    @JsonPropertyDescription("Host name of the BMC, if it has one.")
    private String hostname;

    @Required
    @JsonPropertyDescription("The BMCSecret holding the BMC's username and password.")
    private LocalObjectReference bmcSecretRef;

    @Required
    @JsonPropertyDescription("How to talk to the BMC.")
    private Protocol protocol;

    @JsonPropertyDescription("Accepted for compatibility; consoles are not served by this operator.")
    private ConsoleProtocol consoleProtocol;

    @JsonPropertyDescription("Accepted for compatibility; BMC settings are not served by this operator.")
    private LocalObjectReference bmcSettingsRef;

    @JsonPropertyDescription("TLS settings for https; the certificate is verified unless insecureSkipVerify is set.")
    private BMCTLS tls;

    public String getBmcUUID() {
        return bmcUUID;
    }

    public void setBmcUUID(String bmcUUID) {
        this.bmcUUID = bmcUUID;
    }

    public LocalObjectReference getEndpointRef() {
        return endpointRef;
    }

    public void setEndpointRef(LocalObjectReference endpointRef) {
        this.endpointRef = endpointRef;
    }

    public InlineEndpoint getAccess() {
        return access;
    }

    public void setAccess(InlineEndpoint access) {
        this.access = access;
    }

    public String getHostname() {
        return hostname;
    }

    public void setHostname(String hostname) {
        this.hostname = hostname;
    }

    public LocalObjectReference getBmcSecretRef() {
        return bmcSecretRef;
    }

    public void setBmcSecretRef(LocalObjectReference bmcSecretRef) {
        this.bmcSecretRef = bmcSecretRef;
    }

    public Protocol getProtocol() {
        return protocol;
    }

    public void setProtocol(Protocol protocol) {
        this.protocol = protocol;
    }

    public ConsoleProtocol getConsoleProtocol() {
        return consoleProtocol;
    }

    public void setConsoleProtocol(ConsoleProtocol consoleProtocol) {
        this.consoleProtocol = consoleProtocol;
    }

    public LocalObjectReference getBmcSettingsRef() {
        return bmcSettingsRef;
    }

    public void setBmcSettingsRef(LocalObjectReference bmcSettingsRef) {
        this.bmcSettingsRef = bmcSettingsRef;
    }

    public BMCTLS getTls() {
        return tls;
    }

    public void setTls(BMCTLS tls) {
        this.tls = tls;
    }
}
