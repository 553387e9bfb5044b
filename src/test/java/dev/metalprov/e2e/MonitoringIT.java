package dev.metalprov.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * deploy/monitoring against the running operator: its exposition passes promtool's checks, the
 * alert rules are valid and their promtool unit tests pass, and every metric the rules and the
 * dashboard use is one the operator exposes.
 */
@ExtendWith(EndToEnd.class)
class MonitoringIT {

    private static final Path MONITORING = Path.of("deploy", "monitoring");
    private static final Pattern METRIC = Pattern.compile("\\b((?:metal|operator_sdk)_[a-z_]+)\\b");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Created by the SDK on the first failed reconcile; a healthy run never has it. */
    private static final Set<String> CREATED_ON_FIRST_FAILURE = Set.of("operator_sdk_reconciliations_failed_total");

    static Path work;
    static String promtool;
    static String exposition;

    @BeforeAll
    static void scrape(EndToEnd.Environment environment) throws Exception {
        work = Files.createDirectories(Path.of("target", "e2e", "monitoring"));
        // One claim, so that the SDK's per-controller metrics exist whichever test class ran first.
        Path claim = Files.writeString(work.resolve("claim.yaml"), """
                apiVersion: metal.ironcore.dev/v1alpha1
                kind: ServerClaim
                metadata:
                  name: monitoring
                  namespace: default
                spec:
                  power: "Off"
                  image: my-osimage:latest
                  serverRef:
                    name: not-there
                """);
        environment.plane.kubectl("apply", "-f", claim.toString()).orFail("applying a claim");
        SeedFlowIT.await("the claim to be reconciled", () -> environment.plane.admin()
                .resources(dev.metalprov.api.v1alpha1.ServerClaim.class).inNamespace("default").withName("monitoring").get(),
                c -> c.getStatus() != null);
        // And a BMC that answers nowhere, which the readiness gauge must count.
        Yaml.apply(environment, Yaml.bmc("monitoring-unreachable", Processes.freePort(), "monitoring-secret", ""));
        promtool = Processes.run(List.of("bash", "src/test/monitoring/promtool.sh"), Map.of(), Duration.ofMinutes(5))
                .orFail("finding promtool").out().strip();
        HttpClient http = HttpClient.newHttpClient();
        exposition = SeedFlowIT.await("the failing BMC to show in the metrics", () -> {
            try {
                return http.send(HttpRequest.newBuilder(environment.operator.metrics())
                        // The classic text format, which promtool checks; without it the operator answers OpenMetrics.
                        .header("Accept", "text/plain; version=0.0.4; charset=utf-8").build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, body -> body.lines().anyMatch(l -> l.matches("metal_bmcs_by_ready\\{ready=\"false\",?\\} [1-9].*")));
        Files.writeString(work.resolve("metrics.txt"), exposition);
    }

    /**
     * promtool's lint on the whole exposition, as Prometheus scrapes it in the classic text
     * format: the operator's own families and the stack's (JVM, HTTP server, the Java Operator
     * SDK). Any finding fails.
     */
    @Test
    void theWholeExpositionPassesPromtool() throws Exception {
        Path file = work.resolve("metrics.txt");
        Processes.Result result = Processes.run(List.of("bash", "-c", promtool + " check metrics < " + file), Map.of(),
                Duration.ofMinutes(1));
        List<String> findings = (result.out() + result.err()).lines().filter(l -> !l.isBlank()).toList();
        assertEquals(List.of(), findings, "promtool check metrics");
        assertEquals(0, result.exitCode(), "promtool check metrics");
        assertTrue(exposition.contains("# HELP metal_claims_by_phase "), "the operator's metrics were checked");
        assertTrue(exposition.contains("# HELP operator_sdk_reconciliations_started_total "), "the SDK's metrics were checked");
    }

    @Test
    void theAlertRulesAreValidAndTheirUnitTestsPass() throws Exception {
        JsonNode rule = YAML.readTree(MONITORING.resolve("prometheus-rule.yaml").toFile());
        YAML.writeValue(work.resolve("rules.yaml").toFile(), rule.get("spec"));
        Files.copy(Path.of("src", "test", "monitoring", "alerts-test.yaml"), work.resolve("alerts-test.yaml"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Processes.run(List.of(promtool, "check", "rules", work.resolve("rules.yaml").toString()), Map.of(), Duration.ofMinutes(1))
                .orFail("promtool check rules");
        Processes.run(List.of(promtool, "test", "rules", work.resolve("alerts-test.yaml").toString()), Map.of(), Duration.ofMinutes(1))
                .orFail("promtool test rules");
    }

    @Test
    void everyMetricTheRulesAndTheDashboardUseIsExposed() throws Exception {
        Set<String> exposed = new TreeSet<>();
        exposition.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .forEach(l -> exposed.add(l.split("[{ ]", 2)[0]));
        Set<String> used = new TreeSet<>();
        JsonNode dashboard = new ObjectMapper().readTree(MONITORING.resolve("dashboard.json").toFile());
        dashboard.findValues("expr").forEach(expr -> used.addAll(metricsIn(expr.asText())));
        YAML.readTree(MONITORING.resolve("prometheus-rule.yaml").toFile()).findValues("expr")
                .forEach(expr -> used.addAll(metricsIn(expr.asText())));
        assertTrue(used.size() >= 10, "the dashboard and rules use the operator's metrics: " + used);
        Set<String> missing = new TreeSet<>(used);
        missing.removeAll(exposed);
        missing.removeAll(CREATED_ON_FIRST_FAILURE);
        assertEquals(Set.of(), missing, "used by deploy/monitoring but not exposed");
    }

    private static Set<String> metricsIn(String expr) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
