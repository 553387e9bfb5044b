package dev.metalprov.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;

/**
 * Two replicas of the packaged operator compete for a Lease of their own; the leader is stopped
 * in an orderly way (SIGTERM, as the kubelet does when a pod is deleted). It gives the Lease up,
 * so the standby takes over before the leader's last renewal would have run out, instead of
 * waiting out the lease duration.
 *
 * <p>So as not to touch what the other classes do, both replicas' controllers only see objects
 * labelled {@value #LABEL} (none exist) and their boot services are off.
 */
@ExtendWith(EndToEnd.class)
class LeaderHandoverIT {

    private static final String LABEL = "e2e.metalprov.dev/leader-handover";
    private static final String LEASE = "metal-operator-handover";
    private static final Duration DEADLINE = Duration.ofMinutes(2);

    @Test
    void aLeaderStoppedInAnOrderlyWayHandsItsLeaseOverAtOnce(EndToEnd.Environment environment) {
        Path work = Path.of("target", "e2e");
        var lease = environment.plane.admin().leases().inNamespace(OperatorProcess.NAMESPACE).withName(LEASE);
        try (OperatorProcess leader = OperatorProcess.launch(environment.plane, environment.plane.url(), work, "operator-handover-a",
                settings("replica-a"))) {
            until("replica-a to hold the Lease", lease::get, l -> Leases.holder(l).equals("replica-a"));
            try (OperatorProcess standby = OperatorProcess.launch(environment.plane, environment.plane.url(), work,
                    "operator-handover-b", settings("replica-b"))) {
                Awaitility.await("replica-b to be up as a standby").atMost(DEADLINE).pollInterval(Duration.ofMillis(250))
                        .ignoreExceptions().until(() -> standby.isAlive() && standby.health("live") == 200);
                // The leader's renewal seen last before it stops (renewals only move forward): without
                // a release, the standby could take over only once it plus the lease duration has passed.
                Lease lastSeen = until("replica-a to still hold the Lease", lease::get, l -> Leases.holder(l).equals("replica-a"));
                Instant expiry = Leases.renewTime(lastSeen).plusSeconds(lastSeen.getSpec().getLeaseDurationSeconds());

                Instant stopped = Instant.now();
                leader.close();
                Lease taken = until("replica-b to take the Lease over", lease::get, l -> Leases.holder(l).equals("replica-b"));
                Instant acquired = taken.getSpec().getAcquireTime().toInstant();
                System.out.printf("LeaderHandoverIT: replica-b held the Lease %d ms after replica-a was sent SIGTERM"
                        + " (lease duration %d s)%n", Duration.between(stopped, Instant.now()).toMillis(),
                        lastSeen.getSpec().getLeaseDurationSeconds());
                assertTrue(acquired.isBefore(expiry), "replica-b acquired the Lease at " + acquired
                        + ", not before replica-a's last renewal ran out at " + expiry + ": the Lease was not released");
            }
        } finally {
            lease.delete();
        }
    }

    /**
     * A leader that finds its Lease held by someone else stops leading and exits, so that its pod
     * restarts it as a standby; staying up, it would neither reconcile nor compete again.
     */
    @Test
    void aLeaderThatLosesItsLeaseExits(EndToEnd.Environment environment) {
        Path work = Path.of("target", "e2e");
        var lease = environment.plane.admin().leases().inNamespace(OperatorProcess.NAMESPACE).withName(LEASE);
        try (OperatorProcess leader = OperatorProcess.launch(environment.plane, environment.plane.url(), work, "operator-handover-lost",
                settings("replica-lost"))) {
            until("replica-lost to hold the Lease", lease::get, l -> Leases.holder(l).equals("replica-lost"));
            // Another holder, freshly renewed and for long: the leader cannot renew any more. The
            // leader renews meanwhile, so the write is tried again on a conflict.
            Awaitility.await("the Lease to be taken from replica-lost").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptionsInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class)
                    .until(() -> {
                        lease.edit(l -> {
                            l.getSpec().setHolderIdentity("someone-else");
                            l.getSpec().setLeaseDurationSeconds(3600);
                            l.getSpec().setRenewTime(java.time.ZonedDateTime.now());
                            return l;
                        });
                        return true;
                    });
            Awaitility.await("replica-lost to exit once it lost the Lease").atMost(DEADLINE).pollInterval(Duration.ofMillis(250))
                    .until(() -> !leader.isAlive());
        } finally {
            lease.delete();
        }
    }

    private static Map<String, String> settings(String identity) {
        String selector = LABEL + "=true";
        return Map.of(
                "HOSTNAME", identity,
                "QUARKUS_OPERATOR_SDK_CONTROLLERS__SERVERCLAIM__SELECTOR", selector,
                "QUARKUS_OPERATOR_SDK_CONTROLLERS__SERVER__SELECTOR", selector,
                "QUARKUS_OPERATOR_SDK_CONTROLLERS__BMC__SELECTOR", selector,
                "QUARKUS_OPERATOR_SDK_CONTROLLERS__BOOTCONFIGURATION__SELECTOR", selector,
                "METAL_BOOT_ENABLED", "false",
                "METAL_LEADER_ELECTION_LEASE_NAME", LEASE);
    }



    private static Lease until(String what, java.util.function.Supplier<Lease> read, java.util.function.Predicate<Lease> condition) {
        AtomicReference<Lease> last = new AtomicReference<>();
        Awaitility.await(what).atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            Lease value = read.get();
            last.set(value);
            return value != null && condition.test(value);
        });
        return last.get();
    }
}
