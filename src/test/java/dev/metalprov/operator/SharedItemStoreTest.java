package dev.metalprov.operator;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerSpec;
import dev.metalprov.bmc.BMCReconciler;
import dev.metalprov.claim.ClaimFlowTestAccess;
import dev.metalprov.claim.ClaimReleaseReconciler;
import dev.metalprov.claim.ServerClaimReconciler;
import dev.metalprov.server.ServerReconciler;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Every informer of the operator that holds an object at the same resourceVersion holds the same
 * instance: the controllers' caches of one kind cost one copy, not one each.
 */
@QuarkusTest
@WithKubernetesTestServer
class SharedItemStoreTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @Inject
    KubernetesClient client;

    @Inject
    Operator operator;

    @Test
    void theControllersCachesOfOneKindHoldOneInstance() {
        Server server = new Server();
        server.setMetadata(new ObjectMetaBuilder().withName("shared-cache-server").build());
        ServerSpec spec = new ServerSpec();
        spec.setSystemUUID("5c1e8e36-5a8f-4f67-9a52-0d6c9d2f7b11");
        server.setSpec(spec);
        client.resource(server).create();
        // Servers are watched by the server controller (its primary), the claim and the BMC controllers.
        oneInstanceEverywhere(Server.class, new ResourceID("shared-cache-server"), 3,
                ServerReconciler.NAME, ServerClaimReconciler.NAME, BMCReconciler.NAME);

        client.resource(ClaimFlowTestAccess.claim("shared-cache", "claim", "no-such-server")).create();
        // Claims: the claim controller's primary, the release controller's primary, the server controller's.
        oneInstanceEverywhere(ServerClaim.class, new ResourceID("claim", "shared-cache"), 3,
                ServerClaimReconciler.NAME, ClaimReleaseReconciler.NAME, ServerReconciler.NAME);
    }

    @Test
    void objectsShareOnlyAtTheSameUidAndResourceVersion() {
        Server first = server("a", "uid-1", "10");
        assertSame(first, SharedItemStore.shared(first));
        assertSame(first, SharedItemStore.shared(server("a", "uid-1", "10")), "a second reading of the same version");
        Server newer = server("a", "uid-1", "11");
        assertSame(newer, SharedItemStore.shared(newer), "a newer version is its own");
        assertSame(newer, SharedItemStore.shared(server("a", "uid-1", "11")), "and shared from then on");
        Server recreated = server("a", "uid-2", "11");
        assertNotSame(newer, SharedItemStore.shared(recreated), "another object of the same name and version is not");
        Server unsaved = server("b", null, null);
        assertSame(unsaved, SharedItemStore.shared(unsaved), "an object without uid is kept as it is");
        assertTrue(SharedItemStore.tracked() >= 2);
    }

    @Test
    void informersStoringTheSameVersionAtOnceKeepOneInstance() throws Exception {
        int informers = 8;
        for (int round = 0; round < 200; round++) {
            String uid = "race-" + round;
            var start = new CyclicBarrier(informers);
            var pool = Executors.newFixedThreadPool(informers);
            try {
                List<Future<Server>> kept = new ArrayList<>();
                for (int i = 0; i < informers; i++) {
                    Server copy = server("raced", uid, "1");
                    kept.add(pool.submit(() -> {
                        start.await();
                        return SharedItemStore.shared(copy);
                    }));
                }
                Server first = kept.get(0).get();
                for (var instance : kept) {
                    assertSame(first, instance.get(), "round " + round + ": one instance for every informer");
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * Waits until each named controller's caches of the kind hold the object as one instance. A
     * snapshot taken when the versions first agree is not enough: a controller's own cache answers
     * for a moment with the response to its last write, which is its own copy until the watch
     * delivers the same version. Without sharing the instances never become one, and this times out.
     */
    private void oneInstanceEverywhere(Class<? extends HasMetadata> kind, ResourceID id, int expected,
            String... controllers) {
        Awaitility.await("every cache holding " + id + " as one instance").atMost(DEADLINE)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> copies(kind, id, controllers), copies -> copies.size() == expected
                        && copies.stream().allMatch(copy -> copy == copies.get(0)));
    }

    private List<HasMetadata> copies(Class<? extends HasMetadata> kind, ResourceID id, String... controllers) {
        List<HasMetadata> copies = new ArrayList<>();
        for (String name : controllers) {
            Controller<?> controller = (Controller<?>) operator.getRegisteredController(name).orElseThrow();
            var sources = controller.getEventSourceManager();
            if (controller.getConfiguration().getResourceClass() == kind) {
                sources.getControllerEventSource().get(id).ifPresent(copies::add);
            } else {
                sources.getEventSourcesFor(kind).stream().filter(InformerEventSource.class::isInstance)
                        .forEach(source -> ((InformerEventSource<?, ?>) source).get(id).ifPresent(copies::add));
            }
        }
        return copies;
    }

    private static Server server(String name, String uid, String version) {
        Server server = new Server();
        server.setMetadata(new ObjectMetaBuilder().withName(name).withUid(uid).withResourceVersion(version)
                .withLabels(Map.of()).build());
        return server;
    }
}
