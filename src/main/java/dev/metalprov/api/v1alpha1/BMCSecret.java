package dev.metalprov.api.v1alpha1;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Credentials for a BMC, shaped like a core Secret: {@code data} (base64) and {@code stringData},
 * keys {@code username} and {@code password}. Cluster-scoped so that cluster-scoped BMCs can
 * reference it. Its values never appear in {@link #toString()}, logs, events or status.
 */
@Group(Metal.GROUP)
@Version(Metal.VERSION)
@Kind("BMCSecret")
@Plural("bmcsecrets")
@Singular("bmcsecret")
@ShortNames("bmcsec")
@JsonInclude(JsonInclude.Include.NON_NULL)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
@ValidationRule(value = "(has(self.data) && 'username' in self.data) || (has(self.stringData) && 'username' in self.stringData)",
        message = "a BMCSecret needs the key 'username' in data or stringData")
@ValidationRule(value = "(has(self.data) && 'password' in self.data) || (has(self.stringData) && 'password' in self.stringData)",
        message = "a BMCSecret needs the key 'password' in data or stringData")
@ValidationRule(value = "!(has(oldSelf.immutable) && oldSelf.immutable) || (has(self.immutable) && self.immutable"
        + " && (has(self.data) == has(oldSelf.data)) && (!has(self.data) || self.data == oldSelf.data)"
        + " && (has(self.stringData) == has(oldSelf.stringData)) && (!has(self.stringData) || self.stringData == oldSelf.stringData))",
        message = "an immutable BMCSecret cannot change its data, stringData or immutable fields")
public class BMCSecret extends CustomResource<Void, BMCSecretStatus> {

    public static final String USERNAME_KEY = "username";
    public static final String PASSWORD_KEY = "password";

    @JsonPropertyDescription("If true, data and stringData cannot be changed.")
    private Boolean immutable;

    @JsonPropertyDescription("Base64-encoded values for the keys 'username' and 'password'.")
    private Map<String, String> data;

    @JsonPropertyDescription("Plain-text values; a value here wins over the same key in data.")
    private Map<String, String> stringData;

    @JsonPropertyDescription("Type of the secret, free-form as in a core Secret.")
    private String type;

    /** The value of a key, from stringData first, else decoded from data. */
    public Optional<String> value(String key) {
        if (stringData != null && stringData.containsKey(key)) {
            return Optional.ofNullable(stringData.get(key));
        }
        if (data != null && data.containsKey(key)) {
            return Optional.ofNullable(data.get(key))
                    .map(encoded -> new String(Base64.getDecoder().decode(encoded.trim()), StandardCharsets.UTF_8));
        }
        return Optional.empty();
    }

    public Optional<String> username() {
        return value(USERNAME_KEY);
    }

    public Optional<String> password() {
        return value(PASSWORD_KEY);
    }

    /** Never prints a value: only the keys that are present. */
    @Override
    public String toString() {
        return "BMCSecret{name=" + (getMetadata() == null ? null : getMetadata().getName())
                + ", dataKeys=" + (data == null ? "[]" : data.keySet())
                + ", stringDataKeys=" + (stringData == null ? "[]" : stringData.keySet()) + "}";
    }

    public Boolean getImmutable() {
        return immutable;
    }

    public void setImmutable(Boolean immutable) {
        this.immutable = immutable;
    }

    public Map<String, String> getData() {
        return data;
    }

    public void setData(Map<String, String> data) {
        this.data = data;
    }

    public Map<String, String> getStringData() {
        return stringData;
    }

    public void setStringData(Map<String, String> stringData) {
        this.stringData = stringData;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }
}
