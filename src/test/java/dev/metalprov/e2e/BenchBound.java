package dev.metalprov.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.metalprov.api.v1alpha1.ClaimPhase;
import dev.metalprov.api.v1alpha1.LocalObjectReference;
import dev.metalprov.api.v1alpha1.ObjectReference;
import dev.metalprov.api.v1alpha1.Power;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerBootConfiguration;
import dev.metalprov.api.v1alpha1.ServerBootConfigurationSpec;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerClaimSpec;
import dev.metalprov.api.v1alpha1.ServerClaimStatus;
import dev.metalprov.api.v1alpha1.ServerSpec;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.api.v1alpha1.ServerStatus;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * The API server's own limit for binding on this machine: a client with no logic makes exactly the
 * writes a bind needs, for N claims, as fast as the API server takes them. Per claim: the claim is
 * created (the operator's timing starts at the first creation too, so both include it), the
 * Server's {@code spec.serverClaimRef} set (update), the claim's {@code spec.serverRef} set
 * (update), the ServerBootConfiguration created, and the claim's status patched to Bound. Claims
 * are worked on by {@code concurrency} threads at once, each claim's writes in order.
 *
 * <p>It runs while the operator is stopped, on Servers of its own that it creates Available
 * (created and deleted outside the timing), so the two never see each other's objects.
 */
final class BenchBound {

    /** Writes per claim that the timing covers: the claim's creation and the four of the bind. */
    static final int WRITES_PER_CLAIM = 5;

    /** One level of concurrency at one size. */
    record Run(int concurrency, double seconds, int claims, BenchApiServer.Reading before, BenchApiServer.Reading after) {
        double claimsPerSecond() {
            return claims / seconds;
        }

        double writeLatency(double p) {
            return BenchApiServer.writeLatency(before, after, p);
        }
    }

    private BenchBound() {
    }

    /** A client of its own, with a user agent that names it, on daemon threads. */
    static KubernetesClient client(KubernetesClient admin, io.vertx.core.Vertx vertx) {
        Config config = new ConfigBuilder(admin.getConfiguration()).withUserAgent("metal-benchmark-bound")
                .withRequestTimeout(60_000).withMaxConcurrentRequests(1024).withMaxConcurrentRequestsPerHost(1024).build();
        return new KubernetesClientBuilder().withConfig(config)
                .withHttpClientFactory(new io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory(vertx)).build();
    }

    /** Binds {@code size} claims at each level of concurrency, each level on fresh objects. */
    static List<Run> measure(ControlPlane plane, KubernetesClient client, int size, List<Integer> levels, Duration deadline)
            throws Exception {
        List<Run> runs = new ArrayList<>();
        for (int concurrency : levels) {
            String tag = "bound-" + size + "-c" + concurrency;
            try {
                List<Server> servers = prepare(client, tag, size, concurrency, deadline);
                runs.add(bind(plane, client, tag, servers, concurrency, deadline));
            } finally {
                remove(plane, client, tag);
            }
        }
        return runs;
    }

    /** Creates the Servers, Available, and the claims' namespace: not part of the timing. */
    private static List<Server> prepare(KubernetesClient client, String tag, int size, int concurrency, Duration deadline)
            throws Exception {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(tag).endMetadata().build()).create();
        List<Server> servers = java.util.Collections.synchronizedList(new ArrayList<>());
        parallel(size, concurrency, deadline, i -> {
            Server server = new Server();
            server.setMetadata(new ObjectMetaBuilder().withName(tag + "-" + i).withLabels(Map.of("bench-bound", tag)).build());
            ServerSpec spec = new ServerSpec();
            spec.setSystemUUID(java.util.UUID.randomUUID().toString());
            server.setSpec(spec);
            Server created = client.resource(server).create();
            ServerStatus status = new ServerStatus();
            status.setState(ServerState.AVAILABLE);
            created.setStatus(status);
            servers.add(client.resource(created).updateStatus());
        });
        servers.sort(java.util.Comparator.comparing(s -> s.getMetadata().getName()));
        return servers;
    }

    private static Run bind(ControlPlane plane, KubernetesClient client, String tag, List<Server> servers, int concurrency,
            Duration deadline) throws Exception {
        BenchApiServer.Reading before = BenchApiServer.read(plane.admin());
        Instant start = Instant.now();
        parallel(servers.size(), concurrency, deadline, i -> bindOne(client, tag, servers.get(i), "claim-" + i));
        double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
        return new Run(concurrency, seconds, servers.size(), before, BenchApiServer.read(plane.admin()));
    }

    private static void bindOne(KubernetesClient client, String namespace, Server server, String name) {
        ServerClaim claim = new ServerClaim();
        claim.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        ServerClaimSpec spec = new ServerClaimSpec();
        spec.setPower(Power.ON);
        spec.setImage("my-osimage:latest");
        spec.setIgnitionSecretRef(new LocalObjectReference("ignition"));
        claim.setSpec(spec);
        ServerClaim created = client.resource(claim).create();

        ObjectReference claimRef = new ObjectReference(namespace, name);
        claimRef.setApiVersion("metal.ironcore.dev/v1alpha1");
        claimRef.setKind("ServerClaim");
        claimRef.setUid(created.getMetadata().getUid());
        server.getSpec().setServerClaimRef(claimRef);
        client.resource(server).update();

        created.getSpec().setServerRef(new LocalObjectReference(server.getMetadata().getName()));
        client.resource(created).update();

        ServerBootConfiguration boot = new ServerBootConfiguration();
        boot.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        ServerBootConfigurationSpec bootSpec = new ServerBootConfigurationSpec();
        bootSpec.setServerRef(new LocalObjectReference(server.getMetadata().getName()));
        bootSpec.setImage(spec.getImage());
        bootSpec.setIgnitionSecretRef(spec.getIgnitionSecretRef());
        boot.setSpec(bootSpec);
        client.resource(boot).create();

        ServerClaim bound = new ServerClaim();
        bound.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        ServerClaimStatus status = new ServerClaimStatus();
        status.setPhase(ClaimPhase.BOUND);
        bound.setStatus(status);
        client.resources(ServerClaim.class).inNamespace(namespace).withName(name).subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), bound);
    }

    /** Deletes what one level made and waits until it is gone, so that the operator never sees it. */
    private static void remove(ControlPlane plane, KubernetesClient client, String tag) {
        plane.kubectl("delete", "namespace", tag, "--wait=false", "--ignore-not-found").orFail("deleting " + tag);
        plane.deleteCollection("servers", "bench-bound=" + tag);
        org.awaitility.Awaitility.await("the objects of " + tag + " to be deleted").atMost(Duration.ofMinutes(10))
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> client.resources(Server.class).withLabel("bench-bound", tag).list().getItems().isEmpty()
                        && client.namespaces().withName(tag).get() == null);
    }

    /** Runs {@code task(0..count-1)} on {@code threads} threads; the first failure fails the whole. */
    private static void parallel(int count, int threads, Duration deadline, java.util.function.IntConsumer task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread thread = new Thread(r, "benchmark-bound");
            thread.setDaemon(true);
            return thread;
        });
        try {
            AtomicInteger next = new AtomicInteger();
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        task.accept(i);
                    }
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
