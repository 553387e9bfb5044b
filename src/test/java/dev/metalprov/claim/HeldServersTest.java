package dev.metalprov.claim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/**
 * How a claim learns which server it holds while the informer lags behind the binds: each row of
 * the table in docs/binding.md, and the list read once at start that covers an earlier leader's binds.
 */
class HeldServersTest {

    private final Map<String, Server> informer = new HashMap<>();
    /** The SDK's record of the operator's own latest writes, which get() sees and the index does not. */
    private final Map<String, Server> ownWrites = new HashMap<>();
    private final Map<String, Server> apiServer = new HashMap<>();
    private final List<String> liveReads = new ArrayList<>();
    private HeldServers held;
    private BindLedger ledger;

    @BeforeEach
    void setUp() {
        ledger = new BindLedger();
        held = new HeldServers();
        held.ledger = ledger;
        held.binder = new ServerBinder() {
            @Override
            public List<Server> boundServers() {
                return apiServer.values().stream().filter(s -> s.getSpec().getServerClaimRef() != null).toList();
            }

            @Override
            public Optional<Server> live(String serverName) {
                liveReads.add(serverName);
                return Optional.ofNullable(apiServer.get(serverName));
            }
        };
        held.attach(new HeldServers.Copies() {
            @Override
            public List<Server> byClaim(String claimKey) {
                return informer.values().stream().filter(s -> s.getSpec().getServerClaimRef() != null
                        && ServerIndex.claimOf(s).contains(claimKey)).toList();
            }

            @Override
            public Optional<Server> get(String name) {
                return Optional.ofNullable(ownWrites.getOrDefault(name, informer.get(name)));
            }
        });
    }

    @Test
    void aBindTheIndexShowsIsHeldAndLeavesTheLedger() {
        ServerClaim claim = claim("a");
        Server bound = server("s1", 7, claim);
        ledger.written(claim, bound);
        informer.put("s1", bound);

        assertEquals("s1", held.holding(claim).server().orElseThrow().getMetadata().getName());
        assertTrue(ledger.entry(claim).isEmpty(), "settled once the index shows it");
    }

    @Test
    void anInformerOlderThanTheBindMakesTheClaimWaitInsteadOfBindingAgain() {
        ServerClaim claim = claim("a");
        ledger.written(claim, server("s1", 7, claim));
        informer.put("s1", server("s1", 5, null));

        Holding holding = held.holding(claim);
        assertTrue(holding.waiting(), "the copy predates the bind: wait, do not pick another server");
        assertTrue(holding.server().isEmpty());
        assertEquals(List.of(), liveReads, "no read of the API server");
    }

    @Test
    void anInformerNewerThanTheBindThatShowsItGoneFreesTheClaim() {
        ServerClaim claim = claim("a");
        ledger.written(claim, server("s1", 7, claim));
        informer.put("s1", server("s1", 9, null));

        Holding holding = held.holding(claim);
        assertFalse(holding.waiting());
        assertTrue(holding.server().isEmpty());
        assertTrue(holding.retry().isEmpty());
        assertTrue(ledger.entry(claim).isEmpty());
    }

    @Test
    void theSdkCopyOfTheOperatorsOwnWriteCountsAsHeld() {
        ServerClaim claim = claim("a");
        Server written = server("s1", 7, claim);
        ledger.written(claim, written);
        // The watch has not delivered the bind: the index still has the server free, at revision 5.
        informer.put("s1", server("s1", 5, null));
        ownWrites.put("s1", written);

        assertEquals("s1", held.holding(claim).server().orElseThrow().getMetadata().getName(),
                "the SDK's copy of the write says it is held, although the index does not yet");
        assertFalse(ledger.entry(claim).isEmpty(), "kept in the ledger until the index shows it");
    }

    @Test
    void aWriteWhoseAnswerWasLostIsTriedAgainOnTheSameServerOnly() {
        ServerClaim claim = claim("a");
        Server basedOn = server("s1", 7, null);
        ledger.uncertain(claim, basedOn);
        informer.put("s1", basedOn);

        Holding holding = held.holding(claim);
        assertEquals("s1", holding.retry().orElseThrow().getMetadata().getName());
        assertFalse(holding.waiting());

        informer.put("s1", server("s1", 8, claim("someone-else")));
        assertTrue(held.holding(claim).server().isEmpty(), "overtaken by another write: the claim is free again");
        assertFalse(held.holding(claim).waiting());
    }

    @Test
    void theBindsOfAnEarlierLeaderAreReadOnceAtStartAndCoverALaggingInformer() {
        ServerClaim claim = claim("a");
        // The earlier leader bound s1 at revision 9; this process's informer still has revision 3.
        apiServer.put("s1", server("s1", 9, claim));
        informer.put("s1", server("s1", 3, null));

        assertTrue(held.holding(claim).waiting(), "the list at start knows the bind the informer has not shown");
        apiServer.put("s2", server("s2", 12, claim("b")));
        held.holding(claim("b"));
        assertTrue(ledger.entry(claim("b")).isEmpty(), "the list is read once per process, not per claim");
    }

    @Test
    void aBoundServerThatIsGoneFreesTheClaimAfterOneLiveRead() {
        ServerClaim claim = claim("a");
        ledger.written(claim, server("s1", 7, claim));

        assertTrue(held.holding(claim).server().isEmpty());
        assertFalse(held.holding(claim).waiting());
        assertEquals(List.of("s1"), liveReads);
    }

    private static ServerClaim claim(String name) {
        ServerClaim claim = new ServerClaim();
        claim.setMetadata(new ObjectMetaBuilder().withNamespace("tenant").withName(name).withUid("uid-" + name).build());
        return claim;
    }

    private static Server server(String name, long resourceVersion, ServerClaim boundTo) {
        Server server = new Server();
        server.setMetadata(new ObjectMetaBuilder().withName(name).withResourceVersion(Long.toString(resourceVersion)).build());
        server.setSpec(new ServerSpec());
        if (boundTo != null) {
            server.getSpec().setServerClaimRef(ServerBinder.claimRef(boundTo));
        }
        return server;
    }
}
