package dev.metalprov.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

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
        System.out.println("Starting the local stack in " + work + " (the first run builds kube-apiserver and etcd: a few minutes)...");
        ControlPlane plane = ControlPlane.start(work.resolve("control-plane"));
        SushyEmulator seedRack = null;
        SushyEmulator poolRack = null;
        OperatorProcess operator = null;
        BootService boot = null;
        int metadataPort = Processes.freePort();
        try {
            plane.installOperator();
            seedRack = SushyEmulator.start(work.resolve("sushy-seed"), EndToEnd.SEED_RACK);
            poolRack = SushyEmulator.start(work.resolve("sushy-pool"), EndToEnd.POOL_RACK);
            boot = BootService.start(work.resolve("registry"));
            java.util.Map<String, String> settings = new java.util.HashMap<>(boot.operatorSettings());
            settings.put("METAL_METADATA_HOST", "127.0.0.1");
            settings.put("METAL_METADATA_PORT", String.valueOf(metadataPort));
            operator = OperatorProcess.start(plane, work, settings);
            applySamples(plane, work, seedRack, poolRack);
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
                  kubectl get servers,serverclaims,serverbootconfigurations
                  kubectl get bmcs

                The boot server answers on %s (e.g. /ipxe/<server UUID>).
                The metadata service answers on http://127.0.0.1:%d (/v1/, with the header
                Metadata-Flavor: IronCore Metal, to the addresses servers list in their status).
                Logs are in %s. Press Ctrl-C to stop everything.
                """, plane.kubeconfig().toAbsolutePath(), boot.url(), metadataPort, work.resolve("logs").toAbsolutePath());
        stopped.await();
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
