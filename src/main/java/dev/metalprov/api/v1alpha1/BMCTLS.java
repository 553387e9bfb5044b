package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;

/** TLS settings for reaching a BMC over https. An addition to the upstream API. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BMCTLS {

    @Default("false")
    @JsonPropertyDescription("Skip verification of the BMC's certificate. For lab gear only.")
    private Boolean insecureSkipVerify;

    @JsonPropertyDescription("A Secret in the operator's namespace whose key 'ca.crt' holds the CA that signed the BMC's certificate.")
    private LocalObjectReference caSecretRef;

    public Boolean getInsecureSkipVerify() {
        return insecureSkipVerify;
    }

    public void setInsecureSkipVerify(Boolean insecureSkipVerify) {
        this.insecureSkipVerify = insecureSkipVerify;
    }

    public LocalObjectReference getCaSecretRef() {
        return caSecretRef;
    }

    public void setCaSecretRef(LocalObjectReference caSecretRef) {
        this.caSecretRef = caSecretRef;
    }
}
