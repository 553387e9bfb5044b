package dev.metalprov.metadata;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.metalprov.api.v1alpha1.LocalObjectReference;
import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.api.v1alpha1.ServerClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The user data of a claim: the Secret its {@code spec.userDataRef} names, in its namespace,
 * read with one GET when asked for. The operator may get Secrets by name but never list or watch
 * them, so no tenant's Secrets sit in its memory. A Secret of another type than
 * {@code metal.ironcore.dev/user-data} is refused, as upstream does: that type is the tenant's
 * statement that these keys are meant for the machine, and an Ignition or registry Secret
 * named by mistake is not handed out. The content leaves this class only as the answer to
 * the machine; messages name the Secret and its type, never a key's value.
 */
@ApplicationScoped
public class UserDataSecrets {

    /** What was found, and why there is nothing to serve when there is not. */
    public record UserData(Status status, String message, Map<String, byte[]> data) {

        public enum Status {
            NOT_REQUESTED,
            SECRET_MISSING,
            WRONG_TYPE,
            AVAILABLE
        }
    }

    @Inject
    KubernetesClient client;

    public UserData read(ServerClaim claim) {
        LocalObjectReference ref = claim.getSpec() == null ? null : claim.getSpec().getUserDataRef();
        if (ref == null || ref.getName() == null) {
            return new UserData(UserData.Status.NOT_REQUESTED, "the claim names no user data", Map.of());
        }
        String namespace = claim.getMetadata().getNamespace();
        Secret secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
        String where = "Secret " + ref.getName() + " in namespace " + namespace;
        if (secret == null) {
            return new UserData(UserData.Status.SECRET_MISSING, where + " does not exist; create it with type "
                    + Metal.USER_DATA_SECRET_TYPE, Map.of());
        }
        if (!Metal.USER_DATA_SECRET_TYPE.equals(secret.getType())) {
            return new UserData(UserData.Status.WRONG_TYPE, where + " is of type " + (secret.getType() == null ? "(none)"
                    : secret.getType()) + ", not " + Metal.USER_DATA_SECRET_TYPE + "; it is not served to the machine",
                    Map.of());
        }
        return new UserData(UserData.Status.AVAILABLE, where + " holds the user data", content(secret));
    }

    private static Map<String, byte[]> content(Secret secret) {
        Map<String, byte[]> data = new TreeMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((key, value) -> data.put(key, decode(value)));
        }
        // stringData only shows on objects that never went through the API server (tests, dry runs).
        if (secret.getStringData() != null) {
            secret.getStringData().forEach((key, value) -> data.putIfAbsent(key, value.getBytes(StandardCharsets.UTF_8)));
        }
        return data;
    }

    private static byte[] decode(String value) {
        try {
            return value == null ? new byte[0] : Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }
}
