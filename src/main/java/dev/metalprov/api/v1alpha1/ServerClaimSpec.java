package dev.metalprov.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** The desired state of a ServerClaim. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(oldSelf.serverRef) || has(self.serverRef)",
        message = "spec.serverRef cannot be removed once set")
@ValidationRule(value = "!has(oldSelf.serverSelector) || has(self.serverSelector)",
        message = "spec.serverSelector cannot be removed once set")
public class ServerClaimSpec {

    @Required
    @JsonPropertyDescription("The power the claimed server is driven to once its boot configuration is Ready: On or Off.")
    private Power power;

    @ValidationRule(value = "self == oldSelf", message = "spec.serverRef is immutable once set")
    @JsonPropertyDescription("Claim this server by name. Written by the operator when a selector claim binds.")
    private LocalObjectReference serverRef;

    @ValidationRule(value = "self == oldSelf", message = "spec.serverSelector is immutable once set")
    @JsonPropertyDescription("Claim any Available server whose labels match. With serverRef, the named server must match too.")
    private LabelSelector serverSelector;

    @Required
    @Size(min = 1, max = 1024)
    @JsonPropertyDescription("The OS image reference handed to the boot service.")
    private String image;

    @JsonPropertyDescription("A Secret in the claim's namespace whose key 'ignition' holds the Ignition config.")
    private LocalObjectReference ignitionSecretRef;

    @JsonPropertyDescription("A Secret in the claim's namespace, of type metal.ironcore.dev/user-data, whose keys the claimed"
            + " server reads from the metadata service.")
    private LocalObjectReference userDataRef;

    @Size(max = 32)
    @JsonPropertyDescription("Lets the claim bind servers with matching taints.")
    private List<Toleration> tolerations;

    public Power getPower() {
        return power;
    }

    public void setPower(Power power) {
        this.power = power;
    }

    public LocalObjectReference getServerRef() {
        return serverRef;
    }

    public void setServerRef(LocalObjectReference serverRef) {
        this.serverRef = serverRef;
    }

    public LabelSelector getServerSelector() {
        return serverSelector;
    }

    public void setServerSelector(LabelSelector serverSelector) {
        this.serverSelector = serverSelector;
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

    public LocalObjectReference getUserDataRef() {
        return userDataRef;
    }

    public void setUserDataRef(LocalObjectReference userDataRef) {
        this.userDataRef = userDataRef;
    }

    public List<Toleration> getTolerations() {
        return tolerations;
    }

    public void setTolerations(List<Toleration> tolerations) {
        this.tolerations = tolerations;
    }
}
