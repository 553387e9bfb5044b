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

    @JsonPropertyDescription("The manufacturer, as the BMC reports it (Redfish ComputerSystem Manufacturer).")
    private String manufacturer;
    @JsonPropertyDescription("The model, as the BMC reports it.")
    private String model;
    @JsonPropertyDescription("The stock keeping unit, as the BMC reports it.")
    private String sku;
    @JsonPropertyDescription("The serial number, as the BMC reports it.")
    private String serialNumber;
    @JsonPropertyDescription("The BIOS or firmware version of the system, as the BMC reports it.")
    private String biosVersion;

    @JsonPropertyDescription("Total memory of the system.")
    private Quantity totalSystemMemory;

    @JsonPropertyDescription("The processors, as the BMC reports them.")
    private List<Processor> processors;
    @JsonPropertyDescription("The network interfaces with their MAC and IP addresses, as the BMC reports them; the metadata service knows a machine by these addresses.")
    private List<NetworkInterface> networkInterfaces;
    @JsonPropertyDescription("The storage controllers and their drives and volumes, as the BMC reports them.")
    private List<Storage> storages;

    @JsonPropertyDescription("Ready (the summary: the BMC answers and the server is in service), BMCReachable, NetworkBoot, Quarantined, Parked and IndicatorLED, each with a reason.")
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
