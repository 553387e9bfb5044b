package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Lets a claim bind servers that carry a matching taint. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.operator) || self.operator != 'Exists' || !has(self.value) || self.value == ''",
        message = "a toleration with operator Exists must not set value")
public class Toleration {

    @Size(max = 316)
    @JsonPropertyDescription("The taint key this toleration matches; empty with operator Exists matches every key.")
    private String key;

    @Default("Equal")
    @JsonPropertyDescription("Equal matches a taint with the same key and value; Exists matches any value of the key.")
    private TolerationOperator operator;

    @Size(max = 63)
    @JsonPropertyDescription("The taint value to match when the operator is Equal.")
    private String value;

    @JsonPropertyDescription("The taint effect to match; empty matches every effect.")
    private TaintEffect effect;

    public Toleration() {
    }

    public Toleration(String key, TolerationOperator operator, String value, TaintEffect effect) {
        this.key = key;
        this.operator = operator;
        this.value = value;
        this.effect = effect;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    public TolerationOperator getOperator() {
        return operator;
    }

    public void setOperator(TolerationOperator operator) {
        this.operator = operator;
    }

    public String getValue() {
        return value;
    }

    public void setValue(String value) {
        this.value = value;
    }

    public TaintEffect getEffect() {
        return effect;
    }

    public void setEffect(TaintEffect effect) {
        this.effect = effect;
    }
}
