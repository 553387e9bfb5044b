package dev.metalprov.boot;

import java.net.HttpURLConnection;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.metalprov.api.v1alpha1.ServerBootConfiguration;
import dev.metalprov.api.v1alpha1.ServerBootConfigurationStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Writes a boot configuration's status. Two writers share it, the reconciler (state, image and
 * Ignition conditions) and the boot server (the fetched conditions), so every write is an
 * update with the resourceVersion read: a write made on a stale copy is refused by the API
 * server, read again and re-applied, and neither writer drops the other's conditions.
 */
@ApplicationScoped
public class BootConfigurationStatuses {

    private static final int ATTEMPTS = 5;

    @Inject
    KubernetesClient client;

    /** Applies the change to the freshest status; no write when it changes nothing. Empty when the object is gone. */
    public Optional<ServerBootConfiguration> update(ServerBootConfiguration known, Consumer<ServerBootConfigurationStatus> change) {
        ServerBootConfiguration current = known;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (current == null) {
                return Optional.empty();
            }
            ServerBootConfiguration copy = client.getKubernetesSerialization().clone(current);
            if (copy.getStatus() == null) {
                copy.setStatus(new ServerBootConfigurationStatus());
            }
            change.accept(copy.getStatus());
            if (Objects.equals(json(copy.getStatus()), json(current.getStatus() == null ? new ServerBootConfigurationStatus()
                    : current.getStatus()))) {
                return Optional.of(current);
            }
            try {
                return Optional.of(client.resource(copy).updateStatus());
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT && e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
                    throw e;
                }
                current = client.resources(ServerBootConfiguration.class).inNamespace(known.getMetadata().getNamespace())
                        .withName(known.getMetadata().getName()).get();
            }
        }
        throw new IllegalStateException("the status of boot configuration " + known.getMetadata().getNamespace() + "/"
                + known.getMetadata().getName() + " kept changing under " + ATTEMPTS + " writes");
    }

    private String json(ServerBootConfigurationStatus status) {
        return client.getKubernetesSerialization().asJson(status);
    }
}
