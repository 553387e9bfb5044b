package dev.metalprov.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerState;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The OLM bundle of deploy/olm installed by a real Operator Lifecycle Manager, in a one-node
 * cluster of its own ({@link InCluster}): OLM's operators (built from the Go module proxy by
 * src/test/olm/install/build.sh) run as pods; the bundle, exactly as committed, and a file-based
 * catalog of it are images in the cluster's registry (src/test/olm/install/images.sh). The test
 * subscribes to the package as a user does (an OperatorGroup for all namespaces, a CatalogSource
 * of the catalog image, a Subscription), and OLM resolves it, unpacks the bundle in a Job, and
 * installs the CSV: it reaches Succeeded, the shipped two replicas are Ready through their probes,
 * one takes the Lease, the bundle's PodDisruptionBudget is there, and the operator works: a Server
 * of the CRDs OLM installed goes Available against sushy-tools.
 *
 * <p>The CSV is not changed for the test: it names ghcr.io/metalprov/metal-operator:0.1.0-SNAPSHOT,
 * and the node pulls that reference from the cluster's registry, where the test pushed the image
 * it built under that repository and tag, through containerd's mirror setting for ghcr.io
 * ({@link ClusterNode#SHIPPED_REGISTRY}), as a disconnected cluster's nodes pull from a mirror.
 */
@ExtendWith(InCluster.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OlmInstallIT {

    private static final Path BUNDLE = Path.of("deploy", "olm");
    private static final String PACKAGE = "metal-operator";
    private static final String CATALOG = "metal-operator-catalog";
    private static final String OLM_NAMESPACE = "olm";
    private static final String NAMESPACE = InCluster.NAMESPACE;

    private static InCluster.Cluster cluster;
    private static KubernetesClient admin;
    private static Path work;
    private static Path hosts;
    /** The CSV of deploy/olm as committed. */
    private static GenericKubernetesResource shippedCsv;
    private static long subscribed;
    private static long catalogAdded;

    @BeforeAll
    static void olm(InCluster.Cluster started) throws IOException {
        cluster = started;
        admin = started.plane.admin();
        work = started.work.resolve("olm").toAbsolutePath();
        Files.createDirectories(work);
        long begun = System.nanoTime();
        String built = Processes.run(List.of("bash", "src/test/olm/install/build.sh"), Map.of(), Duration.ofMinutes(40))
                .orFail("building OLM").out().strip();
        Path olm = Path.of(built.substring(built.lastIndexOf('\n') + 1));
        long olmBuilt = System.nanoTime();

        shippedCsv = Serialization.unmarshal(Files.readString(BUNDLE.resolve("manifests/" + PACKAGE + ".clusterserviceversion.yaml")),
                GenericKubernetesResource.class);
        String version = (String) ((Map<?, ?>) shippedCsv.getAdditionalProperties().get("spec")).get("version");
        String registry = cluster.boot.registry().host();
        String[] images = Processes.run(List.of("bash", "src/test/olm/install/images.sh", registry, work.resolve("images").toString(),
                olm.toString(), cluster.baseLayout.toString(), BUNDLE.toString(), version), Map.of(), Duration.ofMinutes(10))
                .orFail("building the bundle, OLM and catalog images").out().strip().split("\n");
        String catalogImage = images[2];
        // The operator's image under the reference the CSV names, in the cluster's registry (its mirror of ghcr.io).
        String shippedImage = shippedImage();
        String mirrored = registry + shippedImage.substring(shippedImage.indexOf('/'));
        Processes.run(List.of("skopeo", "copy", "-q", "--src-tls-verify=false", "--dest-tls-verify=false",
                "docker://" + cluster.image, "docker://" + mirrored), Map.of(), Duration.ofMinutes(5))
                .orFail("pushing the operator's image as " + mirrored);
        long imagesBuilt = System.nanoTime();

        // OLM: its CRDs (server-side: the CSV's is too large for the last-applied annotation), then its operators.
        cluster.plane.kubectl("apply", "--server-side", "-f", olm.resolve("crds").toString()).orFail("applying OLM's CRDs");
        cluster.plane.kubectl("wait", "--for=condition=Established", "crd", "--all", "--timeout=60s").orFail("waiting for OLM's CRDs");
        hosts = work.resolve("catalog-operator-hosts");
        Files.writeString(hosts, "127.0.0.1 localhost\n");
        String manifests = Files.readString(Path.of("src/test/olm/install/olm.yaml")).replace("OLM_IMAGE", images[1])
                .replace("HOSTS_FILE", hosts.toString());
        Files.writeString(work.resolve("olm.yaml"), manifests);
        cluster.plane.kubectl("apply", "-f", work.resolve("olm.yaml").toString()).orFail("installing OLM");
        for (String deployment : List.of("olm-operator", "catalog-operator")) {
            await("OLM's " + deployment + " to be Ready", Duration.ofMinutes(3),
                    () -> admin.apps().deployments().inNamespace(OLM_NAMESPACE).withName(deployment).get(),
                    d -> d.getStatus() != null && Integer.valueOf(1).equals(d.getStatus().getReadyReplicas()));
        }
        System.out.printf("olm-install: OLM built in %.1f s (cached after the first run); bundle, OLM and catalog images"
                + " built and pushed in %.1f s; OLM Ready %.1f s after that%n", (olmBuilt - begun) / 1e9,
                (imagesBuilt - olmBuilt) / 1e9, (System.nanoTime() - imagesBuilt) / 1e9);

        // The catalog, as a user adds one.
        catalogAdded = System.nanoTime();
        apply("""
                apiVersion: operators.coreos.com/v1alpha1
                kind: CatalogSource
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  sourceType: grpc
                  image: %s
                  displayName: metal-operator (test catalog)
                  publisher: test
                """.formatted(CATALOG, OLM_NAMESPACE, catalogImage));
    }

    /** The image reference the CSV names (its Deployment's container, the same as containerImage). */
    private static String shippedImage() {
        return shippedCsv.getMetadata().getAnnotations().get("containerImage");
    }

    @Test
    @Order(1)
    void theCatalogPodServesTheCatalogToOlm() throws IOException {
        Pod registryPod = await("OLM's pod for the catalog " + CATALOG + " to be Ready", Duration.ofMinutes(3),
                () -> admin.pods().inNamespace(OLM_NAMESPACE).withLabel("olm.catalogSource", CATALOG).list().getItems(),
                pods -> pods.size() == 1 && InCluster.ready(pods.get(0))).get(0);
        assertEquals(catalogImage(), registryPod.getSpec().getContainers().get(0).getImage());
        // No cluster DNS: the catalog operator finds the catalog's Service name in its hosts file (olm.yaml).
        Files.writeString(hosts, "127.0.0.1 localhost\n" + registryPod.getStatus().getPodIP() + " " + CATALOG + "." + OLM_NAMESPACE
                + ".svc\n");
        await("the catalog operator to be connected to the catalog", Duration.ofMinutes(2),
                () -> catalogSources().withName(CATALOG).get(),
                c -> "READY".equals(path(c, "status", "connectionState", "lastObservedState")));
        System.out.printf("olm-install: the catalog pod Ready and connected %.1f s after the CatalogSource%n",
                (System.nanoTime() - catalogAdded) / 1e9);
    }

    private static String catalogImage() {
        return (String) path(catalogSources().withName(CATALOG).get(), "spec", "image");
    }

    @Test
    @Order(2)
    void aSubscriptionInstallsTheCsvToSucceeded() {
        // Fails at once, not after the CSV's deadline, when the catalog is not there.
        assertEquals("READY", path(catalogSources().withName(CATALOG).get(), "status", "connectionState", "lastObservedState"),
                "the catalog is not connected");
        subscribed = System.nanoTime();
        apply("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: %1$s
                ---
                apiVersion: operators.coreos.com/v1
                kind: OperatorGroup
                metadata:
                  name: metal-operator
                  namespace: %1$s
                spec: {}
                ---
                apiVersion: operators.coreos.com/v1alpha1
                kind: Subscription
                metadata:
                  name: metal-operator
                  namespace: %1$s
                spec:
                  name: %2$s
                  channel: candidate
                  source: %3$s
                  sourceNamespace: %4$s
                  installPlanApproval: Automatic
                """.formatted(NAMESPACE, PACKAGE, CATALOG, OLM_NAMESPACE));
        String csvName = shippedCsv.getMetadata().getName();
        GenericKubernetesResource csv;
        try {
            csv = await("the CSV " + csvName + " to reach Succeeded", Duration.ofMinutes(6),
                    () -> csvs().withName(csvName).get(), c -> "Succeeded".equals(path(c, "status", "phase")));
        } catch (RuntimeException e) {
            String state = cluster.plane.kubectl("get", "subscriptions,installplans,csv,jobs,pods", "-A", "-o", "wide").out()
                    + cluster.plane.kubectl("describe", "subscriptions,csv", "-n", NAMESPACE).out();
            throw new IllegalStateException(e.getMessage() + "\n" + state, e);
        }
        double succeeded = (System.nanoTime() - subscribed) / 1e9;
        // OLM installed it from the catalog, through an InstallPlan of the Subscription.
        assertEquals(csvName, path(admin.genericKubernetesResources("operators.coreos.com/v1alpha1", "Subscription")
                .inNamespace(NAMESPACE).withName("metal-operator").get(), "status", "installedCSV"));
        assertEquals(((Map<?, ?>) shippedCsv.getAdditionalProperties().get("spec")).get("version"), path(csv, "spec", "version"));
        InCluster.awaitReplicasReady(cluster, "the CSV's two replicas to be Ready");
        System.out.printf("olm-install: the CSV Succeeded %.1f s after the Subscription, both pods Ready %.1f s after it;"
                + " resident (MiB): %s%n", succeeded, (System.nanoTime() - subscribed) / 1e9, InCluster.residentByPod(cluster));
    }

    @Test
    @Order(3)
    void theOperatorRunsAsTheBundleShipsIt() {
        assertCsvSucceeded();
        Deployment deployment = admin.apps().deployments().inNamespace(NAMESPACE).withName("metal-operator").get();
        assertNotNull(deployment, "OLM made no Deployment metal-operator");
        assertEquals(InCluster.SHIPPED_REPLICAS, deployment.getSpec().getReplicas());
        List<Pod> pods = InCluster.awaitReplicasReady(cluster, "the CSV's two replicas to be Ready");
        for (Pod pod : pods) {
            // The reference as shipped; the digest the node ran is that of the image the test built.
            assertEquals(shippedImage(), pod.getSpec().getContainers().get(0).getImage());
            assertEquals("/q/health/ready", pod.getSpec().getContainers().get(0).getReadinessProbe().getHttpGet().getPath());
            assertEquals("metal-operator", pod.getSpec().getServiceAccountName());
            assertEquals(0, pod.getStatus().getContainerStatuses().get(0).getRestartCount(), pod.getMetadata().getName()
                    + " restarted; see " + cluster.work.resolve("node/pod-logs"));
        }
        String imageId = pods.get(0).getStatus().getContainerStatuses().get(0).getImageID();
        String built = Processes.run(List.of("skopeo", "inspect", "--tls-verify=false", "--format", "{{.Digest}}",
                "docker://" + cluster.image), Map.of(), Duration.ofMinutes(1)).orFail("reading the built image's digest").out().strip();
        assertTrue(imageId.endsWith(built), "the node ran " + imageId + ", not the built image " + built);

        Set<String> names = pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
        await("one of the pods " + names + " to hold the Lease", Duration.ofMinutes(2),
                () -> admin.leases().inNamespace(NAMESPACE).withName(InCluster.LEASE).get(), l -> l != null && names.contains(Leases.holder(l)));

        // The bundle's other objects, created by OLM in the operator's namespace.
        PodDisruptionBudget budget = admin.policy().v1().podDisruptionBudget().inNamespace(NAMESPACE).withName("metal-operator").get();
        assertNotNull(budget, "OLM did not create the bundle's PodDisruptionBudget");
        assertEquals(1, budget.getSpec().getMaxUnavailable().getIntVal());
        for (String service : List.of("metal-operator-metrics", "metal-operator-boot")) {
            assertNotNull(admin.services().inNamespace(NAMESPACE).withName(service).get(), "OLM did not create the Service " + service);
        }
    }

    @Test
    @Order(4)
    void theOperatorServesServersOfTheCrdsOlmInstalled() throws IOException {
        assertCsvSucceeded();
        CustomResourceDefinition crd = admin.apiextensions().v1().customResourceDefinitions().withName("servers.metal.ironcore.dev").get();
        assertTrue(crd.getMetadata().getLabels().keySet().stream().anyMatch(l -> l.startsWith("operators.coreos.com/")),
                "the Server CRD carries no label of OLM: " + crd.getMetadata().getLabels());
        String gateway = cluster.network.gateway();
        String servers = Files.readString(Path.of("deploy", "samples", "servers.yaml"))
                .replace("port: 8000", "port: " + cluster.seedRack.port()).replace("address: 127.0.0.1", "address: " + gateway);
        Yaml.apply(cluster.plane, Yaml.bmcSecret("my-bmc-secret"), servers);
        await("my-server to be Available, served by the operator OLM installed", Duration.ofMinutes(2),
                () -> admin.resources(Server.class).withName("my-server").get(),
                s -> s != null && s.getStatus() != null && s.getStatus().getState() == ServerState.AVAILABLE);
    }

    /**
     * The operator uninstalled as a user does with OLM (the Subscription and the CSV deleted), so
     * that its pods stop before the cluster does; the cluster is stopped by {@link InCluster} after.
     */
    @AfterAll
    static void uninstall() {
        if (cluster == null) {
            return;
        }
        cluster.plane.kubectl("delete", "subscriptions.operators.coreos.com", "--all", "-n", NAMESPACE, "--wait=false");
        cluster.plane.kubectl("delete", "clusterserviceversions.operators.coreos.com", "--all", "-n", NAMESPACE, "--timeout=60s");
        try {
            await("the operator's pods to be gone after the CSV was deleted", Duration.ofMinutes(1), cluster::operatorPods, List::isEmpty);
        } catch (RuntimeException e) {
            System.err.println("olm-install: " + e.getMessage());
        }
    }

    private static void assertCsvSucceeded() {
        assertEquals("Succeeded", path(csvs().withName(shippedCsv.getMetadata().getName()).get(), "status", "phase"),
                "the CSV did not succeed");
    }

    private static NonNamespaceOperation<GenericKubernetesResource, ?, Resource<GenericKubernetesResource>> catalogSources() {
        return admin.genericKubernetesResources("operators.coreos.com/v1alpha1", "CatalogSource").inNamespace(OLM_NAMESPACE);
    }

    private static NonNamespaceOperation<GenericKubernetesResource, ?, Resource<GenericKubernetesResource>> csvs() {
        return admin.genericKubernetesResources("operators.coreos.com/v1alpha1", "ClusterServiceVersion").inNamespace(NAMESPACE);
    }

    private static void apply(String yaml) {
        try {
            Path file = Files.createTempFile(work, "apply", ".yaml");
            Files.writeString(file, yaml);
            cluster.plane.kubectl("apply", "-f", file.toString()).orFail("applying " + yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A value in a generic object's fields (beyond metadata), or null where the path ends early. */
    private static Object path(GenericKubernetesResource object, String... keys) {
        Object node = object == null ? null : object.getAdditionalProperties();
        for (String key : keys) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(key);
        }
        return node;
    }

    private static <T> T await(String what, Duration deadline, Supplier<T> read, Predicate<T> condition) {
        AtomicReference<T> last = new AtomicReference<>();
        Awaitility.await(what).atMost(deadline).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
            T value = read.get();
            last.set(value);
            return condition.test(value);
        });
        return last.get();
    }
}
