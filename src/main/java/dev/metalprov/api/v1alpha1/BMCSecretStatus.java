package dev.metalprov.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.fabric8.kubernetes.api.model.Condition;

/**
 * Upstream gives BMCSecret a status subresource with nothing in it. This keeps the subresource
 * (so that status writes can never touch the credentials) and room for conditions.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BMCSecretStatus {

    private List<Condition> conditions;

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }
}
