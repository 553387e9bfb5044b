package dev.metalprov.claim;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerClaim;

/**
 * The binds the informer may not show yet, so that a claim never takes a second server while the
 * cache lags behind its first.
 *
 * <p>The informer's index answers "which server holds this claim" for every bind it has seen.
 * What it may not have seen is complete in this ledger: the binds this process wrote (recorded
 * with the resourceVersion the API server answered, or, when the answer was lost, the one the
 * write was based on), and the binds on the API server when the process first looked, read
 * once with a consistent list. A process only ever leads once (it exits when it loses its
 * Lease), so that one list covers every bind an earlier leader made. An entry goes as soon as
 * the index shows its bind, or its claim is gone. docs/binding.md explains why this is enough.
 */
@ApplicationScoped
public class BindLedger {

    /** A bind that the informer may not show yet. {@code certain} is false when the answer to the write was lost. */
    public record Entry(String server, long resourceVersion, boolean certain) {
    }

    private final Map<String, Entry> byClaimUid = new ConcurrentHashMap<>();
    private volatile boolean seeded;

    /**
     * Reads the binds on the API server once per process, before the first claim is looked at.
     * The supplier is a consistent list of the servers that carry a claim's uid label.
     */
    public void seedOnce(Supplier<List<Server>> boundServers) {
        if (seeded) {
            return;
        }
        synchronized (this) {
            if (seeded) {
                return;
            }
            for (Server server : boundServers.get()) {
                var ref = server.getSpec().getServerClaimRef();
                if (ref != null && ref.getUid() != null) {
                    byClaimUid.putIfAbsent(ref.getUid(), new Entry(server.getMetadata().getName(),
                            resourceVersion(server), true));
                }
            }
            seeded = true;
        }
    }

    public void written(ServerClaim claim, Server bound) {
        byClaimUid.put(claim.getMetadata().getUid(), new Entry(bound.getMetadata().getName(), resourceVersion(bound), true));
    }

    /** The write to this server may or may not have happened: only the server itself will tell. */
    public void uncertain(ServerClaim claim, Server basedOn) {
        byClaimUid.put(claim.getMetadata().getUid(), new Entry(basedOn.getMetadata().getName(), resourceVersion(basedOn), false));
    }

    public Optional<Entry> entry(ServerClaim claim) {
        return Optional.ofNullable(byClaimUid.get(claim.getMetadata().getUid()));
    }

    /** The informer shows the bind, or it is known to be gone. */
    public void settled(ServerClaim claim) {
        byClaimUid.remove(claim.getMetadata().getUid());
    }

    /** What a new process starts with: nothing, and the list at start still to be read. */
    void clear() {
        synchronized (this) {
            byClaimUid.clear();
            seeded = false;
        }
    }

    public int size() {
        return byClaimUid.size();
    }

    /**
     * Resource versions are compared as numbers, as the SDK's own caches do (etcd revisions); a
     * version that is not a number compares as newest, which only ever makes a claim wait longer.
     */
    public static long resourceVersion(Server server) {
        try {
            return Long.parseLong(server.getMetadata().getResourceVersion());
        } catch (NumberFormatException | NullPointerException e) {
            return Long.MAX_VALUE;
        }
    }
}
