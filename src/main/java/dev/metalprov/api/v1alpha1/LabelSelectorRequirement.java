package dev.metalprov.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** One requirement of a label selector: a key, an operator and, for In and NotIn, the values. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.operator in ['In', 'NotIn'] ? has(self.values) && size(self.values) > 0 : !has(self.values) || size(self.values) == 0",
        message = "values must be non-empty for operators In and NotIn, and empty for Exists and DoesNotExist")
public class LabelSelectorRequirement {

    @Required
    @Size(min = 1, max = 316)
    @JsonPropertyDescription("The label key the requirement applies to.")
    private String key;

    @Required
    @JsonPropertyDescription("In, NotIn, Exists or DoesNotExist.")
    private SelectorOperator operator;

    @Size(max = 64)
    @JsonPropertyDescription("The values for In and NotIn.")
    private List<String> values;

    public LabelSelectorRequirement() {
    }

    public LabelSelectorRequirement(String key, SelectorOperator operator, List<String> values) {
        this.key = key;
        this.operator = operator;
        this.values = values;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    public SelectorOperator getOperator() {
        return operator;
    }

    public void setOperator(SelectorOperator operator) {
        this.operator = operator;
    }

    public List<String> getValues() {
        return values;
    }

    public void setValues(List<String> values) {
        this.values = values;
    }
}
