package dev.metalprov.claim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.metalprov.api.v1alpha1.ClaimPhase;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerBootConfiguration;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerState;

/**
 * The invariants of binding, read from the API server: one server per claim, one claim per
 * server, bindings that agree from both ends, and no claim left waiting while a server that
 * fits it is free.
 */
public final class BindingInvariants {

    private BindingInvariants() {
    }

    /** Every violation of "at most one" found; empty when the state is consistent. */
    public static List<String> violations(List<Server> servers, List<ServerClaim> claims, List<ServerBootConfiguration> boots) {
        List<String> violations = new ArrayList<>();
        Map<String, List<String>> bootsPerServer = new HashMap<>();
        boots.stream().filter(b -> b.getMetadata().getDeletionTimestamp() == null).forEach(b -> bootsPerServer
                .computeIfAbsent(b.getSpec().getServerRef().getName(), k -> new ArrayList<>())
                .add(b.getMetadata().getNamespace() + "/" + b.getMetadata().getName()));
        bootsPerServer.forEach((server, configurations) -> {
            if (configurations.size() > 1) {
                violations.add("server " + server + " has boot configurations " + configurations);
            }
        });
        Map<String, List<String>> serversPerClaim = new HashMap<>();
        for (Server server : servers) {
            var ref = server.getSpec().getServerClaimRef();
            if (ref == null) {
                continue;
            }
            ServerClaim claim = claims.stream()
                    .filter(c -> ClaimBindingPolicy.refersTo(ref, c)).findFirst().orElse(null);
            if (claim == null) {
                continue; // its claim is being released
            }
            serversPerClaim.computeIfAbsent(key(claim), k -> new ArrayList<>()).add(server.getMetadata().getName());
            if (isBound(claim) && (claim.getSpec().getServerRef() == null
                    || !claim.getSpec().getServerRef().getName().equals(server.getMetadata().getName()))) {
                violations.add("server " + server.getMetadata().getName() + " points at claim " + key(claim)
                        + " which names " + claim.getSpec().getServerRef());
            }
        }
        serversPerClaim.forEach((claim, held) -> {
            if (held.size() > 1) {
                violations.add("claim " + claim + " holds " + held);
            }
        });
        Map<String, List<String>> claimsPerServer = new HashMap<>();
        claims.stream().filter(BindingInvariants::isBound).forEach(claim -> claimsPerServer
                .computeIfAbsent(claim.getSpec().getServerRef().getName(), k -> new ArrayList<>()).add(key(claim)));
        claimsPerServer.forEach((server, holders) -> {
            if (holders.size() > 1) {
                violations.add("server " + server + " is held by " + holders);
            }
        });
        return violations;
    }

    /** Claims that are not Bound although a server that could serve them is free. */
    public static List<String> servableButUnbound(List<Server> servers, List<ServerClaim> claims, ClaimBindingPolicy policy) {
        List<String> waiting = new ArrayList<>();
        for (ServerClaim claim : claims) {
            if (isBound(claim) || claim.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            servers.stream().filter(server -> policy.canServe(claim, server)).findFirst()
                    .ifPresent(server -> waiting.add(key(claim) + " could have " + server.getMetadata().getName()));
        }
        return waiting;
    }

    /** Every bound claim's server has caught up and is Reserved. */
    public static boolean settled(List<Server> servers, List<ServerClaim> claims) {
        return claims.stream().filter(BindingInvariants::isBound).allMatch(claim -> servers.stream()
                .anyMatch(server -> server.getMetadata().getName().equals(claim.getSpec().getServerRef().getName())
                        && server.getStatus() != null && server.getStatus().getState() == ServerState.RESERVED
                        && ClaimBindingPolicy.refersTo(server.getSpec().getServerClaimRef(), claim)));
    }

    public static boolean isBound(ServerClaim claim) {
        return claim.getStatus() != null && claim.getStatus().getPhase() == ClaimPhase.BOUND;
    }

    static String key(ServerClaim claim) {
        return claim.getMetadata().getNamespace() + "/" + claim.getMetadata().getName();
    }
}
