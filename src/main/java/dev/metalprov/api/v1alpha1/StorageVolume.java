package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.fabric8.kubernetes.api.model.Quantity;

/** A logical volume of a storage controller. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StorageVolume {

    private String name;
    private Quantity capacity;
    private StorageState state;
    private String raidType;
    private String volumeUsage;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Quantity getCapacity() {
        return capacity;
    }

    public void setCapacity(Quantity capacity) {
        this.capacity = capacity;
    }

    public StorageState getState() {
        return state;
    }

    public void setState(StorageState state) {
        this.state = state;
    }

    public String getRaidType() {
        return raidType;
    }

    public void setRaidType(String raidType) {
        this.raidType = raidType;
    }

    public String getVolumeUsage() {
        return volumeUsage;
    }

    public void setVolumeUsage(String volumeUsage) {
        this.volumeUsage = volumeUsage;
    }
}
