package dev.metalprov.claim;

import java.util.Objects;

import dev.metalprov.api.v1alpha1.ServerClaim;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;

/**
 * The changes of a claim that wake it: its spec (a new generation), and the metadata the operator
 * acts on, its annotations (the removal of {@code metal.ironcore.dev/operation: ignore} among
 * them), finalizers and deletion. Its own status patches do not.
 */
public class ClaimChanged implements OnUpdateFilter<ServerClaim> {

    @Override
    public boolean accept(ServerClaim updated, ServerClaim old) {
        ObjectMeta now = updated.getMetadata();
        ObjectMeta before = old.getMetadata();
        return !Objects.equals(now.getGeneration(), before.getGeneration())
                || !Objects.equals(now.getAnnotations(), before.getAnnotations())
                || !Objects.equals(now.getFinalizers(), before.getFinalizers())
                || !Objects.equals(now.getDeletionTimestamp(), before.getDeletionTimestamp());
    }
}
