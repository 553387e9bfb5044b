package dev.metalprov.claim;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.metalprov.api.v1alpha1.ClaimPhase;
import dev.metalprov.api.v1alpha1.ObjectReference;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerClaim;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;

/**
 * Which claims a change of a server concerns: the claim it is bound to, the claims that name it,
 * and, when it is free, the unbound claims it could serve. Unbound claims therefore bind as soon
 * as a fitting server turns up, and no claim is woken for a server it could not use.
 */
public class ClaimsThatCouldUseServer implements SecondaryToPrimaryMapper<Server> {

    public static final String BY_SERVER_REF = "byServerRef";

    private final IndexerResourceCache<ServerClaim> claims;
    private final ClaimBindingPolicy policy;

    public ClaimsThatCouldUseServer(IndexerResourceCache<ServerClaim> claims, ClaimBindingPolicy policy) {
        this.claims = claims;
        this.policy = policy;
    }

    /** Index function for the claim cache: the server a claim names. */
    public static List<String> serverNamedBy(ServerClaim claim) {
        return claim.getSpec() == null || claim.getSpec().getServerRef() == null ? List.of()
                : List.of(claim.getSpec().getServerRef().getName());
    }

    @Override
    public Set<ResourceID> toPrimaryResourceIDs(Server server) {
        Set<ResourceID> ids = new HashSet<>();
        ObjectReference ref = server.getSpec() == null ? null : server.getSpec().getServerClaimRef();
        if (ref != null) {
            ids.add(new ResourceID(ref.getName(), ref.getNamespace()));
        }
        claims.byIndex(BY_SERVER_REF, server.getMetadata().getName())
                .forEach(claim -> ids.add(ResourceID.fromResource(claim)));
        if (ref == null) {
            claims.list(claim -> !isBound(claim) && policy.canServe(claim, server))
                    .forEach(claim -> ids.add(ResourceID.fromResource(claim)));
        }
        return ids;
    }

    private static boolean isBound(ServerClaim claim) {
        return claim.getStatus() != null && claim.getStatus().getPhase() == ClaimPhase.BOUND;
    }
}
