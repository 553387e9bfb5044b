package dev.metalprov.api.v1alpha1;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * A reference to a namespaced object. Shaped like the core {@code ObjectReference} so that
 * manifests which carry {@code apiVersion}, {@code kind} or {@code uid} in it are accepted.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ObjectReference {

    @JsonPropertyDescription("API version of the referenced object.")
    private String apiVersion;

    @JsonPropertyDescription("Kind of the referenced object.")
    private String kind;

    @JsonPropertyDescription("Namespace of the referenced object.")
    @Size(max = 63)
    private String namespace;

    @Required
    @Size(min = 1, max = 253)
    @JsonPropertyDescription("Name of the referenced object.")
    private String name;

    @JsonPropertyDescription("UID of the referenced object.")
    private String uid;

    @JsonPropertyDescription("Specific resourceVersion the reference was made to, if any.")
    private String resourceVersion;

    @JsonPropertyDescription("Part of the referenced object, if any.")
    private String fieldPath;

    public ObjectReference() {
    }

    public ObjectReference(String namespace, String name) {
        this.namespace = namespace;
        this.name = name;
    }

    /** True when this reference points at the object with that namespace and name. */
    public boolean refersTo(String namespace, String name) {
        return Objects.equals(this.namespace, namespace) && Objects.equals(this.name, name);
    }

    public String getApiVersion() {
        return apiVersion;
    }

    public void setApiVersion(String apiVersion) {
        this.apiVersion = apiVersion;
    }

    public String getKind() {
        return kind;
    }

    public void setKind(String kind) {
        this.kind = kind;
    }

    public String getNamespace() {
        return namespace;
    }

    public void setNamespace(String namespace) {
        this.namespace = namespace;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getUid() {
        return uid;
    }

    public void setUid(String uid) {
        this.uid = uid;
    }

    public String getResourceVersion() {
        return resourceVersion;
    }

    public void setResourceVersion(String resourceVersion) {
        this.resourceVersion = resourceVersion;
    }

    public String getFieldPath() {
        return fieldPath;
    }

    public void setFieldPath(String fieldPath) {
        this.fieldPath = fieldPath;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectReference other
                && Objects.equals(apiVersion, other.apiVersion)
                && Objects.equals(kind, other.kind)
                && Objects.equals(namespace, other.namespace)
                && Objects.equals(name, other.name)
                && Objects.equals(uid, other.uid)
                && Objects.equals(resourceVersion, other.resourceVersion)
                && Objects.equals(fieldPath, other.fieldPath);
    }

    @Override
    public int hashCode() {
        return Objects.hash(namespace, name, uid);
    }

    @Override
    public String toString() {
        return namespace == null ? name : namespace + "/" + name;
    }
}
