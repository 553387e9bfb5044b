package dev.metalprov.claim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.metalprov.api.v1alpha1.LabelSelector;
import dev.metalprov.api.v1alpha1.ObjectReference;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerState;

class FreeServersTest {

    @Test
    void onlyFreeServersAreInABucket() {
        assertEquals(1, FreeServers.bucketOf(ClaimBindingPolicyTest.server("free", Map.of())).size());
        Server bound = ClaimBindingPolicyTest.server("bound", Map.of());
        bound.getSpec().setServerClaimRef(new ObjectReference("ns", "c"));
        Server reserved = ClaimBindingPolicyTest.server("reserved", Map.of());
        reserved.getStatus().setState(ServerState.RESERVED);
        Server cordoned = ClaimBindingPolicyTest.server("cordoned", Map.of());
        cordoned.getSpec().setUnclaimable(true);
        Server undiscovered = ClaimBindingPolicyTest.server("new", Map.of());
        undiscovered.setStatus(null);
        for (Server server : List.of(bound, reserved, cordoned, undiscovered)) {
            assertEquals(List.of(), FreeServers.bucketOf(server), server.getMetadata().getName());
        }
    }

    @Test
    void aClaimLooksAtAFewBucketsNotAtTheFleet() {
        Fleet fleet = new Fleet(6400, Map.of());
        ServerClaim claim = claim(1, null);
        assertTrue(fleet.free.choose(claim, Set.of()).isPresent());
        assertTrue(fleet.examined.get() < 6400 / 16, "examined " + fleet.examined.get() + " of 6400");
    }

    @Test
    void claimsSpreadOverTheFleetAndComeBackToTheirChoice() {
        Fleet fleet = new Fleet(200, Map.of());
        Map<String, Integer> picks = new HashMap<>();
        for (int i = 0; i < 2000; i++) {
            picks.merge(fleet.free.choose(claim(i, null), Set.of()).orElseThrow().getMetadata().getName(), 1, Integer::sum);
        }
        assertTrue(picks.size() > 150, "most servers are somebody's first choice: " + picks.size() + " of 200");
        assertTrue(picks.values().stream().allMatch(n -> n < 60), "none is everybody's: " + picks);

        ServerClaim claim = claim(7, null);
        Server first = fleet.free.choose(claim, Set.of()).orElseThrow();
        assertEquals(first, fleet.free.choose(claim, Set.of()).orElseThrow(), "the same choice again");
        Server second = fleet.free.choose(claim, Set.of(first.getMetadata().getName())).orElseThrow();
        assertNotEquals(first, second, "a lost server is left out");
    }

    @Test
    void aSelectorThatFewServersMatchIsStillServedFromAnyBucket() {
        Fleet fleet = new Fleet(640, Map.of("rack", "a"));
        fleet.add(ClaimBindingPolicyTest.server("the-one-in-rack-b", Map.of("rack", "b")));
        LabelSelector rackB = new LabelSelector();
        rackB.setMatchLabels(Map.of("rack", "b"));
        for (int i = 0; i < 20; i++) {
            assertEquals("the-one-in-rack-b", fleet.free.choose(claim(i, rackB), Set.of()).orElseThrow().getMetadata().getName());
        }
        assertEquals(Optional.empty(), fleet.free.choose(claim(0, rackB), Set.of("the-one-in-rack-b")));
    }

    @Test
    void aClaimNamingItsServerLooksAtThatOneOnly() {
        Fleet fleet = new Fleet(640, Map.of());
        ServerClaim claim = ClaimBindingPolicyTest.claim("c", "server-17", null);
        assertEquals("server-17", fleet.free.choose(claim, Set.of()).orElseThrow().getMetadata().getName());
        assertEquals(0, fleet.examined.get(), "no bucket was read");
        assertEquals(Optional.empty(), fleet.free.choose(ClaimBindingPolicyTest.claim("c", "no-such-server", null), Set.of()));
    }

    private static ServerClaim claim(int i, LabelSelector selector) {
        ServerClaim claim = ClaimBindingPolicyTest.claim("claim-" + i, null, selector);
        claim.getMetadata().setUid("uid-" + i);
        return claim;
    }

    /** Free servers as the informer's index would list them, counting what a claim reads. */
    private static final class Fleet {
        final Map<String, Server> byName = new HashMap<>();
        final Map<Integer, List<Server>> buckets = new HashMap<>();
        final AtomicInteger examined = new AtomicInteger();
        final FreeServers free = new FreeServers();

        Fleet(int size, Map<String, String> labels) {
            for (int i = 0; i < size; i++) {
                add(ClaimBindingPolicyTest.server("server-" + i, labels));
            }
            free.policy = new ClaimBindingPolicy();
            free.attach(new FreeServers.Copies() {
                @Override
                public List<Server> inBucket(int bucket) {
                    List<Server> servers = buckets.getOrDefault(bucket, List.of());
                    examined.addAndGet(servers.size());
                    return servers;
                }

                @Override
                public Optional<Server> get(String name) {
                    return Optional.ofNullable(byName.get(name));
                }
            });
        }

        void add(Server server) {
            byName.put(server.getMetadata().getName(), server);
            Set<String> keys = new HashSet<>(FreeServers.bucketOf(server));
            keys.forEach(key -> buckets.computeIfAbsent(Integer.parseInt(key), k -> new ArrayList<>()).add(server));
        }
    }
}
