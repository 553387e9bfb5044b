package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Required;

/** One entry of a server's persistent boot order. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BootOrder {

    @Required
    @JsonPropertyDescription("Name of the boot device.")
    private String name;

    @Required
    @JsonPropertyDescription("Priority of the boot device; lower boots first.")
    private Integer priority;

    @Required
    @JsonPropertyDescription("The device to boot from.")
    private String device;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Integer getPriority() {
        return priority;
    }

    public void setPriority(Integer priority) {
        this.priority = priority;
    }

    public String getDevice() {
        return device;
    }

    public void setDevice(String device) {
        this.device = device;
    }
}
