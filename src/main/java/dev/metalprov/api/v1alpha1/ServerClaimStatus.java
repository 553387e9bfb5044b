package dev.metalprov.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.kubernetes.api.model.Condition;

/** The observed state of a ServerClaim. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServerClaimStatus {

    @JsonPropertyDescription("Bound when the claim holds a server, Unbound otherwise.")
    private ClaimPhase phase;

    @JsonPropertyDescription("Ready (True once provisioned, else the reason of the first condition that is not True), Bound, BootConfigurationReady, PowerStateReached and, with userDataRef, UserDataReady; each with a reason that says what to do.")
    private List<Condition> conditions;

    @JsonPropertyDescription("The metadata.generation this status was computed for.")
    private Long observedGeneration;

    public ClaimPhase getPhase() {
        return phase;
    }

    public void setPhase(ClaimPhase phase) {
        this.phase = phase;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }
}
