package dev.metalprov.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import org.awaitility.Awaitility;

import io.fabric8.kubernetes.api.model.Node;

/**
 * The one node of the in-cluster tests: Debian's containerd (with runc and the CNI plugins) and
 * the kubelet that build.sh built, registered as node {@value ControlPlane#NODE_NAME}.
 *
 * <p>Everything it starts is undone by {@link #close}, also when a test failed:
 * <ul>
 * <li>containerd, its shims and the kubelet run in a mount namespace of their own, with tmpfs
 * over the machine-wide folders containerd, CNI and the kubelet write to ({@code /run/netns},
 * {@code /run/containerd}, {@code /var/lib/cni}, {@code /var/log/containers}); every other path is
 * under the test's work folder. When the last of their processes is gone, so are all their
 * mounts (volumes, root file systems, the pods' network namespaces).</li>
 * <li>Pods run in a cgroup of their own ({@code cgroupRoot}, in every hierarchy); at the end every
 * process left in it is killed and the cgroups are removed.</li>
 * </ul>
 */
final class ClusterNode implements AutoCloseable {

    private static final Path CGROUPS = Path.of("/sys/fs/cgroup");
    /**
     * The registry of the shipped image references. The node pulls them from the loopback
     * registry instead, as a disconnected cluster's nodes pull from a mirror: a manifest that
     * names ghcr.io/metalprov/metal-operator (the OLM bundle's CSV) runs unchanged with the image
     * the test pushed under that repository and tag.
     */
    static final String SHIPPED_REGISTRY = "ghcr.io";

    private final Path work;
    private final String cgroupName = "metalprov-" + Long.toHexString(ThreadLocalRandom.current().nextLong(0x100000, 0xffffff));
    private final List<Path> cgroupRoots = new ArrayList<>();
    private Process containerd;
    private String mountNamespace;
    private Process kubelet;

    private ClusterNode(Path work) {
        this.work = work.toAbsolutePath();
    }

    /**
     * Fails, saying why, where a node cannot run: not root, no cgroup file system, no
     * unshare/nsenter. The in-cluster tests never skip silently.
     */
    static void requireHost() {
        List<String> missing = new ArrayList<>();
        try {
            String status = Files.readString(Path.of("/proc/self/status"));
            if (!status.lines().anyMatch(l -> l.matches("Uid:\\s+0\\s.*"))) {
                missing.add("root (the kubelet, containerd, the bridge and iptables need it; run the tests as root)");
            }
        } catch (IOException e) {
            missing.add("/proc/self/status: " + e.getMessage());
        }
        if (!Files.exists(CGROUPS.resolve("cgroup.controllers")) && !Files.isDirectory(CGROUPS.resolve("memory"))) {
            missing.add("a cgroup file system at /sys/fs/cgroup (v2, or v1 with the memory controller)");
        }
        for (String tool : new String[] { "unshare", "nsenter", "ip", "gcc" }) {
            if (Processes.run(List.of("sh", "-c", "command -v " + tool), Map.of(), Duration.ofSeconds(10)).exitCode() != 0) {
                missing.add(tool);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the in-cluster tests cannot run a node on this machine; missing: " + missing);
        }
    }

    static ClusterNode start(ControlPlane plane, PodNetwork network, Path work, String registry, String pauseImage) {
        ClusterNode node = new ClusterNode(work);
        try {
            node.boot(plane, network, registry, pauseImage);
            return node;
        } catch (RuntimeException | IOException e) {
            node.close();
            throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
        }
    }

    private void boot(ControlPlane plane, PodNetwork network, String registry, String pauseImage) throws IOException {
        Files.createDirectories(work.resolve("cni"));
        Files.writeString(work.resolve("cni/10-metalprov.conflist"), network.cniConfiguration(work.resolve("cni-ipam")));
        Path socket = work.resolve("containerd/containerd.sock");
        Files.createDirectories(socket.getParent());
        // restrict_oom_score_adj: the machine may lack CAP_SYS_RESOURCE, which lowering an OOM score needs.
        Path config = write("containerd/config.toml", """
                version = 2
                root = "%1$s/containerd/root"
                state = "%1$s/containerd/state"
                disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
                  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]
                [grpc]
                  address = "%2$s"
                [ttrpc]
                  address = "%2$s.ttrpc"
                [plugins."io.containerd.internal.v1.opt"]
                  path = "%1$s/containerd/opt"
                [plugins."io.containerd.grpc.v1.cri"]
                  sandbox_image = "%3$s"
                  restrict_oom_score_adj = true
                  [plugins."io.containerd.grpc.v1.cri".containerd]
                    snapshotter = "overlayfs"
                    default_runtime_name = "runc"
                    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
                      runtime_type = "io.containerd.runc.v2"
                  [plugins."io.containerd.grpc.v1.cri".cni]
                    bin_dir = "/usr/lib/cni"
                    conf_dir = "%1$s/cni"
                  [plugins."io.containerd.grpc.v1.cri".registry.mirrors."%4$s"]
                    endpoint = ["http://%4$s"]
                  [plugins."io.containerd.grpc.v1.cri".registry.mirrors."%5$s"]
                    endpoint = ["http://%4$s"]
                """.formatted(work, socket, pauseImage, registry, SHIPPED_REGISTRY));
        // A mount namespace of its own, with tmpfs over the machine-wide folders; the shims it starts live in it too.
        String privateFolders = "/run/netns /run/containerd /var/lib/cni /var/log/containers";
        containerd = Processes.start("containerd", List.of("unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                "set -e; for d in " + privateFolders + "; do mkdir -p $d; mount -t tmpfs -o mode=0755 tmpfs $d; done; "
                        + "exec containerd --config " + config), Map.of(), work.resolve("logs"));
        Awaitility.await("containerd to listen on " + socket + " (log: " + work.resolve("logs/containerd.log") + ")")
                .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    if (!containerd.isAlive()) {
                        throw new IllegalStateException("containerd exited; see " + work.resolve("logs/containerd.log"));
                    }
                    return Files.exists(socket);
                });
        mountNamespace = Files.readSymbolicLink(Path.of("/proc", String.valueOf(containerd.pid()), "ns/mnt")).toString();
        if (mountNamespace.equals(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString())) {
            throw new IllegalStateException("containerd did not get a mount namespace of its own");
        }

