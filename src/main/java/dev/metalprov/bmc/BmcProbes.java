package dev.metalprov.bmc;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.metalprov.api.v1alpha1.BMC;
import dev.metalprov.redfish.Bmc;
import dev.metalprov.redfish.BmcAccess;
import dev.metalprov.redfish.BmcConnections;
import dev.metalprov.redfish.Inventory.ManagerInfo;
import dev.metalprov.server.BmcException;
import dev.metalprov.server.BmcFailures;

/**
 * Asks BMCs what they are and which systems they manage, off the reconcile threads, and keeps the
 * last answer of each. A probe reads the manager and the list of systems, and the UUID only of
 * systems it has not seen before: a refresh of a BMC whose systems did not change costs three
 * requests, however many systems it has. When a probe ends, the BMC is woken up to be reconciled.
 */
@ApplicationScoped
public class BmcProbes {

    @Inject
    BmcConnections connections;

    @Inject
    Clock clock;

    /**
     * The last answer of a BMC.
     *
     * @param access how it was reached, so that a changed address or credential probes anew
     * @param manager what the BMC is, when the probe succeeded
     * @param systems system path to UUID, in the order the BMC lists them, when it succeeded
     * @param failure why it failed, or null
     * @param failuresInARow how many probes in a row failed, this one included (0 when it succeeded)
     */
    public record Probe(BmcAccess access, ManagerInfo manager, Map<String, String> systems, BmcException failure,
            int failuresInARow, Instant at) {

        public boolean succeeded() {
            return failure == null;
        }
    }

    private final Map<String, Probe> probes = new ConcurrentHashMap<>();
    private final Map<String, Boolean> inFlight = new ConcurrentHashMap<>();
    private volatile Consumer<String> wake = bmc -> {
    };

    public void onAnswer(Consumer<String> wake) {
        this.wake = wake;
    }

    public Probe last(BMC bmc) {
        return probes.get(key(bmc));
    }

    /** Drops the probes of BMCs that no longer exist, keeping only those of these BMCs. */
    public void retainOnly(Collection<BMC> bmcs) {
        Set<String> keys = new HashSet<>();
        bmcs.forEach(bmc -> keys.add(key(bmc)));
        probes.keySet().retainAll(keys);
    }

    /** Kept by name and uid: a BMC deleted and made again under its name is probed afresh. */
    private static String key(BMC bmc) {
        return bmc.getMetadata().getName() + "@" + bmc.getMetadata().getUid();
    }

    /** Starts a probe of the BMC unless one is under way. */
    public void start(BMC object, BmcAccess access) {
        String bmc = key(object);
        String name = object.getMetadata().getName();
        if (inFlight.putIfAbsent(bmc, Boolean.TRUE) != null) {
            return;
        }
        CompletableFuture<Probe> probe;
        try {
            probe = probe(connections.connect(access), access, known(bmc, access));
        } catch (RuntimeException e) {
            probe = CompletableFuture.failedFuture(e);
        }
        probe.whenComplete((answer, error) -> {
            probes.compute(bmc, (key, previous) -> error == null ? answer
                    : new Probe(access, null, null, BmcFailures.of(error), previous == null ? 1 : previous.failuresInARow() + 1,
                            clock.instant()));
            inFlight.remove(bmc);
            wake.accept(name);
        });
    }

    private Map<String, String> known(String bmc, BmcAccess access) {
        Probe last = probes.get(bmc);
        return last == null || last.systems() == null || !last.access().endpoint().equals(access.endpoint()) ? Map.of()
                : last.systems();
    }

    private CompletableFuture<Probe> probe(Bmc connection, BmcAccess access, Map<String, String> known) {
        return connection.manager().thenCompose(manager -> connection.systemUuids(known)
                .thenApply(systems -> new Probe(access, manager, systems, null, 0, clock.instant())));
    }
}
