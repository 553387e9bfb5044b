package dev.metalprov.claim;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.metalprov.api.v1alpha1.ObjectReference;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.api.v1alpha1.ServerState;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * Where a claim looks for a server: the free ones (Available, powered Off, bound to nobody, not
 * cordoned), kept by the informer's index in {@value #BUCKETS} buckets by name.
 *
 * <p>A claim looks in the bucket its uid hashes to first and takes the best server there by the
 * policy's rendezvous score, then the next bucket, and so on. Looking at every server instead cost
 * each claim a walk over the whole fleet, most of it taken: at 2,000 servers that walk was a
 * third of the operator's CPU while binding, and it grows with the square of the fleet. Claims
 * racing for the pool still spread (over the buckets, and by score within one), and a claim that
 * chooses again comes back to the same server while it is free. A claim naming its server looks
 * at that one only.
 */
@ApplicationScoped
public class FreeServers {

    static final String BY_BUCKET = "freeByBucket";
    static final int BUCKETS = 64;

    @Inject
    ClaimBindingPolicy policy;

    /** The informer's view of servers, as far as this class needs it. */
    interface Copies {
        /** The free servers the informer's index lists under a bucket. */
        List<Server> inBucket(int bucket);

        /** The informer's copy of a server, including the operator's own latest write to it. */
        Optional<Server> get(String name);
    }

    private volatile Copies servers;

    static void index(InformerEventSource<Server, ?> informer) {
        informer.addIndexers(Map.of(BY_BUCKET, FreeServers::bucketOf));
    }

    void attach(InformerEventSource<Server, ?> informer) {
        attach(new Copies() {
            @Override
            public List<Server> inBucket(int bucket) {
                return informer.byIndex(BY_BUCKET, Integer.toString(bucket));
            }

            @Override
            public Optional<Server> get(String name) {
                return informer.get(new ResourceID(name));
            }
        });
    }

    void attach(Copies copies) {
        this.servers = copies;
    }

    /** Index function: the bucket of a free server; nothing for the others. */
    static List<String> bucketOf(Server server) {
        return isFree(server) ? List.of(Integer.toString(bucket(server.getMetadata().getName()))) : List.of();
    }

    static boolean isFree(Server server) {
        var status = server.getStatus();
        var spec = server.getSpec();
        ObjectReference claimRef = spec == null ? null : spec.getServerClaimRef();
        return status != null && status.getState() == ServerState.AVAILABLE && status.getPowerState() == ServerPowerState.OFF
                && claimRef == null && !Boolean.TRUE.equals(spec.getUnclaimable());
    }

    /** Mixed first: names that differ in their last characters (server-17, server-18) hash close together. */
    static int bucket(String serverName) {
        return spread(serverName.hashCode());
    }

    private static int spread(long hash) {
        long mixed = (hash ^ (hash >>> 33)) * 0xff51afd7ed558ccdL;
        mixed ^= mixed >>> 33;
        mixed *= 0xc4ceb9fe1a85ec53L;
        mixed ^= mixed >>> 33;
        return (int) Math.floorMod(mixed, (long) BUCKETS);
    }

    /**
     * The server the claim should try next, leaving out those it has lost a race for; empty when
     * no free server can serve it. Copies from the index may lag the operator's own latest binds:
     * the bind itself checks the freshest copy again.
     */
    public Optional<Server> choose(ServerClaim claim, Set<String> lost) {
        if (claim.getSpec().getServerRef() != null) {
            String name = claim.getSpec().getServerRef().getName();
            return lost.contains(name) ? Optional.empty()
                    : servers.get(name).filter(server -> policy.canServe(claim, server));
        }
        int first = spread(ClaimBindingPolicy.claimHash(claim));
        for (int i = 0; i < BUCKETS; i++) {
            List<Server> bucket = servers.inBucket((first + i) % BUCKETS);
            Optional<Server> best = policy.choose(claim, lost.isEmpty() ? bucket
                    : bucket.stream().filter(server -> !lost.contains(server.getMetadata().getName())).toList());
            if (best.isPresent()) {
                return best;
            }
        }
        return Optional.empty();
    }
}
