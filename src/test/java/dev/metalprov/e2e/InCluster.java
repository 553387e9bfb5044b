package dev.metalprov.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * A one-node cluster on this machine for the tests that run the operator as a container on a
 * real node (etcd, kube-apiserver with the Node and RBAC authorizers, kube-controller-manager,
 * kube-scheduler, containerd and the kubelet), with the operator's image built without a Docker
 * daemon (src/test/cluster/image.sh) and pushed to an OCI registry on the pod network's gateway,
 * from which the node pulls. How the operator is installed is each test class's own:
 * {@link #installOverlay} applies deploy/overlays/builtin-boot (InClusterIT), OlmInstallIT
 * installs the OLM bundle through OLM.
 *
 * <p>Each test class gets a cluster of its own, started before its first test and stopped after
 * its last, passed or not, so that one way of installing never sees what another left. It needs
 * root and cgroups; where they are missing it fails, saying so, and never skips.
 */
public class InCluster implements BeforeAllCallback, ParameterResolver {

    /** The address of the {@code kubernetes} Service (the first of the range). */
    static final String SERVICE_RANGE = "10.96.0.0/24";
    static final String KUBERNETES_SERVICE = "10.96.0.1";
    static final String NAMESPACE = "metal-system";
    /** The image the shipped Deployment names (deploy/base/deployment.yaml), without its tag. */
    static final String SHIPPED_IMAGE = "ghcr.io/metalprov/metal-operator";
    /** The leader-election Lease of the shipped install. */
    static final String LEASE = "metal-operator-leader";
    /** The replicas deploy/base/deployment.yaml ships. */
    static final int SHIPPED_REPLICAS = 2;

    /** Everything the cluster of one test class holds. */
    static final class Cluster implements ExtensionContext.Store.CloseableResource {
        final Path work;
        PodNetwork network;
        ControlPlane plane;
        BootService boot;
        ClusterNode node;
        SushyEmulator seedRack;
        String image;
        /** The cached OCI layout (tag "base") the operator's image is built on. */
        Path baseLayout;
        /** How long the image build took, and from kubectl apply until the pods were Ready. */
        Duration imageBuild;
        Duration applyToReady;
        /** Stops the cluster when the test JVM is stopped before the class ends. */
        private Thread hook;
        private boolean closed;

        Cluster(Path work) {
            this.work = work;
        }

        /** The operator's pods (those of the Deployment's label), in {@link #NAMESPACE}. */
        List<Pod> operatorPods() {
            return plane.admin().pods().inNamespace(NAMESPACE).withLabel("app.kubernetes.io/name", "metal-operator").list()
                    .getItems();
        }

        /** The operator's pod that holds the Lease metal-operator-leader: the one that works. */
        Pod leaderPod() {
            String holder = Leases.holder(plane.admin().leases().inNamespace(NAMESPACE).withName(LEASE).get());
            return operatorPods().stream().filter(p -> p.getMetadata().getName().equals(holder)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no operator pod holds the Lease (holder: '" + holder + "')"));
        }

        /**
         * Stops everything, once: at the end of the test class, or from the shutdown hook when
         * the JVM is stopped first.
         */
        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (hook != null && Thread.currentThread() != hook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // The JVM is shutting down; the hook waits for this close.
                }
            }
            // The operator's pod first, so that the kubelet stops it as it would in a cluster.
            if (plane != null && node != null) {
                try {
                    plane.kubectl("delete", "deployment", "metal-operator", "-n", NAMESPACE, "--wait=false");
                    plane.kubectl("delete", "pods", "--all", "-n", NAMESPACE, "--grace-period=10", "--timeout=40s");
                } catch (RuntimeException e) {
                    // The node is stopped hard below.
                }
            }
            for (AutoCloseable part : new AutoCloseable[] { node, seedRack, boot, plane, network }) {
                try {
                    if (part != null) {
                        part.close();
                    }
                } catch (Exception e) {
                    System.err.println("stopping " + part + " failed: " + e);
                }
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster(context);
    }

    /** The test class's cluster: started on first use, closed with the class's context. */
    static Cluster cluster(ExtensionContext context) {
        ExtensionContext classContext = context.getTestClass().isPresent() && context.getTestMethod().isEmpty() ? context
                : context.getParent().orElse(context);
        Object started = classContext.getStore(ExtensionContext.Namespace.create(InCluster.class))
                .getOrComputeIfAbsent(Cluster.class, key -> {
                    try {
                        return start();
                    } catch (RuntimeException e) {
                        return e;
                    }
                });
        if (started instanceof RuntimeException failure) {
            throw new IllegalStateException("the one-node cluster did not start", failure);
        }
        return (Cluster) started;
    }

    private static Cluster start() {
        long begun = System.nanoTime();
        ClusterNode.requireHost();
        Processes.run(List.of("bash", "src/test/cluster/node-packages.sh"), Map.of(), Duration.ofMinutes(10))
                .orFail("installing the node's packages");
        Path work = Path.of("target", "in-cluster");
        EndToEnd.deleteRecursively(work);
        Cluster cluster = new Cluster(work);
        cluster.hook = new Thread(cluster::close);
        Runtime.getRuntime().addShutdownHook(cluster.hook);
        try {
            cluster.network = PodNetwork.create();
            cluster.plane = ControlPlane.startForNode(work.resolve("control-plane"), SERVICE_RANGE);
            cluster.network.routeServiceToLoopback(KUBERNETES_SERVICE, cluster.plane.port());
            // One registry on the pod network's gateway: the node pulls the operator's image from it,
            // and the operator's boot service resolves the seed claims' image there.
            cluster.boot = BootService.start(work.resolve("registry"), cluster.network.gateway());
            long started = System.nanoTime();
            // The JVM image, or with -Pnative (operator.native) the native executable's, as OperatorProcess runs either.
            String kind = Boolean.getBoolean("operator.native") ? "native" : "jvm";
            String[] images = Processes.run(List.of("bash", "src/test/cluster/image.sh", cluster.boot.registry().host(),
                    work.resolve("images").toString(), kind), Map.of(), Duration.ofMinutes(15)).orFail("building the images").out()
                    .strip().split("\n");
            cluster.imageBuild = Duration.ofNanos(System.nanoTime() - started);
            cluster.image = images[0];
            cluster.baseLayout = Path.of(images[2]);
            cluster.node = ClusterNode.start(cluster.plane, cluster.network, work.resolve("node"), cluster.boot.registry().host(),
                    images[1]);
            cluster.seedRack = SushyEmulator.start(work.resolve("sushy-seed"), EndToEnd.SEED_RACK, cluster.network.gateway());
            System.out.printf("in-cluster: the node Ready and the images pushed in %.1f s%n", (System.nanoTime() - begun) / 1e9);
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * deploy/overlays/builtin-boot, under a site overlay that sets the image and the boot service's
     * registries (the settings the overlay's documentation says a site changes), with kubectl
     * apply -k; then waits until the shipped number of replicas is Ready through their own probes.
     */
    static void installOverlay(Cluster cluster) {
        try {
            Path overlay = cluster.work.resolve("overlay").toAbsolutePath();
            Files.createDirectories(overlay);
            String base = overlay.relativize(Path.of("deploy", "overlays", "builtin-boot").toAbsolutePath()).toString();
            String registry = cluster.boot.registry().host();
            String name = cluster.image.substring(0, cluster.image.lastIndexOf(':'));
            String tag = cluster.image.substring(cluster.image.lastIndexOf(':') + 1);
            Files.writeString(overlay.resolve("kustomization.yaml"), """
                    apiVersion: kustomize.config.k8s.io/v1beta1
                    kind: Kustomization
                    resources:
                      - %s
                    images:
                      - name: %s
                        newName: %s
                        newTag: %s
                    patches:
                      - path: site.yaml
                    """.formatted(base, SHIPPED_IMAGE, name, tag));
            Files.writeString(overlay.resolve("site.yaml"), """
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: metal-operator
                      namespace: metal-system
                    spec:
                      template:
                        spec:
                          containers:
                            - name: operator
                              env:
                                - name: METAL_BOOT_ADVERTISED_URL
                                  value: http://metal-operator-boot.metal-system.svc:8082
                                - name: METAL_BOOT_ALLOWED_REGISTRIES
                                  value: docker.io,%1$s
                                - name: METAL_BOOT_PLAIN_HTTP_REGISTRIES
                                  value: %1$s
                                - name: METAL_BOOT_REGISTRY_MIRRORS
                                  value: docker.io=%1$s
                    """.formatted(registry));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long applied = System.nanoTime();
        cluster.plane.kubectl("apply", "-k", cluster.work.resolve("overlay").toString()).orFail("applying the operator");
        try {
            awaitReplicasReady(cluster, "the operator's pods to be Ready");
        } catch (RuntimeException e) {
            String state = cluster.plane.kubectl("describe", "nodes,deployments,replicasets,pods", "-n", NAMESPACE).out();
            throw new IllegalStateException(e.getMessage() + "\n" + state, e);
        }
        cluster.applyToReady = Duration.ofNanos(System.nanoTime() - applied);
        System.out.printf("in-cluster: image built and pushed in %.1f s; %d pods Ready %.1f s after kubectl apply;"
                + " resident: %s%n", cluster.imageBuild.toMillis() / 1000.0, SHIPPED_REPLICAS,
                cluster.applyToReady.toMillis() / 1000.0, residentByPod(cluster));
    }

    /**
     * Waits until exactly the shipped number of operator pods exists in {@link #NAMESPACE}, none
     * being deleted, all Ready through their probes; returns them.
     */
    static List<Pod> awaitReplicasReady(Cluster cluster, String what) {
        java.util.concurrent.atomic.AtomicReference<List<Pod>> pods = new java.util.concurrent.atomic.AtomicReference<>();
        Awaitility.await(what + " (pod logs: " + cluster.work.resolve("node/pod-logs") + ")").atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
                    pods.set(cluster.operatorPods());
                    return pods.get().size() == SHIPPED_REPLICAS && pods.get().stream().allMatch(InCluster::ready);
                });
        return pods.get();
    }

    static boolean ready(Pod pod) {
        return pod.getMetadata().getDeletionTimestamp() == null && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** The resident memory of each operator pod's container, in MiB, by pod name. */
    static Map<String, Long> residentByPod(Cluster cluster) {
        Map<String, Long> resident = new java.util.TreeMap<>();
        for (Pod pod : cluster.operatorPods()) {
            String id = pod.getStatus().getContainerStatuses().get(0).getContainerID();
            resident.put(pod.getMetadata().getName(), cluster.node.residentKiB(id.substring(id.indexOf("://") + 3)) / 1024);
        }
        return resident;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Cluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return cluster(context);
    }
}
