package dev.metalprov.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Quantity;

/** The observed state of a Server: its lifecycle state, power and the inventory read over Redfish. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServerStatus {

    @JsonPropertyDescription("Where the server stands: Initial, Discovery, Available, Reserved, Released, Error or Parked.")
    private ServerState state;

    @JsonPropertyDescription("The power state last read from the BMC.")
    private ServerPowerState powerState;

    @JsonProperty("indicatorLED")
    @JsonPropertyDescription("The indicator LED state last read from the BMC.")
    private IndicatorLED indicatorLED;

    private String manufacturer;
    private String model;
    private String sku;
    private String serialNumber;
    private String biosVersion;

    @JsonPropertyDescription("Total memory of the system.")
    private Quantity totalSystemMemory;

    private List<Processor> processors;
    private List<NetworkInterface> networkInterfaces;
    private List<Storage> storages;

    private List<Condition> conditions;

    @JsonPropertyDescription("The metadata.generation this status was computed for.")
    private Long observedGeneration;

    public ServerState getState() {
        return state;
    }

    public void setState(ServerState state) {
        this.state = state;
    }

    public ServerPowerState getPowerState() {
        return powerState;
    }

    public void setPowerState(ServerPowerState powerState) {
        this.powerState = powerState;
    }

    public IndicatorLED getIndicatorLED() {
        return indicatorLED;
    }

    public void setIndicatorLED(IndicatorLED indicatorLED) {
        this.indicatorLED = indicatorLED;
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

    public String getSku() {
        return sku;
    }

    public void setSku(String sku) {
        this.sku = sku;
    }

    public String getSerialNumber() {
        return serialNumber;
    }

    public void setSerialNumber(String serialNumber) {
        this.serialNumber = serialNumber;
    }

    public String getBiosVersion() {
        return biosVersion;
    }

    public void setBiosVersion(String biosVersion) {
        this.biosVersion = biosVersion;
    }

    public Quantity getTotalSystemMemory() {
        return totalSystemMemory;
    }

    public void setTotalSystemMemory(Quantity totalSystemMemory) {
        this.totalSystemMemory = totalSystemMemory;
    }

    public List<Processor> getProcessors() {
        return processors;
    }

    public void setProcessors(List<Processor> processors) {
        this.processors = processors;
    }

    public List<NetworkInterface> getNetworkInterfaces() {
        return networkInterfaces;
    }

    public void setNetworkInterfaces(List<NetworkInterface> networkInterfaces) {
        this.networkInterfaces = networkInterfaces;
    }

    public List<Storage> getStorages() {
        return storages;
    }

    public void setStorages(List<Storage> storages) {
        this.storages = storages;
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
