package dev.metalprov.common;

import java.util.Objects;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;

/**
 * The changes of an object that wake its controller: its spec (a new generation), and the
 * metadata the operator acts on, its annotations (the removal of
 * {@code metal.ironcore.dev/operation: ignore} among them), finalizers and deletion. Status
 * patches, the operator's own included, do not: with generation-aware processing alone, taking
 * the ignore annotation off would go unnoticed until the next periodic resync.
 */
public class ActedOnChanges implements OnUpdateFilter<HasMetadata> {

    @Override
    public boolean accept(HasMetadata updated, HasMetadata old) {
        ObjectMeta now = updated.getMetadata();
        ObjectMeta before = old.getMetadata();
        return !Objects.equals(now.getGeneration(), before.getGeneration())
                || !Objects.equals(now.getAnnotations(), before.getAnnotations())
                || !Objects.equals(now.getFinalizers(), before.getFinalizers())
                || !Objects.equals(now.getDeletionTimestamp(), before.getDeletionTimestamp());
    }
}
