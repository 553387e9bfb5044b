package dev.metalprov.claim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.metalprov.api.v1alpha1.LabelSelector;
import dev.metalprov.api.v1alpha1.LabelSelectorRequirement;
import dev.metalprov.api.v1alpha1.ObjectReference;
import dev.metalprov.api.v1alpha1.SelectorOperator;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.api.v1alpha1.ServerSpec;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.api.v1alpha1.ServerStatus;
import dev.metalprov.api.v1alpha1.Taint;
import dev.metalprov.api.v1alpha1.TaintEffect;
import dev.metalprov.api.v1alpha1.Toleration;
import dev.metalprov.api.v1alpha1.TolerationOperator;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

class ClaimBindingPolicyTest {

    private final ClaimBindingPolicy policy = new ClaimBindingPolicy();

    @Test
    void onlyAvailableOffUncordonedFreeServersAreCandidates() {
        ServerClaim claim = claim("c", null, null);
        assertTrue(policy.canServe(claim, server("free", Map.of())));

        Server reserved = server("reserved", Map.of());
        reserved.getStatus().setState(ServerState.RESERVED);
        assertTrue(policy.whyNot(claim, reserved).orElseThrow().contains("Reserved"));

        Server on = server("on", Map.of());
        on.getStatus().setPowerState(ServerPowerState.ON);
        assertTrue(policy.whyNot(claim, on).orElseThrow().contains("powered On"));

        Server cordoned = server("cordoned", Map.of());
        cordoned.getSpec().setUnclaimable(true);
        assertTrue(policy.whyNot(claim, cordoned).orElseThrow().contains("cordoned"));

        Server undiscovered = server("new", Map.of());
        undiscovered.setStatus(null);
        assertFalse(policy.canServe(claim, undiscovered));
    }

    @Test
    void aServerClaimedByAnotherClaimIsNotACandidateButOneClaimedByThisOneIs() {
        ServerClaim claim = claim("c", null, null);
        claim.getMetadata().setUid("uid-of-this-claim");
        Server other = server("other", Map.of());
        other.getSpec().setServerClaimRef(new ObjectReference("ns", "someone-else"));
        String why = policy.whyNot(claim, other).orElseThrow();
        assertTrue(why.contains("bound to another claim"), why);
        assertFalse(why.contains("someone-else"), "never the name of another, perhaps another tenant's, claim: " + why);

        Server ours = server("ours", Map.of());
        ours.getSpec().setServerClaimRef(new ObjectReference("ns", "c"));
        assertTrue(policy.canServe(claim, ours));

        Server earlierIncarnation = server("old", Map.of());
        ObjectReference ref = new ObjectReference("ns", "c");
        ref.setUid("uid-of-a-deleted-claim");
        earlierIncarnation.getSpec().setServerClaimRef(ref);
        assertFalse(policy.canServe(claim, earlierIncarnation), "a claim of the same name but another uid is somebody else");
    }

    @Test
    void serverRefAndSelectorMustBothMatchWhenBothAreGiven() {
        ServerClaim byName = claim("c", "s1", null);
        assertTrue(policy.canServe(byName, server("s1", Map.of())));
        assertFalse(policy.canServe(byName, server("s2", Map.of())));

        ServerClaim both = claim("c", "s1", new LabelSelector(Map.of("rack", "7"), null));
        assertFalse(policy.canServe(both, server("s1", Map.of("rack", "8"))));
        assertTrue(policy.canServe(both, server("s1", Map.of("rack", "7"))));
    }

    @Test
    void matchExpressionsFollowKubernetesSemantics() {
        LabelSelector selector = new LabelSelector(Map.of("type", "gpu"), List.of(
                new LabelSelectorRequirement("zone", SelectorOperator.IN, List.of("a", "b")),
                new LabelSelectorRequirement("broken", SelectorOperator.DOES_NOT_EXIST, null),
                new LabelSelectorRequirement("tier", SelectorOperator.NOT_IN, List.of("test")),
                new LabelSelectorRequirement("owner", SelectorOperator.EXISTS, null)));
        ServerClaim claim = claim("c", null, selector);
        assertTrue(policy.canServe(claim, server("s", Map.of("type", "gpu", "zone", "a", "owner", "x"))));
        assertTrue(policy.canServe(claim, server("s", Map.of("type", "gpu", "zone", "b", "owner", "", "tier", "prod"))));
        assertFalse(policy.canServe(claim, server("s", Map.of("type", "gpu", "zone", "c", "owner", "x"))), "zone not in");
        assertFalse(policy.canServe(claim, server("s", Map.of("type", "gpu", "zone", "a", "owner", "x", "broken", "y"))));
        assertFalse(policy.canServe(claim, server("s", Map.of("type", "gpu", "zone", "a", "owner", "x", "tier", "test"))));
        assertFalse(policy.canServe(claim, server("s", Map.of("type", "gpu", "zone", "a"))), "owner must exist");
        assertFalse(policy.canServe(claim, server("s", Map.of("type", "cpu", "zone", "a", "owner", "x"))));
    }

