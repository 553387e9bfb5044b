package dev.metalprov.claim;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Comparator;
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

    public boolean canServe(ServerClaim claim, Server server) {
        return whyNot(claim, server).isEmpty();
    }

    /** The server this claim should try to bind, among those that can serve it. */
    public Optional<Server> choose(ServerClaim claim, Collection<Server> servers) {
        String claimKey = claimKey(claim);
        return servers.stream()
                .filter(server -> canServe(claim, server))
                .max(Comparator.<Server> comparingLong(server -> score(claimKey, server.getMetadata().getName()))
                        .thenComparing(server -> server.getMetadata().getName(), Comparator.reverseOrder()));
    }

    /** True when the reference points at this claim (and at this incarnation of it, when it carries a uid). */
    public static boolean refersTo(ObjectReference ref, ServerClaim claim) {
        return ref != null
                && ref.refersTo(claim.getMetadata().getNamespace(), claim.getMetadata().getName())
                && (ref.getUid() == null || claim.getMetadata().getUid() == null
                        || Objects.equals(ref.getUid(), claim.getMetadata().getUid()));
    }

    private static String claimKey(ServerClaim claim) {
        String uid = claim.getMetadata().getUid();
        return uid != null ? uid : claim.getMetadata().getNamespace() + "/" + claim.getMetadata().getName();
    }

    /** FNV-1a over the pair, then a 64-bit finaliser so that similar names still score far apart. */
    static long score(String claimKey, String serverName) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : (claimKey + "\u0000" + serverName).getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        hash ^= hash >>> 33;
        hash *= 0xff51afd7ed558ccdL;
        hash ^= hash >>> 33;
        hash *= 0xc4ceb9fe1a85ec53L;
        hash ^= hash >>> 33;
        return hash;
    }
}
