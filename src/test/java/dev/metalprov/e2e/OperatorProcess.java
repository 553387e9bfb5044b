package dev.metalprov.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;

import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;

/**
 * The operator as users run it: the packaged application in its own JVM, authenticated as the
 * ServiceAccount that deploy/base grants (a token from the TokenRequest API), nothing more;
 * in the prod profile, so with leader election through the Lease in its namespace.
 */
final class OperatorProcess implements AutoCloseable {

    static final String NAMESPACE = "metal-system";
    static final String SERVICE_ACCOUNT = "metal-operator";

    private final Process process;
    private final int port;

    private OperatorProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static OperatorProcess start(ControlPlane plane, Path work, Map<String, String> settings) {
        return start(plane, work, settings, List.of());
    }

    /**
     * Starts the operator with these options for its JVM (heap size, GC), put before {@code -jar};
     * the native executable takes none.
     */
    static OperatorProcess start(ControlPlane plane, Path work, Map<String, String> settings, List<String> jvmOptions) {
        OperatorProcess operator = launch(plane, plane.url(), work, "operator", settings, jvmOptions);
        try {
            operator.awaitReady(work, "operator");
            return operator;
        } catch (RuntimeException e) {
            operator.close();
            throw e;
        }
    }

    /**
     * Starts the operator against the API server at {@code apiServerUrl} (the control plane's, or a
     * proxy in front of it) and returns at once, without waiting for it to be ready.
     */
    static OperatorProcess launch(ControlPlane plane, String apiServerUrl, Path work, String log, Map<String, String> settings) {
        return launch(plane, apiServerUrl, work, log, settings, List.of());
    }

    static OperatorProcess launch(ControlPlane plane, String apiServerUrl, Path work, String log, Map<String, String> settings,
            List<String> jvmOptions) {
        List<String> command = command(jvmOptions);
        TokenRequest request = plane.admin().serviceAccounts().inNamespace(NAMESPACE).withName(SERVICE_ACCOUNT)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(7200L).endSpec().build());
        int port = Processes.freePort();
        Map<String, String> environment = new HashMap<>(settings);
        // The token goes in a kubeconfig file only the operator's user can read: not on the command
        // line, where ps would show it, nor in a Quarkus setting, whose value Quarkus prints in its
        // start-up warning about settings fixed at build time.
        environment.put("KUBECONFIG", kubeconfig(work.resolve(log + ".kubeconfig"), apiServerUrl, request.getStatus().getToken())
                .toString());
        environment.put("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", apiServerUrl);
        environment.put("QUARKUS_KUBERNETES_CLIENT_TRUST_CERTS", "true");
        environment.put("QUARKUS_KUBERNETES_CLIENT_NAMESPACE", NAMESPACE);
        environment.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        environment.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        // Unless asked otherwise, the metadata service listens on a free loopback port, so that
        // several operators of one run (and of other builds on this machine) never fight over 10002.
        environment.putIfAbsent("METAL_METADATA_HOST", "127.0.0.1");
        environment.putIfAbsent("METAL_METADATA_PORT", "0");
        // No restart on a failed start: a first list that fails (a watch dropped after a CRD was
        // installed, an API server not answering yet) is retried by the operator itself, and
        // StartupRetryIT shows it; restarting here would hide a regression.
        return new OperatorProcess(Processes.start(log, command, environment, work.resolve("logs")), port);
    }

    private static Path kubeconfig(Path file, String apiServerUrl, String token) {
        String content = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: cluster
                  cluster:
                    server: %s
                    insecure-skip-tls-verify: true
                users:
                - name: operator
                  user:
                    token: %s
                contexts:
                - name: operator
                  context:
                    cluster: cluster
                    user: operator
                    namespace: %s
                current-context: operator
                """.formatted(apiServerUrl, token, NAMESPACE);
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, content);
            return file.toAbsolutePath();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The HTTP status of one of the operator's health endpoints ("live", "ready", "started"). */
    int health(String endpoint) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/" + endpoint))
                .timeout(Duration.ofSeconds(2)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The packaged operator: the jar, or with -Pnative (operator.native) the native executable. */
    private static List<String> command(List<String> jvmOptions) {
        if (Boolean.getBoolean("operator.native")) {
            try (var files = Files.list(Path.of("target"))) {
                Path executable = files.filter(f -> f.getFileName().toString().endsWith("-runner") && Files.isExecutable(f))
                        .findFirst().orElseThrow(() -> new IllegalStateException("no native executable (target/*-runner)"));
                return List.of(executable.toString());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: the end-to-end tests run after package");
        }
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        return command;
    }

    /** The operator's resident memory, in KiB, as the kernel counts it (VmRSS). */
    long residentKiB() {
        return status("VmRSS");
    }

    /**
     * A number of the operator's /proc status, e.g. {@code Threads}, {@code VmRSS} or
     * {@code VmHWM} (peak resident, KiB); -1 when it cannot be read.
     */
    long status(String field) {
        try {
            return Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status")).stream()
                    .filter(l -> l.startsWith(field + ":")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst()
                    .orElse(-1);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Starts the kernel's peak resident count (VmHWM) again from now; false where the kernel
     * does not let this process do so.
     */
    boolean resetPeakResident() {
        try {
            Files.writeString(Path.of("/proc", String.valueOf(process.pid()), "clear_refs"), "5");
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    long pid() {
        return process.pid();
    }

    /** Where the operator's Prometheus metrics are served. */
    URI metrics() {
        return URI.create("http://127.0.0.1:" + port + "/q/metrics");
    }

    private void awaitReady(Path work, String log) {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        Awaitility.await("the operator to be ready (log: " + work.resolve("logs/" + log + ".log") + ")")
                .atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .ignoreExceptionsMatching(e -> e instanceof IOException)
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("the operator exited; see " + work.resolve("logs/" + log + ".log"));
                    }
                    return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                });
    }

    @Override
    public void close() {
        Processes.stop(process);
    }
}
