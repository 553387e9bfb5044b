package dev.metalprov.boot;

import java.io.IOException;
import java.util.Base64;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.metalprov.api.v1alpha1.ServerBootConfiguration;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The Ignition of a boot configuration: key {@code ignition} of the Secret it names, in its
 * namespace. It is read when asked for (the operator may get Secrets, but not list or watch
 * them across tenants' namespaces) and checked to be Ignition: a JSON object whose
 * {@code ignition.version} names the spec version. Its content never leaves this class except
 * as the body served to the machine.
 */
@ApplicationScoped
public class IgnitionSecrets {

    public static final String KEY = "ignition";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What was found: the Ignition, or why there is none to serve. */
    public record Ignition(Status status, String message, byte[] content) {

        public enum Status {
            VALID("IgnitionValid"),
            NOT_REQUESTED("NoIgnition"),
            SECRET_MISSING("IgnitionSecretMissing"),
            KEY_MISSING("IgnitionKeyMissing"),
            INVALID("IgnitionInvalid");

            private final String reason;

            Status(String reason) {
                this.reason = reason;
            }

            public String reason() {
                return reason;
            }
        }

        public boolean usable() {
            return status == Status.VALID || status == Status.NOT_REQUESTED;
        }
    }

    @Inject
    KubernetesClient client;

    public Ignition read(ServerBootConfiguration configuration) {
        var ref = configuration.getSpec().getIgnitionSecretRef();
        if (ref == null || ref.getName() == null) {
            return new Ignition(Ignition.Status.NOT_REQUESTED, "no Ignition Secret is named", null);
        }
        String namespace = configuration.getMetadata().getNamespace();
        Secret secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
        String where = "Secret " + ref.getName() + " in namespace " + namespace;
        if (secret == null) {
            return new Ignition(Ignition.Status.SECRET_MISSING, where + " does not exist", null);
        }
        Optional<byte[]> content = content(secret);
        if (content.isEmpty()) {
            return new Ignition(Ignition.Status.KEY_MISSING, where + " has no key '" + KEY + "'", null);
        }
        Optional<String> problem = problem(content.get());
        return problem.map(p -> new Ignition(Ignition.Status.INVALID, where + ": " + p, null))
                .orElseGet(() -> new Ignition(Ignition.Status.VALID, where + " holds Ignition", content.get()));
    }

    private static Optional<byte[]> content(Secret secret) {
        if (secret.getData() != null && secret.getData().get(KEY) != null) {
            try {
                return Optional.of(Base64.getDecoder().decode(secret.getData().get(KEY)));
            } catch (IllegalArgumentException e) {
                return Optional.of(new byte[0]);
            }
        }
        if (secret.getStringData() != null && secret.getStringData().get(KEY) != null) {
            return Optional.of(secret.getStringData().get(KEY).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return Optional.empty();
    }

    /** What keeps these bytes from being Ignition, if anything. Never quotes the content. */
    static Optional<String> problem(byte[] content) {
        JsonNode tree;
        try {
            tree = JSON.readTree(content);
        } catch (IOException e) {
            return Optional.of("key '" + KEY + "' is not JSON");
        }
        if (tree == null || !tree.isObject()) {
            return Optional.of("key '" + KEY + "' is not a JSON object");
        }
        JsonNode version = tree.path("ignition").path("version");
        if (!version.isTextual() || !version.asText().matches("\\d+\\.\\d+\\.\\d+(-[a-z0-9]+)?")) {
            return Optional.of("key '" + KEY + "' has no ignition.version such as \"3.4.0\"");
        }
        return Optional.empty();
    }
}
