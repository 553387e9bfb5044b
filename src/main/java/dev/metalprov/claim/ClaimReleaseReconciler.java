package dev.metalprov.claim;

import java.util.List;

import jakarta.inject.Inject;

import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerBootConfiguration;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.common.Conditions;
import dev.metalprov.common.OperatorConfig;
import dev.metalprov.operator.SharedItemStore;
import dev.metalprov.server.Parking;
import dev.metalprov.server.ServerConditions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.filter.GenericFilter;

/**
 * Holds a claim's deletion until the servers it holds are released (the ServerReconciler powers
 * them off and recycles or retains them), then takes the claim's finalizer off.
 *
 * <p>The finalizer goes on in the ServerClaimReconciler's bind write. This controller sees only
 * claims that carry it, so the SDK never adds it by itself, which would cost every new claim a
 * write before it could bind. Upstream deletes an ignored claim all the same, and so does this.
 */
@ControllerConfiguration(name = ClaimReleaseReconciler.NAME, finalizerName = Metal.SERVER_CLAIM_FINALIZER,
        informer = @Informer(itemStore = SharedItemStore.class, genericFilter = ClaimReleaseReconciler.CarriesFinalizer.class))
public class ClaimReleaseReconciler implements Reconciler<ServerClaim>, Cleaner<ServerClaim> {

    public static final String NAME = "serverclaim-release";

    @Inject
    HeldServers heldServers;

    @Inject
    KubernetesClient client;

    @Inject
    OperatorConfig config;

    @Override
    public UpdateControl<ServerClaim> reconcile(ServerClaim claim, Context<ServerClaim> context) {
        return UpdateControl.noUpdate();
    }

    @Override
    public DeleteControl cleanup(ServerClaim claim, Context<ServerClaim> context) {
        List<Server> held = heldServers.forRelease(claim);
        if (held.isEmpty()) {
            // No server holds the claim, so no release will drop its boot configuration.
            client.resources(ServerBootConfiguration.class).inNamespace(claim.getMetadata().getNamespace())
                    .withName(claim.getMetadata().getName()).delete();
            heldServers.forget(claim);
            return DeleteControl.defaultDelete();
        }
        if (held.stream().allMatch(ClaimReleaseReconciler::isReleased)) {
            heldServers.forget(claim);
            return DeleteControl.defaultDelete();
        }
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(config.releaseCheckInterval().toMillis());
    }

    private static boolean isReleased(Server server) {
        // Recycle clears the reference; Retain keeps it on a server that is Released; a server whose
        // BMC never confirmed the power-off keeps it while quarantined, and the claim goes all the same.
        // A parked server keeps it too: the operator stands down until unpark, which then releases it.
        ServerState state = server.getStatus() == null ? null : server.getStatus().getState();
        return Parking.parked(server) || state == ServerState.RELEASED || (state == ServerState.ERROR
                && Conditions.isTrue(server.getStatus().getConditions(), ServerConditions.QUARANTINED));
    }

    /** Only claims that carry the finalizer: the others hold no server and need no release. */
    public static class CarriesFinalizer implements GenericFilter<ServerClaim> {
        @Override
        public boolean accept(ServerClaim claim) {
            return claim.hasFinalizer(Metal.SERVER_CLAIM_FINALIZER);
        }
    }
}
