package dev.metalprov.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A storage controller with its volumes and drives. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Storage {

    private String name;
    private StorageState state;
    private List<StorageVolume> volumes;
    private List<StorageDrive> drives;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public StorageState getState() {
        return state;
    }

    public void setState(StorageState state) {
        this.state = state;
    }

    public List<StorageVolume> getVolumes() {
        return volumes;
    }

    public void setVolumes(List<StorageVolume> volumes) {
        this.volumes = volumes;
    }

    public List<StorageDrive> getDrives() {
        return drives;
    }

    public void setDrives(List<StorageDrive> drives) {
        this.drives = drives;
    }
}
