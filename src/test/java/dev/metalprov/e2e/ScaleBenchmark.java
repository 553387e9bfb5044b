package dev.metalprov.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.metalprov.api.v1alpha1.ClaimPhase;
import dev.metalprov.api.v1alpha1.LabelSelector;
import dev.metalprov.api.v1alpha1.LocalObjectReference;
import dev.metalprov.api.v1alpha1.Power;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerClaimSpec;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.common.Conditions;
import dev.metalprov.testing.RedfishSimulator;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * How the operator copes with a rack at once, measured on the real control plane: a BMC with N
 * machines (the project's Redfish simulator) is discovered, N claims arrive together and are
 * bound, booted (the built-in boot service, a real registry) and powered On, then all are
 * released. It reports latency percentiles, throughput, API writes per claim and the operator's
 * resident memory for two rack sizes measured in the same run, and writes them to
 * docs/benchmarks.md ({@code ./mvnw -Pbenchmark package}). Nothing here fails on a time: the
 * figures are for reading, and the ratio between the two sizes is what carries over to another
 * machine.
 */
public final class ScaleBenchmark {

    private static final int[] RACK_SIZES = { 10, 40 };
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration DEADLINE = Duration.ofMinutes(10);
    private static final Pattern WRITE = Pattern.compile(
            "^apiserver_request_total\\{([^}]*)\\} (\\S+)$");

    /** The figures of one rack size. */
    record Result(int size, double discoverySeconds, List<Double> bindSeconds, List<Double> provisionSeconds,
            double flowSeconds, double releaseSeconds, double metalWritesPerClaim, double eventsPerClaim, long residentMiB) {
    }

    private ScaleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of("target", "benchmark");
        EndToEnd.deleteRecursively(work);
        ControlPlane plane = ControlPlane.start(work.resolve("control-plane"));
        BootService boot = null;
        OperatorProcess operator = null;
        try {
            plane.installOperator();
            boot = BootService.start(work.resolve("registry"));
            Map<String, String> settings = new HashMap<>(boot.operatorSettings());
            settings.put("METAL_POWER_POLL_INTERVAL", "1s");
            settings.put("METAL_RELEASE_CHECK_INTERVAL", "1s");
            operator = OperatorProcess.start(plane, work, settings);
            Yaml.apply(plane, Yaml.bmcSecret("bench-secret"));
            List<Result> results = new ArrayList<>();
            for (int size : RACK_SIZES) {
                System.out.println("Measuring a rack of " + size + "...");
                results.add(measure(plane, operator, size));
            }
            Path report = Path.of("docs", "benchmarks.md");
            Files.writeString(report, report(results));
            System.out.println(Files.readString(report));
        } finally {
            for (AutoCloseable part : new AutoCloseable[] { operator, boot, plane }) {
                if (part != null) {
                    part.close();
                }
            }
        }
    }

    private static Result measure(ControlPlane plane, OperatorProcess operator, int size) throws Exception {
        KubernetesClient admin = plane.admin();
        String rack = "rack-" + size;
        try (RedfishSimulator bmc = new RedfishSimulator(SushyEmulator.USERNAME, SushyEmulator.PASSWORD)) {
            for (int i = 0; i < size; i++) {
                bmc.addSystem("system-" + i, String.format("5ca1e000-0000-4000-8000-%06d%06d", size, i), "Off");
            }
            Instant discoveryStart = Instant.now();
            Yaml.apply(plane, Yaml.bmc(rack, bmc.port(), "bench-secret", "bench: " + rack));
            until("the " + size + " servers of " + rack + " to be Available", () -> admin.resources(Server.class)
                    .withLabel("bench", rack).list().getItems().stream()
                    .filter(s -> s.getStatus() != null && s.getStatus().getState() == ServerState.AVAILABLE).count() == size);
            double discovery = seconds(discoveryStart, Instant.now());

            admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(rack).endMetadata().build()).create();
            admin.secrets().inNamespace(rack).resource(new SecretBuilder().withNewMetadata().withName("ignition").endMetadata()
                    .withStringData(Map.of("ignition", "{\"ignition\":{\"version\":\"3.4.0\"}}")).build()).create();
            Map<String, Double> writesBefore = apiWrites(admin);
            Map<String, Instant> created = new HashMap<>();
            Map<String, Instant> bound = new HashMap<>();
            Map<String, Instant> on = new HashMap<>();
            for (int i = 0; i < size; i++) {
                String name = "claim-" + i;
                created.put(name, Instant.now());
                admin.resource(claim(rack, name)).create();
            }
            until("the " + size + " claims of " + rack + " to be powered On", () -> {
                Instant now = Instant.now();
                for (ServerClaim claim : admin.resources(ServerClaim.class).inNamespace(rack).list().getItems()) {
                    String name = claim.getMetadata().getName();
                    if (claim.getStatus() != null && claim.getStatus().getPhase() == ClaimPhase.BOUND) {
                        bound.putIfAbsent(name, now);
                    }
                    if (claim.getStatus() != null && Conditions.isTrue(claim.getStatus().getConditions(), "PowerStateReached")) {
                        on.putIfAbsent(name, now);
                    }
                }
                return on.size() == size;
            });
            Map<String, Double> writesAfter = apiWrites(admin);
            long residentMiB = operator.residentKiB() / 1024;
            Instant first = created.values().stream().min(Instant::compareTo).orElseThrow();
            Instant last = on.values().stream().max(Instant::compareTo).orElseThrow();
            List<Double> bindSeconds = created.keySet().stream().map(n -> seconds(created.get(n), bound.get(n))).sorted().toList();
            List<Double> provisionSeconds = created.keySet().stream().map(n -> seconds(bound.get(n), on.get(n))).sorted().toList();

            Instant releaseStart = Instant.now();
            admin.resources(ServerClaim.class).inNamespace(rack).delete();
            until("the servers of " + rack + " to be recycled", () -> admin.resources(ServerClaim.class).inNamespace(rack).list()
                    .getItems().isEmpty() && admin.resources(Server.class).withLabel("bench", rack).list().getItems().stream()
                            .filter(s -> s.getStatus().getState() == ServerState.AVAILABLE).count() == size);
            double release = seconds(releaseStart, Instant.now());
            // The benchmark's own writes (one create per claim) are not the operator's.
            double metalWrites = delta(writesBefore, writesAfter, "metal.ironcore.dev") - size;
            double events = delta(writesBefore, writesAfter, "events");
            return new Result(size, discovery, bindSeconds, provisionSeconds, seconds(first, last), release,
                    metalWrites / size, events / size, residentMiB);
        }
    }

    private static ServerClaim claim(String namespace, String name) {
        ServerClaim claim = new ServerClaim();
        claim.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        ServerClaimSpec spec = new ServerClaimSpec();
        spec.setPower(Power.ON);
        LabelSelector selector = new LabelSelector();
        selector.setMatchLabels(Map.of("bench", namespace));
        spec.setServerSelector(selector);
        spec.setImage("my-osimage:latest");
        spec.setIgnitionSecretRef(new LocalObjectReference("ignition"));
        claim.setSpec(spec);
        return claim;
    }

    /** Writes the API server has answered, by API group (core objects by resource), from its own metrics. */
    private static Map<String, Double> apiWrites(KubernetesClient admin) {
        Map<String, Double> writes = new HashMap<>();
        for (String line : admin.raw("/metrics").split("\n")) {
            Matcher matcher = WRITE.matcher(line);
            if (!matcher.matches()) {
                continue;
            }
            String labels = matcher.group(1);
            if (!labels.matches(".*verb=\"(POST|PUT|PATCH|DELETE)\".*")) {
                continue;
            }
            String group = label(labels, "group");
            String key = group.isEmpty() ? label(labels, "resource") : group;
            writes.merge(key, Double.parseDouble(matcher.group(2)), Double::sum);
        }
        return writes;
    }

    private static String label(String labels, String name) {
        Matcher matcher = Pattern.compile("(?:^|,)" + name + "=\"([^\"]*)\"").matcher(labels);
        return matcher.find() ? matcher.group(1) : "";
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String key) {
        return after.getOrDefault(key, 0.0) - before.getOrDefault(key, 0.0);
    }

    private static void until(String what, java.util.concurrent.Callable<Boolean> condition) {
        org.awaitility.Awaitility.await(what).atMost(DEADLINE).pollInterval(POLL).ignoreExceptions().until(condition);
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }

    private static double percentile(List<Double> sorted, double p) {
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static String report(List<Result> results) {
        StringBuilder text = new StringBuilder("""
                # Benchmarks

                Written by `ScaleBenchmark` (`./mvnw -Pbenchmark package`), which measures the packaged
                operator on a real kube-apiserver and etcd. A Redfish simulator (the project's own, on
                127.0.0.1) plays a BMC with N machines. The operator discovers them, and then N claims
                arrive together. The built-in boot service makes their boot configurations Ready from a
                real OCI registry, and the servers are powered On. Then all claims are deleted and the
                servers recycled.

                Settings: power poll interval 1 s, release check interval 1 s; everything else at its
                default. Latencies are seen by a client that polls every 100 ms. The operator ran as a
                JVM without a heap limit, so the JVM sized its heap from this machine's memory. In a
                container, the JVM sizes its heap from the container's memory limit, so resident
                memory there is lower.

                These figures come from a 2-core machine that other work was sharing, so absolute times
                vary from run to run. The ratio between the two rack sizes, measured in the same run,
                carries over to other machines; the absolute times do not.

                """);
        text.append("Measured on ").append(LocalDate.now()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores.\n\n");
        text.append("| figure |");
        results.forEach(r -> text.append(" rack of ").append(r.size()).append(" |"));
        text.append("\n|---|");
        results.forEach(r -> text.append("---|"));
        text.append('\n');
        row(text, "discovery: BMC created until every server is Available (s)", results, r -> fmt(r.discoverySeconds()));
        row(text, "bind latency p50 / p95 / max (s)", results, r -> fmt(percentile(r.bindSeconds(), 0.5)) + " / "
                + fmt(percentile(r.bindSeconds(), 0.95)) + " / " + fmt(percentile(r.bindSeconds(), 1.0)));
        row(text, "Bound until powered On, p50 / p95 / max (s)", results, r -> fmt(percentile(r.provisionSeconds(), 0.5)) + " / "
                + fmt(percentile(r.provisionSeconds(), 0.95)) + " / " + fmt(percentile(r.provisionSeconds(), 1.0)));
        row(text, "first claim created until last powered On (s)", results, r -> fmt(r.flowSeconds()));
        row(text, "throughput (claims powered On per second)", results, r -> fmt(r.size() / r.flowSeconds()));
        row(text, "API writes to metal.ironcore.dev objects per claim, by the operator", results,
                r -> fmt(r.metalWritesPerClaim()));
        row(text, "Events written per claim", results, r -> fmt(r.eventsPerClaim()));
        row(text, "all claims deleted until every server is Available again (s)", results, r -> fmt(r.releaseSeconds()));
        row(text, "operator resident memory after the flow (MiB)", results, r -> String.valueOf(r.residentMiB()));
        Result small = results.get(0);
        Result large = results.get(results.size() - 1);
        text.append("\nFrom ").append(small.size()).append(" to ").append(large.size()).append(" machines (")
                .append(fmt((double) large.size() / small.size())).append("x):\n");
        text.append("- the whole flow took ").append(fmt(large.flowSeconds() / small.flowSeconds())).append("x as long;\n");
        text.append("- p95 bind latency grew ").append(fmt(percentile(large.bindSeconds(), 0.95)
                / Math.max(0.001, percentile(small.bindSeconds(), 0.95)))).append("x;\n");
        text.append("- writes per claim went from ").append(fmt(small.metalWritesPerClaim())).append(" to ")
                .append(fmt(large.metalWritesPerClaim())).append(".\n");
        return text.toString();
    }

    private static void row(StringBuilder text, String figure, List<Result> results, java.util.function.Function<Result, String> cell) {
        text.append("| ").append(figure).append(" |");
        results.forEach(r -> text.append(' ').append(cell.apply(r)).append(" |"));
        text.append('\n');
    }

    private static String fmt(double value) {
        return String.format(java.util.Locale.ROOT, "%.2f", value);
    }
}
