package dev.metalprov.api.v1alpha1;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A reference by name to an object in the same namespace, or to a cluster-scoped object. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LocalObjectReference {

    @Required
    @Size(min = 1, max = 253)
    @JsonPropertyDescription("Name of the referenced object.")
    private String name;

    public LocalObjectReference() {
    }

    public LocalObjectReference(String name) {
        this.name = name;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LocalObjectReference other && Objects.equals(name, other.name);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
