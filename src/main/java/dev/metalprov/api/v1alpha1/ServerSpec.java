package dev.metalprov.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** The desired state of a Server. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// At most one: upstream's inventory Servers carry neither until a BMC is known; they wait in Initial.
@ValidationRule(value = "!(has(self.bmcRef) && has(self.bmc))",
        message = "at most one of spec.bmcRef and spec.bmc may be set")
public class ServerSpec {

    @JsonPropertyDescription("Deprecated upstream in favour of systemUUID, which is required; stored, never read.")
    private String uuid;

    @Required
    @Size(min = 1, max = 64)
    @JsonProperty("systemUUID")
    @JsonPropertyDescription("The SMBIOS UUID of the system; compared case-insensitively.")
    private String systemUUID;

    @JsonProperty("systemURI")
    @JsonPropertyDescription("The Redfish @odata.id of the system; filled in by the operator when empty.")
    private String systemURI;

    @JsonPropertyDescription("Deprecated upstream: accepted, and cleared by the operator as upstream does. The power of a claimed server follows its claim.")
    private Power power;

    @JsonProperty("indicatorLED")
    @JsonPropertyDescription("The desired state of the chassis indicator LED.")
    private IndicatorLED indicatorLED;

    @ValidationRule(value = "self == oldSelf",
            message = "spec.serverClaimRef cannot be changed once set; it can only be cleared")
    @JsonPropertyDescription("The claim that holds this server. Written by the operator when it binds; can only be cleared.")
    private ObjectReference serverClaimRef;

    @JsonPropertyDescription("Accepted for compatibility; server maintenance is not served by this operator.")
    private ObjectReference serverMaintenanceRef;

    @JsonPropertyDescription("The BMC object that manages this server.")
    private LocalObjectReference bmcRef;

    @JsonPropertyDescription("BMC access written inline, for a server that has no BMC object.")
    private BMCAccess bmc;

    @JsonPropertyDescription("The ServerBootConfiguration in force; written by the operator.")
    private ObjectReference bootConfigurationRef;

    @JsonPropertyDescription("Accepted for compatibility; server maintenance is not served by this operator.")
    private ObjectReference maintenanceBootConfigurationRef;

    @Size(max = 32)
    @JsonPropertyDescription("A persistent boot order.")
    private List<BootOrder> bootOrder;

    @JsonPropertyDescription("Accepted for compatibility; BIOS settings are not served by this operator.")
    private LocalObjectReference biosSettingsRef;

    @Default("Recycle")
    @JsonPropertyDescription("Recycle returns the server to Available when its claim is deleted; Retain keeps it Released with its claim reference until someone clears it.")
    private ReclaimPolicy reclaimPolicy;

    @Size(max = 32)
    @JsonPropertyDescription("Taints keep claims that do not tolerate them away from this server.")
    private List<Taint> taints;

    @Default("false")
    @JsonPropertyDescription("A cordoned server is never bound to a claim.")
    private Boolean unclaimable;

    public String getUuid() {
        return uuid;
    }

    public void setUuid(String uuid) {
        this.uuid = uuid;
    }

    public String getSystemUUID() {
        return systemUUID;
    }

    public void setSystemUUID(String systemUUID) {
        this.systemUUID = systemUUID;
    }

    public String getSystemURI() {
        return systemURI;
    }

    public void setSystemURI(String systemURI) {
        this.systemURI = systemURI;
    }

    public Power getPower() {
        return power;
    }

    public void setPower(Power power) {
        this.power = power;
    }

    public IndicatorLED getIndicatorLED() {
        return indicatorLED;
    }

    public void setIndicatorLED(IndicatorLED indicatorLED) {
        this.indicatorLED = indicatorLED;
    }

    public ObjectReference getServerClaimRef() {
        return serverClaimRef;
    }

    public void setServerClaimRef(ObjectReference serverClaimRef) {
        this.serverClaimRef = serverClaimRef;
    }

    public ObjectReference getServerMaintenanceRef() {
        return serverMaintenanceRef;
    }

    public void setServerMaintenanceRef(ObjectReference serverMaintenanceRef) {
        this.serverMaintenanceRef = serverMaintenanceRef;
    }

    public LocalObjectReference getBmcRef() {
        return bmcRef;
    }

    public void setBmcRef(LocalObjectReference bmcRef) {
        this.bmcRef = bmcRef;
    }

    public BMCAccess getBmc() {
        return bmc;
    }

    public void setBmc(BMCAccess bmc) {
        this.bmc = bmc;
    }

    public ObjectReference getBootConfigurationRef() {
        return bootConfigurationRef;
    }

    public void setBootConfigurationRef(ObjectReference bootConfigurationRef) {
        this.bootConfigurationRef = bootConfigurationRef;
    }

    public ObjectReference getMaintenanceBootConfigurationRef() {
        return maintenanceBootConfigurationRef;
    }

    public void setMaintenanceBootConfigurationRef(ObjectReference maintenanceBootConfigurationRef) {
        this.maintenanceBootConfigurationRef = maintenanceBootConfigurationRef;
    }

    public List<BootOrder> getBootOrder() {
        return bootOrder;
    }

    public void setBootOrder(List<BootOrder> bootOrder) {
        this.bootOrder = bootOrder;
    }

    public LocalObjectReference getBiosSettingsRef() {
        return biosSettingsRef;
    }

    public void setBiosSettingsRef(LocalObjectReference biosSettingsRef) {
        this.biosSettingsRef = biosSettingsRef;
    }

    public ReclaimPolicy getReclaimPolicy() {
        return reclaimPolicy;
    }

    public void setReclaimPolicy(ReclaimPolicy reclaimPolicy) {
        this.reclaimPolicy = reclaimPolicy;
    }

    public List<Taint> getTaints() {
        return taints;
    }

    public void setTaints(List<Taint> taints) {
        this.taints = taints;
    }

    public Boolean getUnclaimable() {
        return unclaimable;
    }

    public void setUnclaimable(Boolean unclaimable) {
        this.unclaimable = unclaimable;
    }
}
