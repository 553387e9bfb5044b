package dev.metalprov.e2e;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The product's main job in one command ({@code ./mvnw -Plocal package}).
 *
 * <p>With {@code -Dlocal.kubeconfig=PATH}, the operator runs against that cluster (install
 * deploy/overlays/builtin-boot there first: CRDs, namespace and RBAC). Without it, a local stack
 * comes up on 127.0.0.1: a real kube-apiserver and etcd, a simulated rack of Redfish BMCs
 * (sushy-tools), an OCI registry with the samples' image, the operator as its ServiceAccount with
 * its boot service, and the samples of deploy/samples; it prints how to point kubectl at it and
 * runs until Ctrl-C, which stops everything it started.
 */
public final class LocalStack {

    private LocalStack() {
    }

    public static void main(String[] args) throws Exception {
        // Only an explicit -Dlocal.kubeconfig runs the operator against a cluster: a KUBECONFIG left
        // in the shell must not turn a local try-out into an operator acting on a real fleet.
        String kubeconfig = System.getProperty("local.kubeconfig", "");
        if (!kubeconfig.isBlank()) {
            runAgainst(kubeconfig);
            return;
        }
        String ambient = System.getenv("KUBECONFIG");
        if (ambient != null && !ambient.isBlank()) {
            System.out.println("KUBECONFIG is set in this shell and not used: the local stack starts. To run the operator"
                    + " against that cluster instead: ./mvnw -Plocal package -Dlocal.kubeconfig=" + ambient);
        }
        Path work = Path.of("target", "local-stack");
        System.out.println("Starting the local stack in " + work + "; each step is shown as it starts and ends.");
        step("the control plane's binaries (built from the Go module proxy on the first run only, then cached)", LocalStack::buildControlPlane);
        ControlPlane plane = step("starting etcd, kube-apiserver and kube-controller-manager on 127.0.0.1",
                () -> ControlPlane.start(work.resolve("control-plane")));
        SushyEmulator seedRack = null;
        SushyEmulator poolRack = null;
        OperatorProcess operator = null;
        BootService boot = null;
        int metadataPort = Processes.freePort();
        try {
            step("installing deploy/overlays/builtin-boot (CRDs, namespace, RBAC)", () -> {
                plane.installOperator();
                return null;
            });
            boolean firstSushy = !Files.exists(Path.of(".venv", "bin", "sushy-emulator"));
            seedRack = step("starting the simulated BMCs (sushy-tools" + (firstSushy ? ", installed into .venv first: about a minute" : "")
                    + ")", () -> SushyEmulator.start(work.resolve("sushy-seed"), EndToEnd.SEED_RACK));
            poolRack = SushyEmulator.start(work.resolve("sushy-pool"), EndToEnd.POOL_RACK);
            boot = step("starting the OCI registry and pushing the samples' image my-osimage:latest",
                    () -> BootService.start(work.resolve("registry")));
            Map<String, String> settings = new HashMap<>(boot.operatorSettings());
            settings.put("METAL_METADATA_HOST", "127.0.0.1");
            settings.put("METAL_METADATA_PORT", String.valueOf(metadataPort));
            operator = step("starting the operator (target/quarkus-app) as its ServiceAccount, until it is ready",
                    () -> OperatorProcess.start(plane, work, settings));
            SushyEmulator seed = seedRack;
            SushyEmulator pool = poolRack;
            step("applying the samples of deploy/samples (a BMC, servers, two claims)", () -> {
                applySamples(plane, work, seed, pool);
                return null;
            });
        } catch (RuntimeException e) {
            new EndToEnd.Environment(plane, seedRack, poolRack, null, operator, boot, metadataPort).close();
            throw e;
        }
        EndToEnd.Environment stack = new EndToEnd.Environment(plane, seedRack, poolRack, null, operator, boot, metadataPort);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping the local stack...");
            stack.close();
            stopped.countDown();
        }));
        System.out.printf("""

                The local stack is up. In another shell:

                  export KUBECONFIG=%s
                  kubectl get serverclaims -w
                  kubectl wait --for=condition=Ready serverclaim/my-server-claim --timeout=5m
                  kubectl get servers,serverbootconfigurations,bmcs

                The boot server answers on %s (e.g. /ipxe/<server UUID>).
                The metadata service answers on http://127.0.0.1:%d (/v1/, with the header
                Metadata-Flavor: IronCore Metal, to the addresses servers list in their status).
                Logs are in %s. Press Ctrl-C to stop everything.
                """, plane.kubeconfig().toAbsolutePath(), boot.url(), metadataPort, work.resolve("logs").toAbsolutePath());
        stopped.await();
    }

    /** Runs one step of the start-up, saying when it starts and how long it took, or that it failed. */
    private static <T> T step(String what, Callable<T> action) throws Exception {
        System.out.println("- " + what + "...");
        long started = System.nanoTime();
        try {
            T result = action.call();
            System.out.printf("  done in %.1f s%n", (System.nanoTime() - started) / 1e9);
            return result;
        } catch (Exception | Error e) {
            System.out.printf("  failed after %.1f s: %s%n", (System.nanoTime() - started) / 1e9, e.getMessage());
            throw e;
        }
    }

    /** How long each command takes to build the first time, on 2 cores (docs/testing.md). */
    private static final Map<String, String> FIRST_BUILD = Map.of(
            "kube-apiserver", "about 4 minutes",
            "kube-controller-manager", "about a minute",
            "kube-scheduler", "under a minute",
            "kubelet", "under a minute",
            "etcd", "about 30 s");

    /**
     * src/test/controlplane/build.sh, with what it says shown as it happens: on the first run it
     * builds each command for minutes, which would otherwise pass in silence. ControlPlane.start
     * runs it again and finds everything built.
     */
    private static Void buildControlPlane() throws Exception {
        Process build = new ProcessBuilder("bash", "src/test/controlplane/build.sh").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        Pattern building = Pattern.compile("building (\\S+) into (\\S+) \\(first run only\\)\\.\\.\\.");
        try (var lines = new BufferedReader(new InputStreamReader(build.getErrorStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                Matcher m = building.matcher(line);
                System.out.println(m.matches()
                        ? "  building " + m.group(1) + " (first run, " + FIRST_BUILD.getOrDefault(m.group(1), "a while") + ") into "
                                + m.group(2) + "..."
                        : "  " + line);
            }
        }
        if (build.waitFor() != 0) {
            throw new IllegalStateException("src/test/controlplane/build.sh failed (exit " + build.exitValue() + ")");
        }
        return null;
    }

    private static void applySamples(ControlPlane plane, Path work, SushyEmulator seedRack, SushyEmulator poolRack)
            throws Exception {
        Path samples = Files.createDirectories(work.resolve("samples"));
        Files.writeString(samples.resolve("bmcsecret.yaml"), """
                apiVersion: metal.ironcore.dev/v1alpha1
                kind: BMCSecret
                metadata:
                  name: my-bmc-secret
                stringData:
                  username: %s
                  password: %s
                """.formatted(SushyEmulator.USERNAME, SushyEmulator.PASSWORD));
        Files.writeString(samples.resolve("bmc.yaml"), Files.readString(Path.of("deploy", "samples", "bmc.yaml"))
                .replace("port: 8000", "port: " + poolRack.port()));
        Files.writeString(samples.resolve("servers.yaml"), Files.readString(Path.of("deploy", "samples", "servers.yaml"))
                .replace("port: 8000", "port: " + seedRack.port()));
        for (String file : List.of("bmcsecret.yaml", "bmc.yaml", "servers.yaml")) {
            plane.kubectl("apply", "-f", samples.resolve(file).toString()).orFail("applying " + file);
        }
        for (String file : List.of("ignition-secret.yaml", "serverclaim-by-name.yaml", "serverclaim-by-selector.yaml")) {
            plane.kubectl("apply", "-f", Path.of("deploy", "samples", file).toString()).orFail("applying " + file);
        }
    }

    private static void runAgainst(String kubeconfig) throws Exception {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        System.out.println("Running the operator against the cluster of " + kubeconfig
                + " (install it there first: kubectl apply -k deploy/overlays/builtin-boot). Ctrl-C stops it.");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-jar", jar.toString()).inheritIO();
        builder.environment().put("KUBECONFIG", kubeconfig);
        Process operator = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Processes.stop(operator)));
        System.exit(operator.waitFor());
    }
}
