package dev.metalprov.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Required;

/** A network interface of a server as the BMC reports it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NetworkInterface {

    @Required
    private String name;

    @JsonPropertyDescription("Deprecated: use ips. Kept so that older objects still read.")
    private String ip;

    @JsonPropertyDescription("IPv4 and IPv6 addresses of the interface.")
    private List<String> ips;

    @Required
    private String macAddress;

    private String carrierStatus;

    private List<LLDPNeighbor> neighbors;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getIp() {
        return ip;
    }

    public void setIp(String ip) {
        this.ip = ip;
    }

    public List<String> getIps() {
        return ips;
    }

    public void setIps(List<String> ips) {
        this.ips = ips;
    }

    public String getMacAddress() {
        return macAddress;
    }

    public void setMacAddress(String macAddress) {
        this.macAddress = macAddress;
    }

    public String getCarrierStatus() {
        return carrierStatus;
    }

    public void setCarrierStatus(String carrierStatus) {
        this.carrierStatus = carrierStatus;
    }

    public List<LLDPNeighbor> getNeighbors() {
        return neighbors;
    }

    public void setNeighbors(List<LLDPNeighbor> neighbors) {
        this.neighbors = neighbors;
    }
}
