package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.fabric8.generator.annotation.Required;

/** A processor as the BMC reports it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Processor {

    @Required
    private String id;
    private String type;
    private String architecture;
    private String instructionSet;
    private String manufacturer;
    private String model;
    @JsonProperty("maxSpeedMHz")
    private Integer maxSpeedMHz;
    private Integer totalCores;
    private Integer totalThreads;

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public String getArchitecture() {
        return architecture;
    }

    public void setArchitecture(String architecture) {
        this.architecture = architecture;
    }

    public String getInstructionSet() {
        return instructionSet;
    }

    public void setInstructionSet(String instructionSet) {
        this.instructionSet = instructionSet;
    }

    public String getManufacturer() {
        return manufacturer;
    }

    public void setManufacturer(String manufacturer) {
        this.manufacturer = manufacturer;
    }

    public String getModel() {
        return model;
    }

    public void setModel(String model) {
        this.model = model;
    }

    public Integer getMaxSpeedMHz() {
        return maxSpeedMHz;
    }

    public void setMaxSpeedMHz(Integer maxSpeedMHz) {
        this.maxSpeedMHz = maxSpeedMHz;
    }

    public Integer getTotalCores() {
        return totalCores;
    }

    public void setTotalCores(Integer totalCores) {
        this.totalCores = totalCores;
    }

    public Integer getTotalThreads() {
        return totalThreads;
    }

    public void setTotalThreads(Integer totalThreads) {
        this.totalThreads = totalThreads;
    }
}
