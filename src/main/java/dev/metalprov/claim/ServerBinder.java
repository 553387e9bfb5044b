package dev.metalprov.claim;

import java.net.HttpURLConnection;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.api.v1alpha1.ObjectReference;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerBootConfiguration;
import dev.metalprov.api.v1alpha1.ServerClaim;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * The one place that writes a binding. The API server is the lock: the chosen server is read
 * from it (never from a cache), checked again, and written back with the resourceVersion that
 * was read, so of two claims racing for a server exactly one write succeeds.
 */
@ApplicationScoped
public class ServerBinder {

    private static final Logger LOG = Logger.getLogger(ServerBinder.class);

    @Inject
    KubernetesClient client;

    @Inject
    ClaimBindingPolicy policy;

    /**
     * The servers bound to this claim according to the API server itself: a consistent list by
     * the claim-uid label that every binding write sets together with the claim reference.
     */
    public List<Server> serversBoundTo(ServerClaim claim) {
        return client.resources(Server.class)
                .withLabel(Metal.CLAIM_UID_LABEL, claim.getMetadata().getUid())
                .list().getItems().stream()
                .filter(server -> ClaimBindingPolicy.refersTo(server.getSpec().getServerClaimRef(), claim))
                .toList();
    }

    /**
     * Binds the named server to the claim, or answers empty when the server is gone, no longer
     * fits, or somebody else wrote it first (409). A server that already points at the claim is
     * returned as it is.
     */
    public Optional<Server> tryBind(ServerClaim claim, String serverName, Context<ServerClaim> context,
            InformerEventSource<Server, ServerClaim> servers) {
        Server fresh = client.resources(Server.class).withName(serverName).get();
        if (fresh == null) {
            return Optional.empty();
        }
        if (ClaimBindingPolicy.refersTo(fresh.getSpec().getServerClaimRef(), claim)) {
            return Optional.of(fresh);
        }
        Optional<String> misfit = policy.whyNot(claim, fresh);
        if (misfit.isPresent()) {
            LOG.debugf("claim %s/%s: %s", claim.getMetadata().getNamespace(), claim.getMetadata().getName(), misfit.get());
            return Optional.empty();
        }
        fresh.getSpec().setServerClaimRef(claimRef(claim));
        fresh.getSpec().setBootConfigurationRef(bootConfigurationRef(claim));
        var labels = new HashMap<String, String>();
        if (fresh.getMetadata().getLabels() != null) {
            labels.putAll(fresh.getMetadata().getLabels());
        }
        labels.put(Metal.CLAIM_UID_LABEL, claim.getMetadata().getUid());
        fresh.getMetadata().setLabels(labels);
        try {
            // update() sends the resourceVersion that was read: the optimistic lock.
            return Optional.of(context.resourceOperations().update(fresh, servers));
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                LOG.debugf("claim %s/%s lost server %s to a concurrent write", claim.getMetadata().getNamespace(),
                        claim.getMetadata().getName(), serverName);
                return Optional.empty();
            }
            throw e;
        }
    }

    static ObjectReference claimRef(ServerClaim claim) {
        ObjectReference ref = new ObjectReference(claim.getMetadata().getNamespace(), claim.getMetadata().getName());
        ref.setApiVersion(Metal.API_VERSION);
        ref.setKind(HasMetadata.getKind(ServerClaim.class));
        ref.setUid(claim.getMetadata().getUid());
        return ref;
    }

    static ObjectReference bootConfigurationRef(ServerClaim claim) {
        ObjectReference ref = new ObjectReference(claim.getMetadata().getNamespace(), claim.getMetadata().getName());
        ref.setApiVersion(Metal.API_VERSION);
        ref.setKind(HasMetadata.getKind(ServerBootConfiguration.class));
        return ref;
    }
}
