package dev.metalprov.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.api.model.Service;

/**
 * deploy/monitoring as {@code kubectl apply -k} installs it, rendered by kubectl kustomize: the
 * dashboard in a ConfigMap the Grafana sidecar loads, the ServiceMonitor, and alert rules that
 * each link to their section of docs/runbooks.md. The rules' behaviour is promtool's to test
 * ({@code MonitoringIT}); here: what ties the pieces together.
 */
class MonitoringKustomizationTest {

    private static final Path MONITORING = Path.of("deploy", "monitoring");
    private static final Path RUNBOOKS = Path.of("docs", "runbooks.md");
    /** Where the runbooks are read: the repository's docs on GitHub, which renders the anchors. */
    private static final String RUNBOOK_BASE = "https://github.com/metalprov/metal-operator/blob/main/docs/runbooks.md#";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern METRIC = Pattern.compile("\\b((?:metal|operator_sdk)_[a-z_]+|up)\\b(\\{[^}]*\\})?");

    static Map<String, JsonNode> objects = new LinkedHashMap<>();

    @BeforeAll
    static void render() throws IOException {
        for (String document : Kustomize.render(MONITORING).split("(?m)^---\\s*$")) {
            if (!document.isBlank()) {
                JsonNode object = YAML.readTree(document);
                objects.put(object.get("kind").asText() + "/" + object.at("/metadata/name").asText(), object);
            }
        }
    }

    @Test
    void itInstallsTheServiceMonitorTheRulesAndTheDashboard() {
        assertEquals(Set.of("ConfigMap/metal-operator-dashboard", "ServiceMonitor/metal-operator", "PrometheusRule/metal-operator"),
                objects.keySet(), "every object is one kubectl knows a kind of: no bare JSON file among them");
        objects.values().forEach(o -> assertEquals("metal-system", o.at("/metadata/namespace").asText(), o.toString()));
    }

    @Test
    void theDashboardIsAConfigMapForTheGrafanaSidecar() throws IOException {
        JsonNode configMap = objects.get("ConfigMap/metal-operator-dashboard");
        assertEquals("1", configMap.at("/metadata/labels/grafana_dashboard").asText(), "the sidecar's label");
        JsonNode data = configMap.get("data");
        assertEquals(1, data.size(), "one dashboard");
        assertEquals(JSON.readTree(MONITORING.resolve("dashboard.json").toFile()), JSON.readTree(data.get("metal-operator.json").asText()),
                "the ConfigMap carries deploy/monitoring/dashboard.json as it is");
    }

    @Test
    void everyAlertLinksToItsSectionOfTheRunbooks() throws IOException {
        Map<String, String> sections = runbookSections();
        Set<String> alerts = new TreeSet<>();
        for (JsonNode rule : rules()) {
            String alert = rule.get("alert").asText();
            alerts.add(alert);
            String url = rule.at("/annotations/runbook_url").asText();
            assertTrue(url.startsWith(RUNBOOK_BASE), alert + ": runbook_url " + url);
            String anchor = url.substring(RUNBOOK_BASE.length());
            assertTrue(sections.containsKey(anchor), alert + ": no section with anchor #" + anchor + " in " + RUNBOOKS
                    + " (anchors: " + sections.keySet() + ")");
            String section = sections.get(anchor);
            for (String part : List.of("**What it means.**", "**How to check.**", "**How to fix.**")) {
                assertTrue(section.contains(part), alert + ": its runbook has no " + part);
            }
        }
        Set<String> orphans = new TreeSet<>(sections.keySet());
        alerts.forEach(a -> orphans.remove(anchor(a)));
        assertEquals(Set.of(), orphans, "runbook sections of no alert");
    }

