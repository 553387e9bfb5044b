package dev.metalprov.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.kubernetes.api.model.Condition;

/** The observed state of a ServerBootConfiguration, written by the boot service. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServerBootConfigurationStatus {

    @JsonPropertyDescription("Pending until the boot service has the image and Ignition ready; Ready or Error after.")
    private BootConfigurationState state;

    @JsonPropertyDescription("Ready (the summary), ImageValidation, IgnitionValidation, IPXEScriptFetched and IgnitionDataFetched, as the boot service reports them.")
    private List<Condition> conditions;

    @JsonPropertyDescription("The metadata.generation this status was computed for.")
    private Long observedGeneration;

    public BootConfigurationState getState() {
        return state;
    }

    public void setState(BootConfigurationState state) {
        this.state = state;
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
