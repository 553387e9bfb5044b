package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Required;

/** The desired state of a ServerBootConfiguration. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServerBootConfigurationSpec {

    @Required
    @JsonPropertyDescription("The server that boots with this configuration.")
    private LocalObjectReference serverRef;

    @JsonPropertyDescription("The OS image reference to boot.")
    private String image;

    @JsonPropertyDescription("A Secret in this namespace whose key 'ignition' holds the Ignition config.")
    private LocalObjectReference ignitionSecretRef;

    public LocalObjectReference getServerRef() {
        return serverRef;
    }

    public void setServerRef(LocalObjectReference serverRef) {
        this.serverRef = serverRef;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public LocalObjectReference getIgnitionSecretRef() {
        return ignitionSecretRef;
    }

    public void setIgnitionSecretRef(LocalObjectReference ignitionSecretRef) {
        this.ignitionSecretRef = ignitionSecretRef;
    }
}
