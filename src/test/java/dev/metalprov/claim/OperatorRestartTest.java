package dev.metalprov.claim;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerBootConfiguration;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.server.ServerReconciler;
import dev.metalprov.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The operator is stopped and a new one started inside the test, with fresh informers and
 * caches, as after a crash or a rollout. It finds the bindings it had made (even one whose claim
 * never learnt about it) and binds nothing twice.
 */
@QuarkusTest
@WithKubernetesTestServer
@TestProfile(OperatorRestartTest.KeepClientOnStop.class)
class OperatorRestartTest {

    /** Stopping the operator must not close the client the test and the next operator share. */
    public static class KeepClientOnStop implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.operator-sdk.close-client-on-stop", "false");
        }
    }

    @Inject
    KubernetesClient client;

    @Inject
    Operator operator;

    @Inject
    ServerClaimReconciler claimReconciler;

    @Inject
    ServerReconciler serverReconciler;

    @Inject
    ClaimReleaseReconciler releaseReconciler;

    @Inject
    BindLedger ledger;

    @Inject
    ClaimBindingPolicy policy;

    TestCluster cluster;
    /** The operator running now: the one Quarkus started, or the one a previous test restarted. */
    static Operator running;

    @BeforeEach
    void setUp() {
        cluster = new TestCluster(client);
        if (running == null) {
            running = operator;
        }
        cluster.ignitionSecret("restart", "ignition");
        for (int i = 0; i < 4; i++) {
            cluster.create(cluster.server("restart-" + i, Map.of("restart", "true")));
        }
        for (int i = 0; i < 4; i++) {
            cluster.awaitServer("restart-" + i, "to be Available",
                    s -> s.getStatus() != null && s.getStatus().getState() == ServerState.AVAILABLE);
        }
    }

    @AfterEach
    void tearDown() {
        cluster.cleanUp();
    }

    @Test
    void aBindingWrittenJustBeforeACrashIsFoundAgainAfterRestart() {
        running.stop();
        ServerClaim claim = cluster.create(ClaimFlowTest.claim("restart", "crashed", null, Map.of("restart", "true")));
        // What the previous operator wrote right before it died: the binding on a server, nothing else.
        // Not the server the policy would pick now, so that only finding the binding explains the result.
        String preferred = policy.choose(claim, servers()).orElseThrow().getMetadata().getName();
        String held = preferred.equals("restart-2") ? "restart-1" : "restart-2";
        TestCluster.edit(client.resources(Server.class).withName(held), server -> {
            server.getSpec().setServerClaimRef(ServerBinder.claimRef(claim));
            server.getSpec().setBootConfigurationRef(ServerBinder.bootConfigurationRef(claim));
            Map<String, String> labels = new HashMap<>(server.getMetadata().getLabels());
            labels.put(Metal.CLAIM_UID_LABEL, claim.getMetadata().getUid());
            server.getMetadata().setLabels(labels);
            return server;
        });

        restart();

        ServerClaim bound = cluster.awaitClaim("restart", "crashed", "to be Bound after the restart",
                c -> BindingInvariants.isBound(c) && c.getSpec().getServerRef() != null);
        assertEquals(held, bound.getSpec().getServerRef().getName(), "the claim keeps the server it had");
        ServerBootConfiguration sbc = cluster.awaitBootConfiguration("restart", "crashed", "to be created",
                b -> b != null);
        assertEquals(held, sbc.getSpec().getServerRef().getName());
        List<Server> holding = client.resources(Server.class).withLabel("restart", "true").list().getItems().stream()
                .filter(s -> ClaimBindingPolicy.refersTo(s.getSpec().getServerClaimRef(), bound)).toList();
        assertEquals(1, holding.size(), "exactly one server refers to the claim: " + holding);
    }

    @Test
    void restartingWhileClaimsBindLeavesEveryBindingSingle() {
        List<ServerClaim> claims = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            claims.add(cluster.create(ClaimFlowTest.claim("restart", "busy-" + i, null, Map.of("restart", "true"))));
        }
        await("a first claim to bind").atMost(TestCluster.DEADLINE).dontCatchUncaughtExceptions()
                .until(() -> claims().stream().anyMatch(BindingInvariants::isBound));
        running.stop();
        restart();

        List<String> seen = new ArrayList<>();
        await("all four servers to be held once").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .dontCatchUncaughtExceptions()
                .until(() -> {
                    List<Server> servers = servers();
                    List<ServerClaim> current = claims();
                    seen.addAll(BindingInvariants.violations(servers, current, List.of()));
                    return BindingInvariants.servableButUnbound(servers, current, policy).isEmpty()
                            && BindingInvariants.settled(servers, current)
                            && current.stream().filter(BindingInvariants::isBound).count() == 4;
                });
        assertEquals(List.of(), seen);
        assertEquals(2, claims().stream().filter(c -> !BindingInvariants.isBound(c)).count(), "six claims, four servers");
    }

    private void restart() {
        Operator fresh = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false)
                .withUseSSAToPatchPrimaryResource(false));
        // A new process: nothing in the ledger, and the binds on the API server still to be read.
        ledger.clear();
        fresh.register(claimReconciler);
        fresh.register(releaseReconciler);
        fresh.register(serverReconciler);
        fresh.start();
        running = fresh;
        assertNotNull(running.getRegisteredController(ServerClaimReconciler.NAME).orElse(null));
    }

    private List<Server> servers() {
        return client.resources(Server.class).withLabel("restart", "true").list().getItems();
    }

    private List<ServerClaim> claims() {
        return client.resources(ServerClaim.class).inNamespace("restart").list().getItems();
    }
}