    /**
     * The operator-down alert watches the scrape job's {@code up} series, by the job name the
     * ServiceMonitor gives it (the metrics Service's label named by {@code jobLabel}), so it fires
     * when the operator's own metrics are gone with it; and the dashboard's job variable offers
     * that name.
     */
    @Test
    void theOperatorDownAlertWatchesTheScrapeJobTheServiceMonitorNames() throws IOException {
        JsonNode monitor = objects.get("ServiceMonitor/metal-operator");
        String jobLabel = monitor.at("/spec/jobLabel").asText();
        assertFalse(jobLabel.isEmpty(), "the ServiceMonitor names its job after a label of the Service");
        Service metrics = Kustomize.find(Kustomize.objects(Kustomize.BASE), Service.class, "metal-operator-metrics");
        monitor.at("/spec/selector/matchLabels").fields()
                .forEachRemaining(l -> assertEquals(l.getValue().asText(), metrics.getMetadata().getLabels().get(l.getKey()),
                        "the ServiceMonitor selects the metrics Service of deploy/base"));
        String job = metrics.getMetadata().getLabels().get(jobLabel);
        JsonNode down = rules().stream().filter(r -> r.get("alert").asText().equals("MetalOperatorDown")).findFirst()
                .orElseThrow(() -> new AssertionError("no MetalOperatorDown alert"));
        assertEquals("absent(up{job=\"" + job + "\"} == 1)", down.get("expr").asText().strip());
        JsonNode dashboard = JSON.readTree(MONITORING.resolve("dashboard.json").toFile());
        assertEquals(job, variable(dashboard, "job").at("/current/value").asText(), "the dashboard's default job");
    }

    @Test
    void everyPanelHasAUnitAndEveryQueryTheNamespaceAndJobVariables() throws IOException {
        JsonNode dashboard = JSON.readTree(MONITORING.resolve("dashboard.json").toFile());
        for (String name : List.of("namespace", "job")) {
            assertEquals("query", variable(dashboard, name).get("type").asText(), name);
        }
        int selectors = 0;
        for (JsonNode panel : dashboard.get("panels")) {
            String title = panel.get("title").asText();
            assertFalse(panel.at("/fieldConfig/defaults/unit").asText().isEmpty(), "panel '" + title + "' has no unit");
            assertTrue(panel.get("targets").size() > 0, title);
            for (JsonNode target : panel.get("targets")) {
                String expr = target.get("expr").asText();
                Matcher metric = METRIC.matcher(expr);
                int found = 0;
                while (metric.find()) {
                    found++;
                    String selector = metric.group(2) == null ? "" : metric.group(2);
                    assertTrue(selector.contains("namespace=\"$namespace\"") && selector.contains("job=\"$job\""),
                            "panel '" + title + "': " + metric.group(1) + " without the namespace and job variables in " + expr);
                }
                assertTrue(found > 0, "panel '" + title + "' queries no metric of the operator: " + expr);
                selectors += found;
            }
        }
        assertTrue(selectors >= 15, "the dashboard's queries were checked: " + selectors);
    }

    private static JsonNode variable(JsonNode dashboard, String name) {
        for (JsonNode variable : dashboard.at("/templating/list")) {
            if (variable.get("name").asText().equals(name)) {
                return variable;
            }
        }
        throw new AssertionError("the dashboard has no variable " + name);
    }

    private static List<JsonNode> rules() {
        List<JsonNode> rules = new ArrayList<>();
        objects.get("PrometheusRule/metal-operator").at("/spec/groups").forEach(group -> group.get("rules").forEach(rules::add));
        assertTrue(rules.size() >= 9, "the rules were read: " + rules.size());
        return rules;
    }

    /** The second-level sections of the runbooks, by the anchor GitHub gives their heading. */
    private static Map<String, String> runbookSections() throws IOException {
        Map<String, String> sections = new LinkedHashMap<>();
        String current = null;
        StringBuilder text = new StringBuilder();
        for (String line : Files.readAllLines(RUNBOOKS)) {
            if (line.startsWith("## ")) {
                if (current != null) {
                    sections.put(current, text.toString());
                }
                current = anchor(line.substring(3));
                text.setLength(0);
            } else {
                text.append(line).append('\n');
            }
        }
        if (current != null) {
            sections.put(current, text.toString());
        }
        return sections;
    }

    /** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
    static String anchor(String heading) {
        return heading.strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }
}
