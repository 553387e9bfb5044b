package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A mark on a server that keeps claims away unless they tolerate it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Taint {

    @Required
    @Size(min = 1, max = 316)
    @JsonPropertyDescription("The taint key.")
    private String key;

    @Size(max = 63)
    @JsonPropertyDescription("The taint value.")
    private String value;

    @Default("NoBind")
    @JsonPropertyDescription("NoBind keeps claims that do not tolerate the taint from binding the server; Evict also asks bound ones to leave.")
    private TaintEffect effect;

    public Taint() {
    }

    public Taint(String key, String value, TaintEffect effect) {
        this.key = key;
        this.value = value;
        this.effect = effect;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
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
