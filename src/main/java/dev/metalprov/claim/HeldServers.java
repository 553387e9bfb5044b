package dev.metalprov.claim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerClaim;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * Which servers a claim holds, without asking the API server: the informer's index knows every
 * bind it has seen, the {@link BindLedger} the rest. Both claim controllers ask here; the
 * ServerClaimReconciler's server informer serves them.
 */
@ApplicationScoped
public class HeldServers {

    private static final Logger LOG = Logger.getLogger(HeldServers.class);

    @Inject
    BindLedger ledger;

    @Inject
    ServerBinder binder;

    /** The informer's view of servers, as far as this class needs it. */
    interface Copies {
        /** The servers the informer's index lists under a claim's namespace/name. */
        List<Server> byClaim(String claimKey);

        /** The informer's copy of a server, including the operator's own latest write to it. */
        Optional<Server> get(String name);
    }

    private volatile Copies servers;

    void attach(InformerEventSource<Server, ?> informer) {
        attach(new Copies() {
            @Override
            public List<Server> byClaim(String claimKey) {
                return informer.byIndex(ServerIndex.BY_CLAIM, claimKey);
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

    /**
     * The server the claim holds, judged as docs/binding.md tells: held when the index shows it
     * or the informer's copy of a server in the ledger points at the claim; free when nothing
     * says so or the copy is newer than the bind and points elsewhere; waiting when the copy is
     * older than the bind; to be tried again when the copy is the one a lost write was based on.
     */
    Holding holding(ServerClaim claim) {
        ledger.seedOnce(binder::boundServers);
        List<Server> indexed = indexed(claim);
        if (!indexed.isEmpty()) {
            if (indexed.size() > 1) {
                LOG.warnf("claim %s/%s is referenced by %d servers; keeping %s", claim.getMetadata().getNamespace(),
                        claim.getMetadata().getName(), indexed.size(), indexed.get(0).getMetadata().getName());
            }
            ledger.settled(claim);
            return Holding.of(indexed.get(0));
        }
        Optional<BindLedger.Entry> entry = ledger.entry(claim);
        if (entry.isEmpty()) {
            return Holding.FREE;
        }
        Optional<Server> copy = servers.get(entry.get().server());
        if (copy.isEmpty()) {
            // Deleted, or not seen by the informer yet: the API server tells (rare: a bound server removed).
            copy = binder.live(entry.get().server());
            if (copy.isEmpty()) {
                ledger.settled(claim);
                return Holding.FREE;
            }
        }
        Server server = copy.get();
        if (ClaimBindingPolicy.refersTo(server.getSpec().getServerClaimRef(), claim)) {
            return Holding.of(server);
        }
        long seen = BindLedger.resourceVersion(server);
        if (seen > entry.get().resourceVersion()) {
            ledger.settled(claim);
            return Holding.FREE;
        }
        if (seen == entry.get().resourceVersion() && !entry.get().certain()) {
            return Holding.retry(server);
        }
        return Holding.WAIT;
    }

    /**
     * Every server that holds the claim, for its release: the index, and a bind the informer has
     * not shown yet, asked of the server itself (a deletion right after a bind; rare).
     */
    List<Server> forRelease(ServerClaim claim) {
        ledger.seedOnce(binder::boundServers);
        List<Server> held = new ArrayList<>(indexed(claim));
        Optional<BindLedger.Entry> unseen = held.isEmpty() ? ledger.entry(claim) : Optional.empty();
        unseen.flatMap(entry -> binder.live(entry.server()))
                .filter(server -> ClaimBindingPolicy.refersTo(server.getSpec().getServerClaimRef(), claim))
                .ifPresent(held::add);
        return held;
    }

    void forget(ServerClaim claim) {
        ledger.settled(claim);
    }

    private List<Server> indexed(ServerClaim claim) {
        return servers.byClaim(ServerIndex.claimKey(claim.getMetadata().getNamespace(), claim.getMetadata().getName())).stream()
                .filter(server -> ClaimBindingPolicy.refersTo(server.getSpec().getServerClaimRef(), claim))
                .sorted(Comparator.comparing(server -> server.getMetadata().getName()))
                .toList();
    }
}
