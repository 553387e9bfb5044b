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
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The operator as a container in a one-node cluster ({@link InCluster}): its pod turns Ready
 * through the probes of the shipped Deployment, runs as its ServiceAccount with exactly the RBAC of
 * deploy/overlays/builtin-boot, takes its Lease from inside the pod, and serves the upstream
 * documentation's claim by name to powered On against sushy-tools, reached from the pod at the
 * pod network's gateway; the machine then fetches its iPXE script from the pod's boot server.
 */
@ExtendWith(InCluster.class)
class InClusterIT {

    private static InCluster.Cluster cluster;
    private static KubernetesClient admin;

    @BeforeAll
    static void cluster(InCluster.Cluster started) {
        cluster = started;
        admin = started.plane.admin();
    }

    @Test
    void thePodOfTheShippedDeploymentIsReadyThroughItsProbes() {
        Pod pod = cluster.operatorPod();
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
        assertTrue(status.getReady());
        assertEquals(0, status.getRestartCount(), "the operator restarted; see " + cluster.work.resolve("node/pod-logs"));
        // The kubelet found the image's user (185) non-root, as runAsNonRoot asks.
        assertNotNull(status.getState().getRunning());
    }

    @Test
    void itRunsAsItsServiceAccountWithExactlyTheShippedRbac() throws Exception {
        assertEquals(OperatorProcess.SERVICE_ACCOUNT, cluster.operatorPod().getSpec().getServiceAccountName());
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
    void itTakesItsLeaseFromInsideThePod() {
        String pod = cluster.operatorPod().getMetadata().getName();
        Lease lease = SeedFlowIT.await("the Lease metal-operator-leader to be held by the pod",
                () -> admin.leases().inNamespace(InCluster.NAMESPACE).withName("metal-operator-leader").get(),
                l -> l != null && l.getSpec().getHolderIdentity() != null && l.getSpec().getHolderIdentity().contains(pod));
        ZonedDateTime renewed = lease.getSpec().getRenewTime();
        SeedFlowIT.await("the pod to renew its Lease",
                () -> admin.leases().inNamespace(InCluster.NAMESPACE).withName("metal-operator-leader").get(),
                l -> l.getSpec().getRenewTime().isAfter(renewed) && l.getSpec().getHolderIdentity().contains(pod));
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

        // The machine fetches its iPXE script from the boot server in the pod, at the pod's address.
        String podIp = cluster.operatorPod().getStatus().getPodIP();
        HttpResponse<String> script = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + podIp + ":8082/ipxe/" + uuid)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, script.statusCode(), script.body());
        assertTrue(script.body().startsWith("#!ipxe\n"), script.body());
        assertTrue(script.body().contains("http://metal-operator-boot.metal-system.svc:8082/"), script.body());
        Objects.requireNonNull(server("my-server").getSpec().getServerClaimRef());
        System.out.printf("in-cluster: the pod resident after the seed flow: %d MiB%n", cluster.node.podResidentKiB() / 1024);
    }

    private static Server server(String name) {
        return admin.resources(Server.class).withName(name).get();
    }
}
