package dev.metalprov.server;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.api.v1alpha1.ObjectReference;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerBootConfiguration;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.common.Conditions;
import dev.metalprov.server.Observation.Failure;

/**
 * Everything a state handler decides from, gathered by the reconciler from its caches: the
 * server, what its BMC last said, the claim it is bound to and that claim's boot configuration,
 * whether its BMC can be addressed at all, and the time.
 *
 * @param claim the claim of {@code spec.serverClaimRef}, when it exists (deleting or not)
 * @param readyBootConfiguration the claim's boot configuration, when it is Ready
 * @param unresolvable why the server's BMC cannot be addressed (a missing BMC or BMCSecret), or null
 */
public record Situation(Server server, Observation bmc, Optional<ServerClaim> claim,
        Optional<ServerBootConfiguration> readyBootConfiguration, Failure unresolvable, Instant now) {

    public String name() {
        return server.getMetadata().getName();
    }

    public ServerState state() {
        ServerState state = server.getStatus() == null ? null : server.getStatus().getState();
        return state == null ? ServerState.INITIAL : state;
    }

    /** Whether the server names its BMC at all, by {@code spec.bmcRef} or inline in {@code spec.bmc}. */
    public boolean namesBmc() {
        return server.getSpec().getBmcRef() != null || server.getSpec().getBmc() != null;
    }

    public ObjectReference claimRef() {
        return server.getSpec().getServerClaimRef();
    }

    /** The claim this server serves: it exists and is not being deleted. */
    public Optional<ServerClaim> liveClaim() {
        return claim.filter(c -> c.getMetadata().getDeletionTimestamp() == null);
    }

    /** Why the BMC failed last: it cannot be addressed, or its last exchange failed. */
    public Optional<Failure> failure() {
        return Optional.ofNullable(unresolvable != null ? unresolvable : bmc.failure());
    }

    public Optional<String> annotation(String name) {
        Map<String, String> annotations = server.getMetadata().getAnnotations();
        return annotations == null ? Optional.empty() : Optional.ofNullable(annotations.get(name));
    }

    public Optional<String> operation() {
        return annotation(Metal.OPERATION_ANNOTATION);
    }

    public boolean hasCondition(String type) {
        return server.getStatus() != null && Conditions.isTrue(server.getStatus().getConditions(), type);
    }
}
