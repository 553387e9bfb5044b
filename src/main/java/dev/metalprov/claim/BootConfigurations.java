package dev.metalprov.claim;

import java.net.HttpURLConnection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.metalprov.api.v1alpha1.LocalObjectReference;
import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerBootConfiguration;
import dev.metalprov.api.v1alpha1.ServerBootConfigurationSpec;
import dev.metalprov.api.v1alpha1.ServerClaim;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * The ServerBootConfiguration of a bound claim: named like the claim, in its namespace, owned
 * by it, carrying its image and Ignition reference for the server it holds.
 */
@ApplicationScoped
public class BootConfigurations {

    @Inject
    KubernetesClient client;

    public ServerBootConfiguration desired(ServerClaim claim, Server server) {
        ServerBootConfiguration desired = new ServerBootConfiguration();
        desired.setMetadata(new ObjectMetaBuilder()
                .withName(claim.getMetadata().getName())
                .withNamespace(claim.getMetadata().getNamespace())
                .withOwnerReferences(ownerReference(claim))
                .withAnnotations(bootMethodOf(claim).map(m -> Map.of(Metal.BOOT_METHOD_ANNOTATION, m)).orElse(null))
                .build());
        ServerBootConfigurationSpec spec = new ServerBootConfigurationSpec();
        spec.setServerRef(new LocalObjectReference(server.getMetadata().getName()));
        spec.setImage(claim.getSpec().getImage());
        spec.setIgnitionSecretRef(claim.getSpec().getIgnitionSecretRef() == null ? null
                : new LocalObjectReference(claim.getSpec().getIgnitionSecretRef().getName()));
        desired.setSpec(spec);
        return desired;
    }

    /**
     * Creates the boot configuration, or brings its spec in line with the claim. Answers empty
     * when a leftover of an earlier claim of the same name was in the way and has been deleted;
     * the next reconcile creates the new one.
     */
    public Optional<ServerBootConfiguration> ensure(ServerClaim claim, Server server, Context<ServerClaim> context,
            InformerEventSource<ServerBootConfiguration, ServerClaim> informer) {
        ServerBootConfiguration desired = desired(claim, server);
        Optional<ServerBootConfiguration> existing = context.getSecondaryResource(ServerBootConfiguration.class);
        if (existing.isEmpty()) {
            try {
                return Optional.of(context.resourceOperations().create(desired, informer));
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                    throw e;
                }
                existing = Optional.ofNullable(client.resources(ServerBootConfiguration.class)
                        .inNamespace(claim.getMetadata().getNamespace()).withName(claim.getMetadata().getName()).get());
                if (existing.isEmpty()) {
                    return Optional.empty();
                }
            }
        }
        ServerBootConfiguration current = existing.get();
        if (!isOwnedBy(current, claim)) {
            client.resource(current).delete();
            return Optional.empty();
        }
        if (Objects.equals(specJson(current), specJson(desired)) && bootMethodOf(current).equals(bootMethodOf(desired))) {
            return Optional.of(current);
        }
        // The informer's object is shared by every controller that watches boot configurations: change a copy.
        ServerBootConfiguration changed = client.getKubernetesSerialization().clone(current);
        changed.setSpec(desired.getSpec());
        Map<String, String> annotations = new HashMap<>(Objects.requireNonNullElse(changed.getMetadata().getAnnotations(), Map.of()));
        annotations.remove(Metal.BOOT_METHOD_ANNOTATION);
        bootMethodOf(desired).ifPresent(m -> annotations.put(Metal.BOOT_METHOD_ANNOTATION, m));
        changed.getMetadata().setAnnotations(annotations);
        return Optional.of(context.resourceOperations().update(changed, informer));
    }

    /** The boot method annotation, as written: the boot service judges its value. */
    private static Optional<String> bootMethodOf(HasMetadata object) {
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        return Optional.ofNullable(annotations == null ? null : annotations.get(Metal.BOOT_METHOD_ANNOTATION));
    }

    private static boolean isOwnedBy(ServerBootConfiguration configuration, ServerClaim claim) {
        List<OwnerReference> owners = configuration.getMetadata().getOwnerReferences();
        return owners != null && owners.stream().anyMatch(o -> Objects.equals(o.getUid(), claim.getMetadata().getUid()));
    }

    private static OwnerReference ownerReference(ServerClaim claim) {
        return new OwnerReferenceBuilder()
                .withApiVersion(claim.getApiVersion())
                .withKind(claim.getKind())
                .withName(claim.getMetadata().getName())
                .withUid(claim.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    private String specJson(ServerBootConfiguration configuration) {
        return client.getKubernetesSerialization().asJson(configuration.getSpec());
    }
}
