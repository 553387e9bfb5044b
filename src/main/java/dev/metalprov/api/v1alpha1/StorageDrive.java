package dev.metalprov.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.fabric8.kubernetes.api.model.Quantity;

/** A physical drive behind a storage controller. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StorageDrive {

    private String name;
    private String mediaType;
    private String type;
    private Quantity capacity;
    private String vendor;
    private String model;
    private StorageState state;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getMediaType() {
        return mediaType;
    }

    public void setMediaType(String mediaType) {
        this.mediaType = mediaType;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public Quantity getCapacity() {
        return capacity;
    }

    public void setCapacity(Quantity capacity) {
        this.capacity = capacity;
    }

    public String getVendor() {
        return vendor;
    }

    public void setVendor(String vendor) {
        this.vendor = vendor;
    }

    public String getModel() {
        return model;
    }

    public void setModel(String model) {
        this.model = model;
    }

    public StorageState getState() {
        return state;
    }

    public void setState(StorageState state) {
        this.state = state;
    }
}
