package dev.metalprov.e2e;

import java.time.Instant;
import java.time.ZonedDateTime;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;

/** What the leader-election tests read off a Lease, with the empty cases spelled out. */
final class Leases {

    private Leases() {
    }

    /** Who holds it; empty when nobody does (or there is no Lease yet). */
    static String holder(Lease lease) {
        LeaseSpec spec = lease == null ? null : lease.getSpec();
        return spec == null || spec.getHolderIdentity() == null ? "" : spec.getHolderIdentity();
    }

    /** When its holder last renewed it; the epoch when never. */
    static Instant renewTime(Lease lease) {
        ZonedDateTime renewed = lease.getSpec().getRenewTime();
        return renewed == null ? Instant.EPOCH : renewed.toInstant();
    }

    /** How often it changed hands. */
    static int transitions(Lease lease) {
        Integer transitions = lease.getSpec().getLeaseTransitions();
        return transitions == null ? 0 : transitions;
    }
}
