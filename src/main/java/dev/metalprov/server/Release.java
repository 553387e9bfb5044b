package dev.metalprov.server;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.api.v1alpha1.ObjectReference;
import dev.metalprov.api.v1alpha1.ReclaimPolicy;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.common.OperatorConfig;

/**
 * Gives a server back when its claim goes, in one place: power it off (graceful, then forced),
 * and only once the BMC confirms Off drop the boot configuration and recycle the server into the
 * pool or retain it. A BMC that cannot confirm Off within the release timeout does not hold up the
 * tenant: the server is quarantined (Error, claim reference kept, out of the pool), which lets the
 * claim's finalizer go, and it finishes its release whenever the BMC confirms Off. It is never
 * recycled unconfirmed.
 *
 * <p>The only owner of the deletion of a bound claim's boot configuration.
 */
@ApplicationScoped
public class Release {

    @Inject
    PowerSequencer power;

    @Inject
    OperatorConfig config;

    /** When the release of each server began, for servers whose claim left no deletion time behind. */
    private final Map<String, Instant> started = new ConcurrentHashMap<>();

    public Plan handle(Situation s) {
        Server server = s.server();
        boolean retain = server.getSpec().getReclaimPolicy() == ReclaimPolicy.RETAIN && s.claimRef() != null;
        boolean quarantined = s.state() == ServerState.ERROR;
        if (specReleased(server, retain)) {
            started.remove(s.name());
            Plan plan = retain ? Plan.to(ServerState.RELEASED).event("Released",
                    "its claim is gone; the server is Retained until spec.serverClaimRef is cleared")
                    : Plan.to(ServerState.AVAILABLE).event("Recycled", "powered off and back in the pool");
            return plan.clearCondition(ServerConditions.QUARANTINED).clearCondition(ServerConditions.NETWORK_BOOT)
                    .recheckAfter(Duration.ZERO);
        }
        Instant since = since(s);
        PowerSequencer.Step off = power.off(s.bmc(), s.now());
        boolean confirmedOff = off.reached() && s.bmc().powerReadSince(since);
        if (confirmedOff) {
            ObjectReference bootRef = server.getSpec().getBootConfigurationRef();
            return Plan.write(s.state(), retain ? "retain the server" : "recycle the server", released -> withoutBinding(released, retain))
                    .deleting(bootRef);
        }
        var command = off.reached() ? java.util.Optional.of(BmcCommand.READ_POWER) : off.command();
        Instant deadline = since.plus(config.releaseTimeout());
        if (!quarantined && !deadline.isAfter(s.now())) {
            return Plan.to(ServerState.ERROR).send(command).recheckAfter(off.recheck())
                    .condition(ServerConditions.QUARANTINED, true, ServerConditions.POWER_OFF_UNCONFIRMED,
                            "the BMC did not confirm power Off within " + config.releaseTimeout() + " of the release of claim "
                                    + s.claimRef().getName() + "; the server stays out of the pool until the BMC confirms Off");
        }
        Duration recheck = quarantined ? off.recheck() : min(off.recheck(), Duration.between(s.now(), deadline));
        return Plan.to(s.state()).send(command).recheckAfter(recheck);
    }

    /** The release is written: no boot configuration, no network boot record, and no claim unless retained. */
    private static boolean specReleased(Server server, boolean retain) {
        Map<String, String> annotations = server.getMetadata().getAnnotations();
        return server.getSpec().getBootConfigurationRef() == null
                && (annotations == null || !annotations.containsKey(Metal.NETWORK_BOOT_ANNOTATION))
                && (retain || server.getSpec().getServerClaimRef() == null);
    }

    /** Drops the release start times of servers that no longer exist, keeping only these names. */
    public void retainOnly(java.util.Set<String> servers) {
        started.keySet().retainAll(servers);
    }

    /** The release began when the claim was deleted; a claim that vanished unseen starts it now. */
    private Instant since(Situation s) {
        var deleted = s.claim().map(c -> c.getMetadata().getDeletionTimestamp());
        if (deleted.isPresent() && deleted.get() != null) {
            started.remove(s.name());
            return Instant.parse(deleted.get());
        }
        return started.computeIfAbsent(s.name(), name -> s.now());
    }

    /** The server without its boot configuration, and without its claim unless it is retained. */
    static Server withoutBinding(Server server, boolean keepClaimRef) {
        server.getSpec().setBootConfigurationRef(null);
        if (server.getMetadata().getAnnotations() != null) {
            Map<String, String> annotations = new HashMap<>(server.getMetadata().getAnnotations());
            annotations.remove(Metal.NETWORK_BOOT_ANNOTATION);
            server.getMetadata().setAnnotations(annotations);
        }
        if (!keepClaimRef) {
            server.getSpec().setServerClaimRef(null);
            if (server.getMetadata().getLabels() != null) {
                Map<String, String> labels = new HashMap<>(server.getMetadata().getLabels());
                labels.remove(Metal.CLAIM_UID_LABEL);
                server.getMetadata().setLabels(labels);
            }
        }
        return server;
    }

    private static Duration min(Duration a, Duration b) {
        Duration floor = b.isNegative() ? Duration.ZERO : b;
        return a.compareTo(floor) <= 0 ? a : floor;
    }
}