    @Test
    void noBindTaintsMustBeToleratedAndEvictTaintsDoNotBlockBinding() {
        Server tainted = server("t", Map.of());
        tainted.getSpec().setTaints(List.of(new Taint("gpu", "a100", null)));
        ServerClaim plain = claim("c", null, null);
        assertTrue(policy.whyNot(plain, tainted).orElseThrow().contains("taint gpu=a100"));

        ServerClaim equal = claim("c", null, null);
        equal.getSpec().setTolerations(List.of(new Toleration("gpu", TolerationOperator.EQUAL, "a100", null)));
        assertTrue(policy.canServe(equal, tainted));

        ServerClaim wrongValue = claim("c", null, null);
        wrongValue.getSpec().setTolerations(List.of(new Toleration("gpu", TolerationOperator.EQUAL, "h100", null)));
        assertFalse(policy.canServe(wrongValue, tainted));

        ServerClaim exists = claim("c", null, null);
        exists.getSpec().setTolerations(List.of(new Toleration("gpu", TolerationOperator.EXISTS, null, TaintEffect.NO_BIND)));
        assertTrue(policy.canServe(exists, tainted));

        ServerClaim everything = claim("c", null, null);
        everything.getSpec().setTolerations(List.of(new Toleration(null, TolerationOperator.EXISTS, null, null)));
        assertTrue(policy.canServe(everything, tainted));

        Server evicting = server("e", Map.of());
        evicting.getSpec().setTaints(List.of(new Taint("maintenance", null, TaintEffect.EVICT)));
        assertTrue(policy.canServe(plain, evicting));
    }

    @Test
    void parallelClaimsSpreadOverTheCandidatesInsteadOfPilingOnTheFirst() {
        List<Server> servers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            servers.add(server("server-" + i, Map.of()));
        }
        Map<String, Integer> picks = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            ServerClaim claim = claim("claim-" + i, null, null);
            claim.getMetadata().setUid("uid-" + i);
            picks.merge(policy.choose(claim, servers).orElseThrow().getMetadata().getName(), 1, Integer::sum);
        }
        assertEquals(10, picks.size(), "every server is somebody's first choice: " + picks);
        picks.values().forEach(count -> assertTrue(count > 50 && count < 150, "roughly even: " + picks));
    }

    @Test
    void aClaimComesBackToTheSameServerWhileItIsFree() {
        List<Server> servers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            servers.add(server("server-" + i, Map.of()));
        }
        ServerClaim claim = claim("c", null, null);
        claim.getMetadata().setUid("8d2c");
        Server first = policy.choose(claim, servers).orElseThrow();
        List<Server> reversed = new ArrayList<>(servers);
        java.util.Collections.reverse(reversed);
        assertEquals(first, policy.choose(claim, reversed).orElseThrow(), "independent of list order");
        servers.removeIf(s -> !s.equals(first) && s.getMetadata().getName().endsWith("3"));
        assertEquals(first, policy.choose(claim, servers).orElseThrow(), "independent of other servers leaving");
        servers.remove(first);
        Optional<Server> second = policy.choose(claim, servers);
        assertTrue(second.isPresent() && !second.get().equals(first));
    }

    @Test
    void canServeJudgesAsWhyNotDoesForEveryMisfitAndTheirCombinations() {
        // canServe tests in its own order, without messages; it must never disagree with whyNot.
        LabelSelector rack = new LabelSelector();
        rack.setMatchLabels(Map.of("rack", "a"));
        List<ServerClaim> claims = new ArrayList<>();
        for (String named : new String[] { null, "s", "other" }) {
            for (LabelSelector selector : new LabelSelector[] { null, rack }) {
                ServerClaim claim = claim("c", named, selector);
                claim.getMetadata().setUid("uid-c");
                claims.add(claim);
                ServerClaim tolerant = claim("c", named, selector);
                tolerant.getSpec().setTolerations(List.of(new Toleration("maintenance", TolerationOperator.EXISTS, null, null)));
                claims.add(tolerant);
            }
        }
        int judged = 0;
        int servable = 0;
        for (int variant = 0; variant < 1 << 7; variant++) {
            Server server = server("s", (variant & 1) == 0 ? Map.of("rack", "a") : Map.of("rack", "b"));
            if ((variant & 2) != 0) {
                server.getStatus().setState(ServerState.RESERVED);
            }
            if ((variant & 4) != 0) {
                server.getStatus().setPowerState(ServerPowerState.ON);
            }
            if ((variant & 8) != 0) {
                server.getSpec().setUnclaimable(true);
            }
            if ((variant & 16) != 0) {
                server.getSpec().setTaints(List.of(new Taint("maintenance", null, TaintEffect.NO_BIND)));
            }
            if ((variant & 32) != 0) {
                ObjectReference ref = new ObjectReference("ns", (variant & 64) != 0 ? "c" : "someone-else");
                ref.setUid((variant & 64) != 0 ? "uid-c" : "uid-x");
                server.getSpec().setServerClaimRef(ref);
            }
            for (ServerClaim claim : claims) {
                boolean can = policy.canServe(claim, server);
                assertEquals(policy.whyNot(claim, server).isEmpty(), can, "variant " + variant + ": " + policy.whyNot(claim, server));
                judged++;
                servable += can ? 1 : 0;
            }
        }
        assertTrue(servable > 0 && servable < judged, servable + " of " + judged + " servable: both answers occur");
    }

    static Server server(String name, Map<String, String> labels) {
        Server server = new Server();
        server.setMetadata(new ObjectMetaBuilder().withName(name).withLabels(labels).build());
        ServerSpec spec = new ServerSpec();
        spec.setSystemUUID(name);
        server.setSpec(spec);
        ServerStatus status = new ServerStatus();
        status.setState(ServerState.AVAILABLE);
        status.setPowerState(ServerPowerState.OFF);
        server.setStatus(status);
        return server;
    }

    static ServerClaim claim(String name, String serverName, LabelSelector selector) {
        ServerClaim claim = ClaimFlowTest.claim("ns", name, serverName, null);
        claim.getSpec().setServerSelector(selector);
        return claim;
    }
}