        createCgroupRoot();
        int port = Processes.freePort();
        int healthzPort = Processes.freePort();
        Path kubeletConfig = write("kubelet/config.yaml", """
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                failCgroupV1: false
                cgroupDriver: cgroupfs
                cgroupRoot: /%s
                containerRuntimeEndpoint: unix://%s
                address: 127.0.0.1
                port: %d
                readOnlyPort: 0
                healthzBindAddress: 127.0.0.1
                healthzPort: %d
                authentication:
                  anonymous:
                    enabled: true
                  webhook:
                    enabled: false
                authorization:
                  mode: AlwaysAllow
                failSwapOn: false
                podLogsDir: %s
                resolvConf: /etc/resolv.conf
                maxPods: 16
                serializeImagePulls: false
                evictionHard:
                  memory.available: 100Mi
                  nodefs.available: "1%%"
                  imagefs.available: "1%%"
                  nodefs.inodesFree: "1%%"
                """.formatted(cgroupName, socket, port, healthzPort, work.resolve("pod-logs")));
        kubelet = Processes.start("kubelet", List.of("nsenter", "--mount=/proc/" + containerd.pid() + "/ns/mnt", "--",
                plane.binaries().resolve("kubelet").toString(),
                "--config=" + kubeletConfig,
                "--kubeconfig=" + plane.nodeKubeconfig().toAbsolutePath(),
                "--root-dir=" + work.resolve("kubelet/root"),
                "--hostname-override=" + ControlPlane.NODE_NAME,
                "--v=1"), Map.of(), work.resolve("logs"));
        Awaitility.await("node " + ControlPlane.NODE_NAME + " to be Ready (logs: " + work.resolve("logs") + ")")
                .atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
                    if (!kubelet.isAlive() || !containerd.isAlive()) {
                        throw new IllegalStateException("the kubelet or containerd exited; see " + work.resolve("logs"));
                    }
                    Node node = plane.admin().nodes().withName(ControlPlane.NODE_NAME).get();
                    return node != null && node.getStatus().getConditions().stream()
                            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
                });
    }

    /** The pods' cgroup, in every hierarchy (cgroup v1) or once (v2); the kubelet wants it to exist. */
    private void createCgroupRoot() throws IOException {
        List<Path> hierarchies = new ArrayList<>();
        if (Files.exists(CGROUPS.resolve("cgroup.controllers"))) {
            hierarchies.add(CGROUPS);
        } else {
            try (Stream<Path> entries = Files.list(CGROUPS)) {
                entries.filter(p -> Files.isDirectory(p) && !Files.isSymbolicLink(p) && Files.exists(p.resolve("cgroup.procs")))
                        .forEach(hierarchies::add);
            }
        }
        for (Path hierarchy : hierarchies) {
            Path root = hierarchy.resolve(cgroupName);
            Files.createDirectories(root);
            cgroupRoots.add(root);
        }
    }

    /** Processes in the pods' cgroups (the containers). */
    private Set<Long> podProcesses() {
        Set<Long> pids = new TreeSet<>();
        for (Path root : cgroupRoots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(f -> f.getFileName().toString().equals("cgroup.procs")).forEach(f -> {
                    try {
                        Files.readAllLines(f).stream().filter(l -> !l.isBlank()).map(Long::parseLong).forEach(pids::add);
                    } catch (IOException e) {
                        // Removed meanwhile.
                    }
                });
            } catch (IOException | UncheckedIOException e) {
                // Removed meanwhile.
            }
        }
        return pids;
    }

    /** Processes in containerd's mount namespace: containerd, the kubelet, the shims. */
    private Set<Long> namespaceProcesses() {
        Set<Long> pids = new TreeSet<>();
        if (mountNamespace == null) {
            return pids;
        }
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            entries.filter(p -> p.getFileName().toString().matches("\\d+")).forEach(p -> {
                try {
                    if (mountNamespace.equals(Files.readSymbolicLink(p.resolve("ns/mnt")).toString())) {
                        pids.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // Gone meanwhile.
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pids;
    }

    /** The resident memory of the pods' processes (the containers and their sandboxes), in KiB. */
    long podResidentKiB() {
        long total = 0;
        for (long pid : podProcesses()) {
            try {
                total += Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream()
                        .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).sum();
            } catch (IOException | NumberFormatException e) {
                // Gone meanwhile.
            }
        }
        return total;
    }

    /** The resident memory of one container's processes (known by its ID), in KiB. */
    long residentKiB(String containerId) {
        long total = 0;
        for (long pid : containerProcesses(containerId)) {
            try {
                total += Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream()
                        .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).sum();
            } catch (IOException | NumberFormatException e) {
                // Gone meanwhile.
            }
        }
        return total;
    }

    /**
     * The processes of one container, known by its ID (the part of a pod status' containerID
     * after {@code containerd://}): those in the pods' cgroups whose cgroup path names it.
     */
    Set<Long> containerProcesses(String containerId) {
        Set<Long> pids = new TreeSet<>();
        for (long pid : podProcesses()) {
            try {
                if (Files.readString(Path.of("/proc", String.valueOf(pid), "cgroup")).contains(containerId)) {
                    pids.add(pid);
                }
            } catch (IOException e) {
                // Gone meanwhile.
            }
        }
        return pids;
    }

    /** The command name of a process ({@code /proc/<pid>/comm}), or "" once it is gone. */
    static String command(long pid) {
        try {
            return Files.readString(Path.of("/proc", String.valueOf(pid), "comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static void kill(Set<Long> pids) {
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    private static void awaitGone(String what, java.util.function.Supplier<Set<Long>> processes) {
        java.util.concurrent.atomic.AtomicReference<Set<Long>> left = new java.util.concurrent.atomic.AtomicReference<>(Set.of());
        try {
            org.awaitility.Awaitility.await(what + " to be gone").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        left.set(processes.get());
                        kill(left.get());
                        return left.get().isEmpty();
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            System.err.println("still running after the in-cluster tests (" + what + "): " + left.get());
        }
    }

    private Path write(String name, String content) throws IOException {
        Path file = work.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    /**
     * Stops the kubelet, then kills what is left in the pods' cgroups and in containerd's mount
     * namespace (the containers, the shims, containerd), and removes the cgroups and the
     * container images' root file systems.
     */
    @Override
    public void close() {
        Processes.stop(kubelet);
        awaitGone("containers", this::podProcesses);
        Processes.stop(containerd);
        awaitGone("containerd's shims", this::namespaceProcesses);
        for (Path root : cgroupRoots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> folders = Files.walk(root)) {
                folders.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).forEach(folder -> {
                    try {
                        Files.delete(folder);
                    } catch (IOException e) {
                        System.err.println("cannot remove the cgroup " + folder + ": " + e);
                    }
                });
            } catch (IOException | UncheckedIOException e) {
                System.err.println("cannot remove the cgroups under " + root + ": " + e);
            }
        }
        // The unpacked images (a few hundred MB); only once nothing is mounted from them any more.
        if (namespaceProcesses().isEmpty()) {
            EndToEnd.deleteRecursively(work.resolve("containerd/root"));
        }
    }
}
