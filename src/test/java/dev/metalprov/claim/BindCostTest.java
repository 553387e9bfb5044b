package dev.metalprov.claim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.metalprov.api.v1alpha1.ClaimPhase;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.testing.TestCluster;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * What one bind costs the API server, request by request, as the mock server saw it: four writes
 * to metal.ironcore.dev objects (the server, the claim, its boot configuration, its status), one
 * Event, and no read of a server. The test's own requests carry a user agent of their own.
 */
@QuarkusTest
@WithKubernetesTestServer
class BindCostTest {

    private static final String TEST_AGENT = "bind-cost-test";

    @Inject
    KubernetesClient operatorClient;

    @KubernetesTestServer
    KubernetesServer mockServer;

    @Inject
    BindLedger ledger;

    @Inject
    ServerBinder binder;

    TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.cleanUp();
        }
    }

    @Test
    void aSelectorClaimBindsWithFourWritesOneEventAndNoServerRead() throws InterruptedException {
        KubernetesClient own = new KubernetesClientBuilder().withConfig(new ConfigBuilder(operatorClient.getConfiguration())
                .withUserAgent(TEST_AGENT).build()).build();
        cluster = new TestCluster(own);
        cluster.ignitionSecret("cost", "ignition");
        for (int i = 0; i < 3; i++) {
            cluster.create(cluster.server("cost-" + i, Map.of("pool", "cost")));
        }
        for (int i = 0; i < 3; i++) {
            cluster.awaitServer("cost-" + i, "to be Available",
                    s -> s.getStatus() != null && s.getStatus().getState() == ServerState.AVAILABLE);
        }
        // The list a process reads once at start is not part of a bind.
        ledger.seedOnce(binder::boundServers);
        drain();

        cluster.create(ClaimFlowTest.claim("cost", "c", null, Map.of("pool", "cost")));
        cluster.awaitClaim("cost", "c", "to be Bound",
                c -> c.getStatus() != null && c.getStatus().getPhase() == ClaimPhase.BOUND);

        List<String> writes = new ArrayList<>();
        List<String> serverReads = new ArrayList<>();
        List<String> events = new ArrayList<>();
        for (RecordedRequest request : drain()) {
            String path = request.getPath();
            String method = request.getMethod();
            boolean write = !"GET".equals(method);
            if (path.startsWith("/apis/metal.ironcore.dev/") && write && !path.matches(".*/servers/[^/]+/status.*")) {
                writes.add(method + " " + path.replaceAll("\\?.*", ""));
            }
            if (path.startsWith("/apis/metal.ironcore.dev/v1alpha1/servers") && !write && !path.contains("watch=true")) {
                serverReads.add(path);
            }
            if (path.contains("/events") && "POST".equals(method)) {
                events.add(path);
            }
        }
        assertEquals(4, writes.size(), "writes for the bind: " + writes);
        assertEquals(1, writes.stream().filter(w -> w.matches("PUT /apis/metal.ironcore.dev/v1alpha1/servers/cost-\\d")).count(),
                "one update binds the server: " + writes);
        assertEquals(1, writes.stream().filter(w -> w.endsWith("/namespaces/cost/serverclaims/c")).count(),
                "one update records finalizer and spec.serverRef: " + writes);
        assertEquals(1, writes.stream().filter(w -> w.startsWith("POST") && w.endsWith("/namespaces/cost/serverbootconfigurations")).count(),
                "one create of the boot configuration: " + writes);
        assertEquals(1, writes.stream().filter(w -> w.endsWith("/namespaces/cost/serverclaims/c/status")).count(),
                "one status write: " + writes);
        assertEquals(List.of(), serverReads, "servers come from the informer");
        assertEquals(List.of("/api/v1/namespaces/cost/events"), events, "one Event (the claim's ServerBound) on the way to Bound");
    }

    /** Every request the mock server received since the last call, except the test's own. */
    private List<RecordedRequest> drain() throws InterruptedException {
        List<RecordedRequest> operator = new ArrayList<>();
        RecordedRequest request;
        while ((request = mockServer.getKubernetesMockServer().takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
            String agent = request.getHeader("User-Agent");
            if (agent == null || !agent.contains(TEST_AGENT)) {
                operator.add(request);
            }
        }
        return operator;
    }
}
