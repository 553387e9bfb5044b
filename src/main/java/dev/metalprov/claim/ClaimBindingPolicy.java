package dev.metalprov.claim;

import java.util.Collection;
import java.util.Objects;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.metalprov.api.v1alpha1.ObjectReference;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.api.v1alpha1.ServerState;

/**
 * Decides which servers can serve a claim, and which one of them it gets.
 *
 * <p>A server can serve a claim when it is Available, powered Off, not cordoned, every NoBind
 * taint on it is tolerated, it is not claimed by anybody else, and it is the server the claim
 * names and/or matches the claim's selector.
 *
 * <p>Among several, the pick is by rendezvous hashing: each (claim, server) pair gets a stable
 * pseudo-random score and the highest wins. Claims racing for the same pool therefore spread
 * over it instead of all trying the first server, and a claim that has to choose again (after a
 * lost race, or a restart) comes back to the same server while that one is still free.
 */
@ApplicationScoped
public class ClaimBindingPolicy {

    /** Why the server cannot serve the claim, for a condition message; empty when it can. */
    public Optional<String> whyNot(ServerClaim claim, Server server) {
        var spec = claim.getSpec();
        String name = server.getMetadata().getName();
        if (spec.getServerRef() != null && !spec.getServerRef().getName().equals(name)) {
            return Optional.of("server " + name + " is not the one spec.serverRef names");
        }
        if (!LabelSelectors.matches(spec.getServerSelector(), server.getMetadata().getLabels())) {
            return Optional.of("the labels of server " + name + " do not match spec.serverSelector");
        }
        ObjectReference claimRef = server.getSpec().getServerClaimRef();
        if (claimRef != null && !refersTo(claimRef, claim)) {
            // Never the other claim's name: it may be another tenant's.
            return Optional.of("server " + name + " is bound to another claim");
        }
        if (Boolean.TRUE.equals(server.getSpec().getUnclaimable())) {
            return Optional.of("server " + name + " is cordoned (spec.unclaimable)");
        }
        ServerState state = server.getStatus() == null ? null : server.getStatus().getState();
        if (state != ServerState.AVAILABLE) {
            return Optional.of("server " + name + " is " + (state == null ? "not yet discovered" : state) + ", not Available");
        }
        ServerPowerState power = server.getStatus().getPowerState();
        if (power != ServerPowerState.OFF) {
            return Optional.of("server " + name + " is powered " + (power == null ? "unknown" : power) + ", not Off");
        }
        return Tolerations.firstUntolerated(server.getSpec().getTaints(), spec.getTolerations())
                .map(taint -> "server " + name + " has the taint " + taint.getKey()
                        + (taint.getValue() == null ? "" : "=" + taint.getValue()) + " that the claim does not tolerate");
    }

    /**
     * The same judgement as {@link #whyNot} without its message, and the cheapest tests first: a
     * claim looks at every server of the fleet, most of them taken, and a watch event of a free
     * server at every unbound claim.
     */
    public boolean canServe(ServerClaim claim, Server server) {
        var status = server.getStatus();
        var serverSpec = server.getSpec();
        if (status == null || status.getState() != ServerState.AVAILABLE || status.getPowerState() != ServerPowerState.OFF
                || Boolean.TRUE.equals(serverSpec.getUnclaimable())) {
            return false;
        }
        ObjectReference claimRef = serverSpec.getServerClaimRef();
        if (claimRef != null && !refersTo(claimRef, claim)) {
            return false;
        }
        var spec = claim.getSpec();
        if (spec.getServerRef() != null && !spec.getServerRef().getName().equals(server.getMetadata().getName())) {
            return false;
        }
        return LabelSelectors.matches(spec.getServerSelector(), server.getMetadata().getLabels())
                && Tolerations.firstUntolerated(serverSpec.getTaints(), spec.getTolerations()).isEmpty();
    }

    /** The server this claim should try to bind, among those that can serve it. */
    public Optional<Server> choose(ServerClaim claim, Collection<Server> servers) {
        long claimHash = claimHash(claim);
        Server best = null;
        long bestScore = 0;
        for (Server server : servers) {
            if (!canServe(claim, server)) {
                continue;
            }
            long score = score(claimHash, server.getMetadata().getName());
            if (best == null || score > bestScore
                    || (score == bestScore && server.getMetadata().getName().compareTo(best.getMetadata().getName()) < 0)) {
                best = server;
                bestScore = score;
            }
        }
        return Optional.ofNullable(best);
    }

    /** True when the reference points at this claim (and at this incarnation of it, when it carries a uid). */
    public static boolean refersTo(ObjectReference ref, ServerClaim claim) {
        return ref != null
                && ref.refersTo(claim.getMetadata().getNamespace(), claim.getMetadata().getName())
                && (ref.getUid() == null || claim.getMetadata().getUid() == null
                        || Objects.equals(ref.getUid(), claim.getMetadata().getUid()));
    }

    /** The claim's half of every score, from its uid (or its name before it has one). */
    static long claimHash(ServerClaim claim) {
        String uid = claim.getMetadata().getUid();
        String key = uid != null ? uid : claim.getMetadata().getNamespace() + "/" + claim.getMetadata().getName();
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++) {
            hash ^= key.charAt(i);
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    /**
     * The pair's score: the claim's hash and the server name's (which the String keeps once
     * computed) mixed by a 64-bit finaliser, so that similar names still score far apart. No
     * allocation: a claim scores every free server of the fleet.
     */
    static long score(long claimHash, String serverName) {
        long hash = claimHash ^ (serverName.hashCode() * 0x9e3779b97f4a7c15L);
        hash ^= hash >>> 33;
        hash *= 0xff51afd7ed558ccdL;
        hash ^= hash >>> 33;
        hash *= 0xc4ceb9fe1a85ec53L;
        hash ^= hash >>> 33;
        return hash;
    }
}
