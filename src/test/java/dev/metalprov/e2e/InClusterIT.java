package dev.metalprov.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.metalprov.api.v1alpha1.BootConfigurationState;
import dev.metalprov.api.v1alpha1.ClaimPhase;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerBootConfiguration;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.api.v1alpha1.ServerState;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * The operator as a container in a one-node cluster ({@link InCluster}), installed with
 * deploy/overlays/builtin-boot: the shipped two replicas turn Ready through the probes of the
 * shipped Deployment, run as their ServiceAccount with exactly the RBAC of the overlay, one of them
 * takes the Lease from inside its pod, and the leader serves the upstream documentation's claim by
 * name to powered On against sushy-tools, reached from the pod at the pod network's gateway; the
 * machine then fetches its iPXE script from the pod's boot server. Last, the standby is Ready too,
 * the PodDisruptionBudget lets a drain evict one replica and refuses the second, and the standby
 * takes over from an evicted leader, and some replica leads again after the leader's JVM is killed.
 */
@ExtendWith(InCluster.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InClusterIT {

    private static final String LEASE = InCluster.LEASE;

    private static InCluster.Cluster cluster;
    private static KubernetesClient admin;

    @BeforeAll
    static void cluster(InCluster.Cluster started) {
        cluster = started;
        admin = started.plane.admin();
        InCluster.installOverlay(started);
    }

    @Test
    void theShippedReplicasAreReadyThroughTheirProbes() {
        List<Pod> pods = cluster.operatorPods();
        assertEquals(InCluster.SHIPPED_REPLICAS, pods.size(), "the shipped Deployment's replicas");
        assertEquals(InCluster.SHIPPED_REPLICAS, admin.apps().deployments().inNamespace(InCluster.NAMESPACE).withName("metal-operator")
                .get().getSpec().getReplicas());
        for (Pod pod : pods) {
            assertEquals(ControlPlane.NODE_NAME, pod.getSpec().getNodeName());
            assertEquals("Running", pod.getStatus().getPhase());
            Container container = pod.getSpec().getContainers().get(0);
            assertEquals(cluster.image, container.getImage());
            assertEquals("/q/health/started", container.getStartupProbe().getHttpGet().getPath());
            assertEquals("/q/health/live", container.getLivenessProbe().getHttpGet().getPath());
            assertEquals("/q/health/ready", container.getReadinessProbe().getHttpGet().getPath());
            assertTrue(container.getSecurityContext().getReadOnlyRootFilesystem());
            assertTrue(pod.getSpec().getSecurityContext().getRunAsNonRoot());
            var status = pod.getStatus().getContainerStatuses().get(0);
            assertTrue(status.getReady(), pod.getMetadata().getName());
            assertEquals(0, status.getRestartCount(), pod.getMetadata().getName() + " restarted; see "
                    + cluster.work.resolve("node/pod-logs"));
            // The kubelet found the image's user (185) non-root, as runAsNonRoot asks.
            assertNotNull(status.getState().getRunning());
        }
    }

    @Test
    void itRunsAsItsServiceAccountWithExactlyTheShippedRbac() throws Exception {
        for (Pod pod : cluster.operatorPods()) {
            assertEquals(OperatorProcess.SERVICE_ACCOUNT, pod.getSpec().getServiceAccountName());
        }
        String rendered = cluster.plane.kubectl("kustomize", "deploy/overlays/builtin-boot").orFail("rendering the overlay").out();
        List<HasMetadata> shipped = admin.load(new ByteArrayInputStream(rendered.getBytes(StandardCharsets.UTF_8))).items();

        Map<String, Object> shippedRules = new TreeMap<>();
        Map<String, Object> clusterRules = new TreeMap<>();
        for (HasMetadata object : shipped) {
            String key = object.getKind() + "/" + object.getMetadata().getName();
            if (object instanceof ClusterRole role) {
                shippedRules.put(key, role.getRules());
                clusterRules.put(key, admin.rbac().clusterRoles().withName(role.getMetadata().getName()).get().getRules());
            } else if (object instanceof Role role) {
                shippedRules.put(key, role.getRules());
                clusterRules.put(key, admin.rbac().roles().inNamespace(role.getMetadata().getNamespace())
                        .withName(role.getMetadata().getName()).get().getRules());
            }
        }
        assertFalse(shippedRules.isEmpty());
        assertEquals(shippedRules, clusterRules);

        // Bound to the ServiceAccount: exactly the shipped bindings, nothing else.
        Set<String> shippedBindings = shipped.stream().filter(o -> o instanceof ClusterRoleBinding || o instanceof RoleBinding)
                .map(o -> o.getKind() + "/" + o.getMetadata().getName()).collect(Collectors.toCollection(TreeSet::new));
        Set<String> bindings = new TreeSet<>();
        admin.rbac().clusterRoleBindings().list().getItems().stream().filter(b -> bindsTheOperator(b.getSubjects()))
                .forEach(b -> bindings.add("ClusterRoleBinding/" + b.getMetadata().getName()));
        admin.rbac().roleBindings().inAnyNamespace().list().getItems().stream().filter(b -> bindsTheOperator(b.getSubjects()))
                .forEach(b -> bindings.add("RoleBinding/" + b.getMetadata().getName()));
        assertEquals(shippedBindings, bindings);
    }

    private static boolean bindsTheOperator(List<Subject> subjects) {
        return subjects != null && subjects.stream().anyMatch(s -> "ServiceAccount".equals(s.getKind())
                && OperatorProcess.SERVICE_ACCOUNT.equals(s.getName()) && InCluster.NAMESPACE.equals(s.getNamespace()));
    }

    @Test
    void oneReplicaTakesTheLeaseFromInsideItsPod() {
        Set<String> pods = cluster.operatorPods().stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
        Lease lease = SeedFlowIT.await("the Lease metal-operator-leader to be held by one of the pods " + pods,
                () -> admin.leases().inNamespace(InCluster.NAMESPACE).withName(LEASE).get(),
                l -> l != null && pods.contains(Leases.holder(l)));
        String holder = Leases.holder(lease);
        ZonedDateTime renewed = lease.getSpec().getRenewTime();
        SeedFlowIT.await("the leader to renew its Lease",
                () -> admin.leases().inNamespace(InCluster.NAMESPACE).withName(LEASE).get(),
                l -> l.getSpec().getRenewTime().isAfter(renewed) && holder.equals(Leases.holder(l)));
    }

    @Test
    void theClaimByNameIsPoweredOnAgainstSushyTools() throws Exception {
        String gateway = cluster.network.gateway();
        String servers = Files.readString(Path.of("deploy", "samples", "servers.yaml"))
                .replace("port: 8000", "port: " + cluster.seedRack.port()).replace("address: 127.0.0.1", "address: " + gateway);
        Yaml.apply(cluster.plane, Yaml.bmcSecret("my-bmc-secret"), servers);
        cluster.plane.kubectl("apply", "-f", "deploy/samples/ignition-secret.yaml").orFail("applying the Ignition Secret");
        SeedFlowIT.await("my-server to be Available", () -> server("my-server"),
                s -> s != null && s.getStatus() != null && s.getStatus().getState() == ServerState.AVAILABLE);

        cluster.plane.kubectl("apply", "-f", "deploy/samples/serverclaim-by-name.yaml").orFail("applying the seed claim");
        SeedFlowIT.await("the claim to be Bound", () -> admin.resources(ServerClaim.class).inNamespace("default")
                .withName("my-server-claim").get(), c -> c != null && c.getStatus() != null && c.getStatus().getPhase() == ClaimPhase.BOUND);
        SeedFlowIT.await("its boot configuration to be made Ready by the boot service in the pod",
                () -> admin.resources(ServerBootConfiguration.class).inNamespace("default").withName("my-server-claim").get(),
                c -> c != null && c.getStatus() != null && c.getStatus().getState() == BootConfigurationState.READY);
        String uuid = EndToEnd.SEED_RACK.get(0).uuid();
        SeedFlowIT.await("sushy-tools to report my-server On", () -> cluster.seedRack.system(uuid).path("PowerState").asText(),
                "On"::equals);
        SeedFlowIT.await("my-server's status to show On", () -> server("my-server"),
                s -> s.getStatus().getPowerState() == ServerPowerState.ON);

        // The machine fetches its iPXE script from the boot server in the leader's pod, at the pod's address.
        String podIp = cluster.leaderPod().getStatus().getPodIP();
        HttpResponse<String> script = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + podIp + ":8082/ipxe/" + uuid)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, script.statusCode(), script.body());
        assertTrue(script.body().startsWith("#!ipxe\n"), script.body());
        assertTrue(script.body().contains("http://metal-operator-boot.metal-system.svc:8082/"), script.body());
        Objects.requireNonNull(server("my-server").getSpec().getServerClaimRef());
        System.out.printf("in-cluster: the operator's pods resident after the seed flow (MiB): %s%n", InCluster.residentByPod(cluster));
    }

    private static Server server(String name) {
        return admin.resources(Server.class).withName(name).get();
    }

    /**
     * The shipped two replicas: both pods are Ready (a standby runs its informers and has synced
     * them, it only does not process events), so a rollout with the Deployment's default strategy
     * never leaves the operator without a replica ready to lead. The PodDisruptionBudget lets a
     * drain evict one of them and refuses the other meanwhile. The leader's pod is evicted (a
     * graceful stop, as in a drain), and later the new leader's JVM is killed with SIGKILL: the
     * figures are printed for docs/benchmarks.md, none is asserted against a time. Runs last: it
     * leaves one replica restarted.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void theStandbyIsReadyAndTakesOverFromAnEvictedOrKilledLeader() throws Exception {
        var lease = admin.leases().inNamespace(InCluster.NAMESPACE).withName(LEASE);
        List<Pod> pods = awaitReadyReplicas("both replicas to be Ready");
        String leader = until("one of the two pods to hold the Lease", Duration.ofMinutes(1), lease::get,
                l -> pods.stream().anyMatch(p -> p.getMetadata().getName().equals(Leases.holder(l)))).getSpec().getHolderIdentity();
        Pod standbyPod = pods.stream().filter(p -> !p.getMetadata().getName().equals(leader)).findFirst().orElseThrow();
        String standby = standbyPod.getMetadata().getName();
        // The standby's own readiness check, asked directly: UP while it does not lead.
        HttpResponse<String> readiness = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + standbyPod.getStatus().getPodIP() + ":8080/q/health/ready"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, readiness.statusCode(), readiness.body());
        assertEquals(leader, Leases.holder(lease.get()), "the standby took the Lease while the leader ran");
        // The boot and metadata Services select the standby too: it answers from its own informers'
        // caches. Shown with the seed machine's iPXE script, when the seed flow has run before.
        Server seed = server("my-server");
        if (seed != null && seed.getSpec().getBootConfigurationRef() != null) {
            HttpResponse<String> script = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://" + standbyPod.getStatus().getPodIP() + ":8082/ipxe/" + EndToEnd.SEED_RACK.get(0).uuid()))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, script.statusCode(), "the standby's boot server: " + script.body());
            assertTrue(script.body().startsWith("#!ipxe\n"), script.body());
        }
        System.out.printf("in-cluster failover: both replicas Ready; the standby %s answers /q/health/ready with %d;"
                + " resident (MiB): %s%n", standby, readiness.statusCode(), InCluster.residentByPod(cluster));

        // The shipped PodDisruptionBudget, as the disruption controller sees it: one of two may go.
        var budget = admin.policy().v1().podDisruptionBudget().inNamespace(InCluster.NAMESPACE).withName("metal-operator");
        until("the PodDisruptionBudget to allow one disruption", Duration.ofMinutes(1), budget::get,
                b -> b.getStatus() != null && b.getStatus().getExpectedPods() == 2 && b.getStatus().getCurrentHealthy() == 2
                        && b.getStatus().getDisruptionsAllowed() == 1);

        // 1. The leader's pod evicted, as a drain does: SIGTERM, the controllers stop, the Lease is
        // released. The standby cannot be evicted meanwhile: the budget is spent.
        // An eviction the budget refuses is answered 429, which the client would retry until the
        // ReplicaSet's replacement is Ready and the budget allows one again: asked once, here.
        int transitions = Leases.transitions(lease.get());
        Instant deleted;
        try (KubernetesClient once = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(admin.getConfiguration()).withRequestRetryBackoffLimit(0).build()).build()) {
            deleted = Instant.now();
            assertTrue(once.pods().inNamespace(InCluster.NAMESPACE).withName(leader).evict(), "evicting the leader " + leader);
            assertFalse(once.pods().inNamespace(InCluster.NAMESPACE).withName(standby).evict(),
                    "the PodDisruptionBudget let the standby " + standby + " be evicted too");
        }
        // Usually the standby; the ReplicaSet's replacement pod may win the race once it is up.
        Lease taken = until("another replica to take the Lease over", Duration.ofMinutes(2), lease::get,
                l -> !Leases.holder(l).isEmpty() && !leader.equals(Leases.holder(l)));
        String newLeader = Leases.holder(taken);
        Duration handover = Duration.between(deleted, Instant.now());
        Duration acquired = Duration.between(deleted, taken.getSpec().getAcquireTime().toInstant());
        until("the evicted pod to be gone", Duration.ofMinutes(2),
                () -> admin.pods().inNamespace(InCluster.NAMESPACE).withName(leader).get(), Objects::isNull);
        Duration gone = Duration.between(deleted, Instant.now());
        System.out.printf("in-cluster failover: leader pod %s evicted; %s held the Lease %d ms later (acquireTime %d ms"
                + " after the eviction; lease duration %d s, transitions %d -> %d); the old pod was gone after %.1f s%n",
                leader, newLeader.equals(standby) ? "the standby " + standby : "the replacement pod " + newLeader,
                handover.toMillis(), acquired.toMillis(), taken.getSpec().getLeaseDurationSeconds(),
                transitions, Leases.transitions(taken), gone.toMillis() / 1000.0);
        assertTrue(taken.getSpec().getLeaseDurationSeconds() > 1, "the new holder wrote its own lease duration");

        // 2. The new leader's JVM killed with SIGKILL: no release; the kubelet restarts the container
        // in the same pod, so under the same identity.
        List<Pod> again = awaitReadyReplicas("the ReplicaSet's new pod to be Ready beside the new leader");
        Pod leaderPod = again.stream().filter(p -> p.getMetadata().getName().equals(newLeader)).findFirst().orElseThrow();
        String other = again.stream().map(p -> p.getMetadata().getName()).filter(n -> !n.equals(newLeader)).findFirst().orElseThrow();
        var status = leaderPod.getStatus().getContainerStatuses().get(0);
        int restarts = status.getRestartCount();
        String containerId = status.getContainerID().substring(status.getContainerID().indexOf("://") + 3);
        Set<Long> java = cluster.node.containerProcesses(containerId).stream().filter(pid -> "java".equals(ClusterNode.command(pid)))
                .collect(Collectors.toSet());
        assertEquals(1, java.size(), "one java process in container " + containerId + ": " + java);
        Lease before = lease.get();
        transitions = Leases.transitions(before);
        Instant killed = Instant.now();
        java.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        Lease led = until("some replica to lead again after the kill", Duration.ofMinutes(2), lease::get,
                l -> !Leases.holder(l).isEmpty() && Leases.renewTime(l).isAfter(killed));
        Duration leadsAgain = Duration.between(killed, Leases.renewTime(led));
        Pod restarted = until("the killed container to be restarted and Ready", Duration.ofMinutes(4),
                () -> admin.pods().inNamespace(InCluster.NAMESPACE).withName(newLeader).get(),
                p -> p.getStatus().getContainerStatuses().get(0).getRestartCount() > restarts && ready(p));
        Duration readyAgain = Duration.between(killed, Instant.now());
        Instant restartedAt = Instant.parse(restarted.getStatus().getContainerStatuses().get(0).getState().getRunning().getStartedAt());
        Instant expiry = Leases.renewTime(before).plusSeconds(before.getSpec().getLeaseDurationSeconds());
        System.out.printf("in-cluster failover: leader %s's JVM killed (SIGKILL); %s led again %d ms later (by its renewTime;"
                + " %s, transitions %d -> %d; the killed leader's last renewal ran out %d ms after the kill); the container"
                + " was restarted (restart count %d, running again about %d s after the kill) and its pod Ready again after %.1f s%n",
                newLeader, Leases.holder(led), leadsAgain.toMillis(),
                Leases.holder(led).equals(newLeader) ? "the restarted container, under the same pod name" : "the other replica",
                transitions, Leases.transitions(led), Duration.between(killed, expiry).toMillis(),
                restarted.getStatus().getContainerStatuses().get(0).getRestartCount(),
                Duration.between(killed.truncatedTo(ChronoUnit.SECONDS), restartedAt).toSeconds(),
                readyAgain.toMillis() / 1000.0);
        assertTrue(Leases.holder(led).equals(newLeader) || Leases.holder(led).equals(other), Leases.holder(led));
    }

    /** The operator's pods once exactly the shipped two exist, not being deleted, both Ready. */
    private static List<Pod> awaitReadyReplicas(String what) {
        return InCluster.awaitReplicasReady(cluster, what);
    }

    private static boolean ready(Pod pod) {
        return InCluster.ready(pod);
    }

    /** Polls every 50 ms until the condition holds, failing after the deadline. */
    private static <T> T until(String what, Duration deadline, Supplier<T> read, Predicate<T> condition) {
        AtomicReference<T> last = new AtomicReference<>();
        Awaitility.await(what).atMost(deadline).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> {
                    T value = read.get();
                    last.set(value);
                    return condition.test(value);
                });
        return last.get();
    }
}
