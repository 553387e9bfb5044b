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
import dev.metalprov.api.v1alpha1.Metal;
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
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

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
    record Run(Shape shape, int concurrency, double seconds, int claims, BenchApiServer.Reading before,
            BenchApiServer.Reading after) {
        double claimsPerSecond() {
            return claims / seconds;
        }

        double writeLatency(double p) {
            return BenchApiServer.writeLatency(before, after, p);
        }

        /** The API server's CPU (all its work, for every client) per claim while the run lasted, in ms. */
        double apiServerCpuPerClaimMillis() {
            return (after.cpuSeconds() - before.cpuSeconds()) * 1000 / claims;
        }
    }

    private BenchBound() {
    }

    /**
     * What the bound's objects look like. MINIMAL: a Server with its UUID and state only, a claim
     * with no selector, a status with the phase only. FLEET: the objects as the operator meets and
     * writes them in the benchmark's fleet: a discovered Server (its BMC, system, inventory and two
     * conditions), a claim that selects by label, and the bind's writes with what the operator puts
     * in them (the claim's label and boot configuration reference on the Server, the claim's
     * finalizer, the boot configuration's owner, the claim's four conditions). FLEET_WATCHED: FLEET
     * objects, while the bound's client watches each of the three kinds once, with an informer as
     * an operator's (claims and boot configurations in every namespace, Servers): what any operator
     * of this API would pay at the least, with no logic and no Event.
     */
    enum Shape {
        MINIMAL, FLEET, FLEET_WATCHED;

        boolean fleet() {
            return this != MINIMAL;
        }
    }

    /** The parts of a FLEET-shaped object that MINIMAL leaves out. */
    static final class FleetShape {
        private FleetShape() {
        }

        static void server(Server server) {
            server.getMetadata().getLabels().put("bench", server.getMetadata().getLabels().get("bench-bound"));
            ServerSpec spec = server.getSpec();
            spec.setSystemURI("/redfish/v1/Systems/1");
            spec.setBmcRef(new LocalObjectReference(server.getMetadata().getName() + "-bmc"));
            spec.setReclaimPolicy(dev.metalprov.api.v1alpha1.ReclaimPolicy.RECYCLE);
            spec.setUnclaimable(false);
        }

        static void discovered(ServerStatus status) {
            Instant now = Instant.now();
            status.setPowerState(dev.metalprov.api.v1alpha1.ServerPowerState.OFF);
            status.setManufacturer("Contoso");
            status.setModel("Fleet 1U");
            status.setSerialNumber("FLT0000000");
            status.setTotalSystemMemory(new io.fabric8.kubernetes.api.model.Quantity("64Gi"));
            status.setObservedGeneration(1L);
            status.setConditions(List.of(
                    condition("Ready", "True", "Operational", "the BMC answers and the server is Available", now),
                    condition("BMCReachable", "True", "Connected", "the BMC answers", now)));
        }

        static void selecting(ServerClaim claim, String namespace) {
            claim.getSpec().setServerSelector(new dev.metalprov.api.v1alpha1.LabelSelector(Map.of("bench", namespace), null));
        }

        static void bound(Server server, ServerClaim claim) {
            server.getMetadata().getLabels().put(Metal.CLAIM_UID_LABEL, claim.getMetadata().getUid());
            ObjectReference boot = new ObjectReference(claim.getMetadata().getNamespace(), claim.getMetadata().getName());
            boot.setApiVersion(Metal.API_VERSION);
            boot.setKind("ServerBootConfiguration");
            server.getSpec().setBootConfigurationRef(boot);
        }

        static void ownedBy(ServerBootConfiguration boot, ServerClaim claim) {
            boot.getMetadata().setOwnerReferences(List.of(new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
                    .withApiVersion(Metal.API_VERSION).withKind("ServerClaim")
                    .withName(claim.getMetadata().getName()).withUid(claim.getMetadata().getUid())
                    .withController(true).withBlockOwnerDeletion(true).build()));
        }

        static void boundStatus(ServerClaimStatus status, Server server) {
            Instant now = Instant.now();
            status.setObservedGeneration(2L);
            status.setConditions(List.of(
                    condition("Bound", "True", "ServerBound", "bound to server " + server.getMetadata().getName(), now),
                    condition("BootConfigurationReady", "False", "WaitingForBootService",
                            "waiting for the boot service to mark the boot configuration Ready", now),
                    condition("PowerStateReached", "False", "WaitingForBootConfiguration",
                            "the server is powered only once its boot configuration is Ready", now),
                    condition("Ready", "False", "WaitingForBootService",
                            "waiting for the boot service to mark the boot configuration Ready", now)));
        }

        private static io.fabric8.kubernetes.api.model.Condition condition(String type, String status, String reason,
                String message, Instant now) {
            return new io.fabric8.kubernetes.api.model.ConditionBuilder().withType(type).withStatus(status)
                    .withReason(reason).withMessage(message).withObservedGeneration(1L)
                    .withLastTransitionTime(now.toString()).build();
        }
    }

    /** A client of its own, with a user agent that names it, on daemon threads. */
    static KubernetesClient client(KubernetesClient admin, io.vertx.core.Vertx vertx) {
        Config config = new ConfigBuilder(admin.getConfiguration()).withUserAgent("metal-benchmark-bound")
                .withRequestTimeout(60_000).withMaxConcurrentRequests(1024).withMaxConcurrentRequestsPerHost(1024).build();
        return new KubernetesClientBuilder().withConfig(config)
                .withHttpClientFactory(new io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory(vertx)).build();
    }

    /**
     * Binds {@code size} claims at each level of concurrency, each level on fresh objects in a
     * namespace of its own, whose name starts with {@code name}.
     */
    static List<Run> measure(ControlPlane plane, KubernetesClient client, String name, int size, List<Shape> shapes,
            List<Integer> levels, Duration deadline) throws Exception {
        List<Run> runs = new ArrayList<>();
        for (Shape shape : shapes) {
            for (int concurrency : levels) {
                String tag = name + "-" + size + "-" + shape.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "-c" + concurrency;
                try {
                    List<Server> servers = prepare(client, tag, size, concurrency, deadline, shape);
                    runs.add(bind(plane, client, tag, servers, concurrency, deadline, shape));
                } finally {
                    remove(plane, client, tag);
                }
            }
        }
        return runs;
    }

    /** Creates the Servers, Available, and the claims' namespace: not part of the timing. */
    private static List<Server> prepare(KubernetesClient client, String tag, int size, int concurrency, Duration deadline,
            Shape shape) throws Exception {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(tag).endMetadata().build()).create();
        List<Server> servers = java.util.Collections.synchronizedList(new ArrayList<>());
        parallel(size, concurrency, deadline, i -> {
            Server server = new Server();
            server.setMetadata(new ObjectMetaBuilder().withName(tag + "-" + i).withLabels(Map.of("bench-bound", tag)).build());
            ServerSpec spec = new ServerSpec();
            spec.setSystemUUID(java.util.UUID.randomUUID().toString());
            server.setSpec(spec);
            if (shape.fleet()) {
                FleetShape.server(server);
            }
            Server created = client.resource(server).create();
            ServerStatus status = new ServerStatus();
            status.setState(ServerState.AVAILABLE);
            if (shape.fleet()) {
                FleetShape.discovered(status);
            }
            created.setStatus(status);
            servers.add(client.resource(created).updateStatus());
        });
        servers.sort(java.util.Comparator.comparing(s -> s.getMetadata().getName()));
        return servers;
    }

    private static Run bind(ControlPlane plane, KubernetesClient client, String tag, List<Server> servers, int concurrency,
            Duration deadline, Shape shape) throws Exception {
        List<SharedIndexInformer<?>> watches = shape == Shape.FLEET_WATCHED
                ? watchEachKind(client, deadline)
                : List.of();
        try {
            BenchApiServer.Reading before = BenchApiServer.read(plane.admin());
            Instant start = Instant.now();
            parallel(servers.size(), concurrency, deadline, i -> bindOne(client, tag, servers.get(i), "claim-" + i, shape));
            double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
            return new Run(shape, concurrency, seconds, servers.size(), before, BenchApiServer.read(plane.admin()));
        } finally {
            watches.forEach(SharedIndexInformer::stop);
        }
    }

    /** One informer per kind a bind writes, started and synced before the timing, as an operator's would be. */
    private static List<SharedIndexInformer<?>> watchEachKind(KubernetesClient client,
            Duration deadline) throws Exception {
        List<SharedIndexInformer<?>> informers = List.of(
                client.resources(Server.class).runnableInformer(0),
                client.resources(ServerClaim.class).inAnyNamespace().runnableInformer(0),
                client.resources(ServerBootConfiguration.class).inAnyNamespace().runnableInformer(0));
        try {
            for (var informer : informers) {
                informer.start().toCompletableFuture().get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            informers.forEach(SharedIndexInformer::stop);
            throw e;
        }
        return informers;
    }

    private static void bindOne(KubernetesClient client, String namespace, Server server, String name, Shape shape) {
        ServerClaim claim = new ServerClaim();
        claim.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        ServerClaimSpec spec = new ServerClaimSpec();
        spec.setPower(Power.ON);
        spec.setImage("my-osimage:latest");
        spec.setIgnitionSecretRef(new LocalObjectReference("ignition"));
        claim.setSpec(spec);
        if (shape.fleet()) {
            FleetShape.selecting(claim, namespace);
        }
        ServerClaim created = client.resource(claim).create();

        ObjectReference claimRef = new ObjectReference(namespace, name);
        claimRef.setApiVersion(Metal.API_VERSION);
        claimRef.setKind("ServerClaim");
        claimRef.setUid(created.getMetadata().getUid());
        server.getSpec().setServerClaimRef(claimRef);
        if (shape.fleet()) {
            FleetShape.bound(server, created);
        }
        client.resource(server).update();

        created.getSpec().setServerRef(new LocalObjectReference(server.getMetadata().getName()));
        if (shape.fleet()) {
            created.getMetadata().setFinalizers(List.of(Metal.SERVER_CLAIM_FINALIZER));
        }
        client.resource(created).update();

        ServerBootConfiguration boot = new ServerBootConfiguration();
        boot.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        ServerBootConfigurationSpec bootSpec = new ServerBootConfigurationSpec();
        bootSpec.setServerRef(new LocalObjectReference(server.getMetadata().getName()));
        bootSpec.setImage(spec.getImage());
        bootSpec.setIgnitionSecretRef(spec.getIgnitionSecretRef());
        boot.setSpec(bootSpec);
        if (shape.fleet()) {
            FleetShape.ownedBy(boot, created);
        }
        client.resource(boot).create();

        ServerClaim bound = new ServerClaim();
        bound.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        ServerClaimStatus status = new ServerClaimStatus();
        status.setPhase(ClaimPhase.BOUND);
        if (shape.fleet()) {
            FleetShape.boundStatus(status, server);
        }
        bound.setStatus(status);
        client.resources(ServerClaim.class).inNamespace(namespace).withName(name).subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), bound);
    }

    /** Deletes what one level made and waits until it is gone, so that the operator never sees it. */
    private static void remove(ControlPlane plane, KubernetesClient client, String tag) {
        // No operator runs to let go of FLEET-shaped claims: their finalizer is taken off here.
        client.resources(ServerClaim.class).inNamespace(tag).list().getItems().stream()
                .filter(claim -> claim.getMetadata().getFinalizers() != null && !claim.getMetadata().getFinalizers().isEmpty())
                .forEach(claim -> client.resources(ServerClaim.class).inNamespace(tag).withName(claim.getMetadata().getName())
                        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"finalizers\":null}}"));
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
