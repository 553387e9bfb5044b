package dev.metalprov.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;

import dev.metalprov.api.v1alpha1.Metal;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * A real control plane on 127.0.0.1: etcd, kube-apiserver and kube-controller-manager built from
 * the Go module proxy by src/test/controlplane/build.sh (once, then cached), RBAC on, an admin
 * token for the tests, and service-account signing keys so that the operator can run with a
 * TokenRequest token. The controller-manager runs only the namespace, garbage-collection and
 * ClusterRole aggregation controllers: deleting a namespace deletes what is in it, and the built-in
 * {@code admin}, {@code edit} and {@code view} roles take in the rules of the ClusterRoles labelled
 * to aggregate into them (the tenants' roles of deploy/base), as in a cluster; nothing else that a
 * node would need runs here.
 *
 * <p>{@link #startForNode} starts the control plane of a one-node cluster instead ({@link InCluster}):
 * the Node authorizer besides RBAC and an identity for the kubelet, kube-scheduler, and the
 * controllers a Deployment needs, with the API server's certificate published to pods.
 */
final class ControlPlane implements AutoCloseable {

    private final Path work;
    private final List<Process> processes = new ArrayList<>();
    private final String adminToken = UUID.randomUUID().toString();
    private final String nodeToken = UUID.randomUUID().toString();
    /** The services' address range of a one-node cluster, or null without a node. */
    private final String serviceRange;
    /** The API server's audit policy (a file), or null for no audit log. */
    private Path auditPolicy;
    private int port;
    private Path binaries;
    private Path kubeconfig;
    private KubernetesClient admin;
    // The admin client's own Vert.x, on daemon threads and closed with the control plane: a client
    // left to create its own keeps non-daemon threads, and Maven's exec:java waits for those forever.
    private io.vertx.core.Vertx vertx;

    private ControlPlane(Path work, String serviceRange) {
        this.work = work;
        this.serviceRange = serviceRange;
    }

    static ControlPlane start(Path work) {
        return start(new ControlPlane(work, null));
    }

    /**
     * A control plane whose API server writes an audit log ({@link #auditLog}, JSON lines) by this
     * policy: who made which request is known exactly, which its metrics do not say.
     */
    static ControlPlane startAudited(Path work, Path auditPolicy) {
        ControlPlane plane = new ControlPlane(work, null);
        plane.auditPolicy = auditPolicy;
        return start(plane);
    }

    /** The API server's audit log; written only by a control plane started with {@link #startAudited}. */
    Path auditLog() {
        return work.resolve("logs").resolve("audit.log");
    }

    /**
     * The control plane of a one-node cluster whose kubelet logs in as {@code system:node:<nodeName>}
     * ({@link #nodeKubeconfig}), with services in {@code serviceRange}.
     */
    static ControlPlane startForNode(Path work, String serviceRange) {
        return start(new ControlPlane(work, serviceRange));
    }

    private static ControlPlane start(ControlPlane plane) {
        try {
            plane.boot();
            return plane;
        } catch (RuntimeException | IOException e) {
            plane.close();
            throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
        }
    }

    private void boot() throws IOException {
        Files.createDirectories(work);
        String built = Processes.run(List.of("bash", "src/test/controlplane/build.sh"), Map.of(), Duration.ofMinutes(40))
                .orFail("building the control plane").out().strip();
        binaries = Path.of(built.substring(built.lastIndexOf('\n') + 1));

        int etcdPort = Processes.freePort();
        int peerPort = Processes.freePort();
        processes.add(Processes.start("etcd", List.of(binaries.resolve("etcd").toString(),
                "--name=e2e", "--data-dir=" + work.resolve("etcd"),
                "--listen-client-urls=http://127.0.0.1:" + etcdPort, "--advertise-client-urls=http://127.0.0.1:" + etcdPort,
                "--listen-peer-urls=http://127.0.0.1:" + peerPort, "--initial-advertise-peer-urls=http://127.0.0.1:" + peerPort,
                "--initial-cluster=e2e=http://127.0.0.1:" + peerPort, "--log-level=warn"), Map.of(), work.resolve("logs")));

        KeyPair keys = rsaKeys();
        Path signingKey = write("sa.key", pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        Path verifyingKey = write("sa.pub", pem("PUBLIC KEY", keys.getPublic().getEncoded()));
        Path tokens = write("tokens.csv", adminToken + ",e2e-admin,e2e-admin,system:masters\n"
                + nodeToken + ",system:node:" + NODE_NAME + ",node," + "system:nodes\n");
        port = Processes.freePort();
        List<String> apiServer = new ArrayList<>(List.of(binaries.resolve("kube-apiserver").toString(),
                "--etcd-servers=http://127.0.0.1:" + etcdPort,
                "--cert-dir=" + work.resolve("certs"),
                "--secure-port=" + port,
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                serviceRange == null ? "--authorization-mode=RBAC" : "--authorization-mode=Node,RBAC",
                "--token-auth-file=" + tokens,
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                "--service-account-key-file=" + verifyingKey,
                "--service-account-signing-key-file=" + signingKey,
                "--service-cluster-ip-range=" + (serviceRange == null ? "10.0.0.0/24" : serviceRange),
                "--enable-priority-and-fairness=false"));
        if (auditPolicy != null) {
            Files.createDirectories(auditLog().getParent());
            apiServer.addAll(List.of("--audit-policy-file=" + auditPolicy.toAbsolutePath(), "--audit-log-path=" + auditLog(),
                    "--audit-log-format=json",
                    // Never rotated (0 means the 100 MB default): the benchmark reads one file to the end.
                    "--audit-log-maxsize=1000000"));
        }
        processes.add(Processes.start("kube-apiserver", apiServer, Map.of(), work.resolve("logs")));
        awaitReady();
        kubeconfig = write("kubeconfig", kubeconfig("e2e-admin", adminToken));
        List<String> controllerManager = new ArrayList<>(List.of(binaries.resolve("kube-controller-manager").toString(),
                "--kubeconfig=" + kubeconfig,
                "--leader-elect=false",
                "--bind-address=127.0.0.1",
                "--secure-port=0"));
        if (serviceRange == null) {
            controllerManager.add("--controllers=namespace,garbagecollector,clusterrole-aggregation");
        } else {
            // A Deployment's ReplicaSet and pods; the node's not-ready taint, which the kubelet registers
            // it with, removed once it is Ready; the CA bundle (ConfigMap kube-root-ca.crt) that
            // every pod's service-account volume carries: the API server's own self-signed chain;
            // a PodDisruptionBudget's status, which evictions check; and Jobs (OLM unpacks bundles in one).
            controllerManager.add("--controllers=namespace,garbagecollector,clusterrole-aggregation,deployment,replicaset,"
                    + "nodelifecycle,serviceaccount,root-ca-cert-publisher,disruption,job");
            controllerManager.add("--root-ca-file=" + work.resolve("certs/apiserver.crt"));
        }
        processes.add(Processes.start("kube-controller-manager", controllerManager, Map.of(), work.resolve("logs")));
        if (serviceRange != null) {
            processes.add(Processes.start("kube-scheduler", List.of(binaries.resolve("kube-scheduler").toString(),
                    "--kubeconfig=" + kubeconfig,
                    "--leader-elect=false",
                    "--bind-address=127.0.0.1",
                    "--secure-port=0"), Map.of(), work.resolve("logs")));
            nodeKubeconfig = write("node.kubeconfig", kubeconfig(NODE_NAME, nodeToken));
        }
    }

    /** The name of the one node, which the kubelet registers (an address: it has no other). */
    static final String NODE_NAME = "127.0.0.1";

    private Path nodeKubeconfig;

    /** The kubelet's kubeconfig, as the node's identity. */
    Path nodeKubeconfig() {
        return nodeKubeconfig;
    }

    /** The folder of the cached binaries of build.sh. */
    Path binaries() {
        return binaries;
    }

    private String kubeconfig(String user, String token) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: e2e
                  cluster:
                    server: %s
                    insecure-skip-tls-verify: true
                users:
                - name: %s
                  user:
                    token: %s
                contexts:
                - name: e2e
                  context:
                    cluster: e2e
                    user: %s
                current-context: e2e
                """.formatted(url(), user, token, user);
    }

    /** The API server's port on 127.0.0.1. */
    int port() {
        return port;
    }

    String url() {
        return "https://127.0.0.1:" + port;
    }

    Path kubeconfig() {
        return kubeconfig;
    }

    KubernetesClient admin() {
        return admin;
    }

    /**
     * Installs the operator as users do with the built-in boot service: the overlay's CRDs,
     * namespace, RBAC and Deployment (no pod runs it, as there is no scheduler here; the tests run
     * the operator as a process with that RBAC), and waits until the CRDs serve.
     */
    void installOperator() {
        kubectl("apply", "-k", "deploy/overlays/builtin-boot").orFail("applying deploy/overlays/builtin-boot");
        kubectl("wait", "--for=condition=Established", "crd", "--all", "--timeout=60s").orFail("waiting for the CRDs");
    }

    /** kubectl of the machine, against this control plane, as the admin. */
    Processes.Result kubectl(String... arguments) {
        return kubectl(Duration.ofMinutes(2), arguments);
    }

    Processes.Result kubectl(Duration deadline, String... arguments) {
        List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig=" + kubeconfig));
        command.addAll(List.of(arguments));
        return Processes.run(command, Map.of(), deadline);
    }

    /**
     * Deletes every object of the kind with the label in one request (the API server's delete
     * collection), instead of kubectl's one request per object: thousands are gone in seconds.
     */
    void deleteCollection(String resource, String label) {
        String path = "/apis/" + Metal.API_VERSION + "/" + resource + "?labelSelector="
                + URLEncoder.encode(label, StandardCharsets.UTF_8);
        kubectl(Duration.ofMinutes(10), "delete", "--raw", path).orFail("deleting the " + resource + " labelled " + label);
    }

    private void awaitReady() {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(url()).withOauthToken(adminToken)
                .withTrustCerts(true).withDisableHostnameVerification(true).build();
        vertx = io.vertx.core.Vertx.vertx(new io.vertx.core.VertxOptions().setUseDaemonThread(true)
                .setFileSystemOptions(new io.vertx.core.file.FileSystemOptions().setFileCachingEnabled(false)
                        .setClassPathResolvingEnabled(false)));
        admin = new KubernetesClientBuilder().withConfig(config)
                .withHttpClientFactory(new io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory(vertx)).build();
        Awaitility.await("kube-apiserver on " + url() + " to be ready (logs: " + work.resolve("logs") + ")")
                .atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> {
                    for (Process process : processes) {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("a control-plane process exited; see " + work.resolve("logs"));
                        }
                    }
                    return "ok".equals(admin.raw("/readyz"));
                });
    }

    private Path write(String name, String content) throws IOException {
        Path file = work.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    private static KeyPair rsaKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        if (vertx != null) {
            vertx.close();
        }
        for (int i = processes.size() - 1; i >= 0; i--) {
            Processes.stop(processes.get(i));
        }
    }
}
