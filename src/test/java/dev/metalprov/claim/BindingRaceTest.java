package dev.metalprov.claim;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerBootConfiguration;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Many claims (by selector, by name and best effort, in several namespaces) race for fewer
 * servers while some of them are deleted and created again. After every run: no server is bound
 * to two claims, no claim holds two servers, and every claim that could be served is Bound.
 */
@QuarkusTest
@WithKubernetesTestServer
class BindingRaceTest {

    private static final int RUNS = Integer.getInteger("race.runs", 8);
    private static final int SERVERS = 8;
    private static final int CLAIMS = 14;
    private static final List<String> NAMESPACES = List.of("race-a", "race-b", "race-c");

    @Inject
    KubernetesClient client;

    @Inject
    ClaimBindingPolicy policy;

    private final List<ServerClaim> live = new ArrayList<>();

    @AfterEach
    void tearDown() {
        deleteClaimsAndAwaitRelease();
        client.resources(Server.class).withLabel("race", "true").delete();
    }

    @Test
    void claimsRacingForFewerServersNeverShareOne() throws Exception {
        TestCluster cluster = new TestCluster(client);
        for (String ns : NAMESPACES) {
            client.resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withNamespace(ns)
                    .withName("ignition").endMetadata().withStringData(Map.of("ignition", "{}")).build()).createOr(r -> r.update());
        }
        for (int i = 0; i < SERVERS; i++) {
            client.resource(cluster.server("race-" + i, Map.of("race", "true", "pool", i % 2 == 0 ? "even" : "odd"))).create();
        }
        await("race servers Available").atMost(TestCluster.DEADLINE).until(() -> servers().stream()
                .filter(s -> s.getStatus() != null && s.getStatus().getState() == ServerState.AVAILABLE).count() == SERVERS);

        int bindsSeen = 0;
        for (int run = 0; run < RUNS; run++) {
            Random random = new Random(1000L + run);
            race(random, run);
            List<String> seen = new ArrayList<>();
            await("run " + run + " to settle").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                    .dontCatchUncaughtExceptions()
                    .until(() -> {
                        List<Server> servers = servers();
                        List<ServerClaim> claims = claims();
                        // Checked at every poll, not only at the end: a double binding that heals later still counts.
                        seen.addAll(BindingInvariants.violations(servers, claims, bootConfigurations()));
                        List<String> waiting = BindingInvariants.servableButUnbound(servers, claims, policy);
                        return waiting.isEmpty() && BindingInvariants.settled(servers, claims);
                    });
            List<Server> servers = servers();
            List<ServerClaim> claims = claims();
            seen.addAll(BindingInvariants.violations(servers, claims, bootConfigurations()));
            assertEquals(List.of(), seen, "run " + run);
            long bound = claims.stream().filter(BindingInvariants::isBound).count();
            assertTrue(bound > 0 && bound <= SERVERS, "run " + run + ": " + bound + " claims bound of " + claims.size());
            bindsSeen += (int) bound;
            deleteClaimsAndAwaitRelease();
        }
        assertTrue(bindsSeen >= RUNS * (SERVERS / 2), "claims were bound in every run: " + bindsSeen);
    }

    /** Creates the claims from several threads at once, deleting and recreating some meanwhile. */
    private void race(Random random, int run) throws Exception {
        List<ServerClaim> planned = new ArrayList<>();
        for (int i = 0; i < CLAIMS; i++) {
            String ns = NAMESPACES.get(random.nextInt(NAMESPACES.size()));
            String name = "r" + run + "-c" + i;
            ServerClaim claim = switch (random.nextInt(3)) {
                case 0 -> ClaimFlowTest.claim(ns, name, null, Map.of("race", "true", "pool", random.nextBoolean() ? "even" : "odd"));
                // By name, on a few hot servers, so that several claims want the same machine.
                case 1 -> ClaimFlowTest.claim(ns, name, "race-" + random.nextInt(3), null);
                default -> ClaimFlowTest.claim(ns, name, null, Map.of("race", "true"));
            };
            planned.add(claim);
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (ServerClaim claim : planned) {
                boolean churn = random.nextInt(4) == 0;
                work.add(pool.submit(() -> {
                    ServerClaim created = client.resource(claim).create();
                    if (churn) {
                        client.resource(created).delete();
                        await("churned claim gone").atMost(TestCluster.DEADLINE).dontCatchUncaughtExceptions()
                                .until(() -> client.resource(created).get() == null);
                        claim.getMetadata().setResourceVersion(null);
                        client.resource(claim).create();
                    }
                }));
            }
            for (Future<?> f : work) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        live.addAll(planned);
    }

    private void deleteClaimsAndAwaitRelease() {
        for (String ns : NAMESPACES) {
            client.resources(ServerClaim.class).inNamespace(ns).delete();
        }
        await("claims of the run gone and servers back").atMost(Duration.ofSeconds(120)).dontCatchUncaughtExceptions()
                .until(() -> claims().isEmpty() && servers().stream().allMatch(s -> s.getSpec().getServerClaimRef() == null
                        && s.getStatus() != null && s.getStatus().getState() == ServerState.AVAILABLE));
        live.clear();
    }

    private List<Server> servers() {
        return client.resources(Server.class).withLabel("race", "true").list().getItems();
    }

    private List<ServerBootConfiguration> bootConfigurations() {
        List<ServerBootConfiguration> boots = new ArrayList<>();
        NAMESPACES.forEach(ns -> boots.addAll(client.resources(ServerBootConfiguration.class).inNamespace(ns).list().getItems()));
        return boots;
    }

    private List<ServerClaim> claims() {
        List<ServerClaim> claims = new ArrayList<>();
        NAMESPACES.forEach(ns -> claims.addAll(client.resources(ServerClaim.class).inNamespace(ns).list().getItems()));
        return claims;
    }
}
