package dev.metalprov.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.kubernetes.api.model.Condition;

/** The observed state of a BMC. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BMCStatus {

    @JsonPropertyDescription("Pending until first contact; Enabled when the operator can work with the BMC; Error otherwise.")
    private BMCState state;

    @JsonPropertyDescription("The power state of the BMC's first system.")
    private ServerPowerState powerState;

    @JsonPropertyDescription("The MAC address of the BMC, as it reports it.")
    private String macAddress;
    @JsonPropertyDescription("The address the BMC is reached at.")
    private String ip;
    @JsonPropertyDescription("The BMC manager's manufacturer, as it reports it.")
    private String manufacturer;
    @JsonPropertyDescription("The BMC manager's model, as it reports it.")
    private String model;
    @JsonPropertyDescription("The BMC manager's stock keeping unit, as it reports it.")
    private String sku;
    @JsonPropertyDescription("The BMC manager's serial number, as it reports it.")
    private String serialNumber;
    @JsonPropertyDescription("The BMC firmware version, as it reports it.")
    private String firmwareVersion;

    @JsonPropertyDescription("Ready, with reason Connected, AuthenticationFailed, ConnectionFailed or InternalServerError.")
    private List<Condition> conditions;

    @JsonPropertyDescription("The metadata.generation this status was computed for.")
    private Long observedGeneration;

    public BMCState getState() {
        return state;
    }

    public void setState(BMCState state) {
        this.state = state;
    }

    public ServerPowerState getPowerState() {
        return powerState;
    }

    public void setPowerState(ServerPowerState powerState) {
        this.powerState = powerState;
    }

    public String getMacAddress() {
        return macAddress;
    }

    public void setMacAddress(String macAddress) {
        this.macAddress = macAddress;
    }

    public String getIp() {
        return ip;
    }

    public void setIp(String ip) {
        this.ip = ip;
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

    public String getFirmwareVersion() {
        return firmwareVersion;
    }

    public void setFirmwareVersion(String firmwareVersion) {
        this.firmwareVersion = firmwareVersion;
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
