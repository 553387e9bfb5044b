package dev.metalprov.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The Helm chart of deploy/helm/metal-operator renders what the kustomize overlays render: with
 * its default values the objects of deploy/overlays/builtin-boot, with {@code boot.builtin=false}
 * those of deploy/overlays/external-boot, object by object and field by field. It passes
 * {@code helm lint --strict}, and its crds/ are deploy/crds. helm is built from the Go module
 * proxy by src/test/helm/helm.sh.
 *
 * <p>What the comparison leaves out, and why:
 * <ul>
 * <li>Helm's release labels in {@code metadata.labels} ({@code helm.sh/chart},
 * {@code app.kubernetes.io/managed-by}, {@code app.kubernetes.io/instance},
 * {@code app.kubernetes.io/version}): the chart must carry them to follow Helm's conventions,
 * and they name the release, which the overlays cannot know. Selectors and pod labels carry none
 * of them and are compared.</li>
 * <li>The overlays' Namespace object: a chart installs into its release namespace, which
 * {@code helm install -n metal-system --create-namespace} creates; a Namespace in the chart would
 * clash with it (and Helm keeps its release record in that namespace before it creates
 * anything).</li>
 * </ul>
 */
class HelmChartIT {

    static final Path CHART = Path.of("deploy", "helm", "metal-operator");
    private static final String NAMESPACE = "metal-system";
    private static final Set<String> HELM_LABELS = Set.of("helm.sh/chart", "app.kubernetes.io/managed-by", "app.kubernetes.io/instance",
            "app.kubernetes.io/version");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static String helm;

    @BeforeAll
    static void buildHelm() throws Exception {
        String out = run(List.of("bash", "src/test/helm/helm.sh"), 20).strip();
        helm = out.substring(out.lastIndexOf('\n') + 1);
    }

    @Test
    void theChartPassesHelmLint() throws Exception {
        String out = run(List.of(helm, "lint", "--strict", CHART.toString()), 2);
        assertTrue(out.contains("1 chart(s) linted, 0 chart(s) failed"), out);
    }

    @Test
    void withItsDefaultsItRendersTheBuiltInBootOverlay() throws Exception {
        assertSameObjects(kustomize(Kustomize.BUILTIN_BOOT), helmTemplate());
    }

    @Test
    void withoutTheBuiltInBootServiceItRendersTheExternalBootOverlay() throws Exception {
        assertSameObjects(kustomize(Kustomize.EXTERNAL_BOOT), helmTemplate("--set", "boot.builtin=false"));
    }

    /** The comparison sees the values: a changed one makes it fail, naming the object. */
    @Test
    void aValueThatDiffersFromTheOverlayIsCaught() throws Exception {
        Map<String, JsonNode> overlay = kustomize(Kustomize.BUILTIN_BOOT);
        overlay.remove("Namespace/" + NAMESPACE);
        for (String[] value : List.of(new String[] { "replicas=3", "Deployment/metal-operator" },
                new String[] { "boot.advertisedUrl=http://10.0.0.1:8082", "Deployment/metal-operator" },
                new String[] { "resources.limits.memory=2Gi", "Deployment/metal-operator" },
                new String[] { "boot.port=8083", "Service/metal-operator-boot" })) {
            Map<String, JsonNode> chart = helmTemplate("--set", value[0]);
            assertEquals(Set.of(), difference(overlay.keySet(), chart.keySet()), value[0]);
            List<String> differences = differences("", overlay.get(value[1]), chart.get(value[1]));
            assertEquals(1, differences.size(), value[0] + " shows in " + value[1] + ", and nothing else does: " + differences);
        }
        Map<String, JsonNode> image = helmTemplate("--set", "image.repository=registry.example/metal-operator", "--set", "image.tag=1.2.3");
        assertEquals("registry.example/metal-operator:1.2.3",
                image.get("Deployment/metal-operator").at("/spec/template/spec/containers/0/image").asText());
    }

    @Test
    void theChartsCrdsAreThoseOfDeployCrds() throws IOException {
        Path crds = Path.of("deploy", "crds");
        Set<String> shipped;
        try (var files = Files.list(crds)) {
            shipped = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yml")).collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> copied;
        try (var files = Files.list(CHART.resolve("crds"))) {
            copied = files.map(f -> f.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        String fix = "; copy them: cp deploy/crds/*.yml deploy/helm/metal-operator/crds/";
        assertEquals(shipped, copied, "the chart's crds/" + fix);
        for (String file : shipped) {
            assertEquals(Files.readString(crds.resolve(file)), Files.readString(CHART.resolve("crds").resolve(file)), file + fix);
        }
    }

    private static void assertSameObjects(Map<String, JsonNode> overlay, Map<String, JsonNode> chart) {
        assertTrue(overlay.remove("Namespace/" + NAMESPACE) != null, "the overlay installs the namespace");
        assertEquals(Set.of(), difference(overlay.keySet(), chart.keySet()), "in the overlay but not rendered by the chart");
        assertEquals(Set.of(), difference(chart.keySet(), overlay.keySet()), "rendered by the chart but not in the overlay");
        assertTrue(overlay.size() >= 15, "the objects were read: " + overlay.keySet());
        for (String key : overlay.keySet()) {
            assertEquals(List.of(), differences("", overlay.get(key), chart.get(key)), key + ": overlay and chart differ at");
        }
    }

    /** Where two objects differ, as paths with both values: readable where a whole CRD is not. */
    static List<String> differences(String path, JsonNode a, JsonNode b) {
        List<String> found = new ArrayList<>();
        if (a != null && b != null && a.isObject() && b.isObject()) {
            Set<String> fields = new TreeSet<>();
            a.fieldNames().forEachRemaining(fields::add);
            b.fieldNames().forEachRemaining(fields::add);
            fields.forEach(f -> found.addAll(differences(path + "/" + f, a.get(f), b.get(f))));
        } else if (a != null && b != null && a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                found.addAll(differences(path + "/" + i, a.get(i), b.get(i)));
            }
        } else if (!sameValue(a, b)) {
            found.add(path + ": " + a + " != " + b);
        }
        return found;
    }

    /**
     * Numbers by value: deploy/crds has the generator's {@code maximum: 65535.0}, which kubectl
     * kustomize re-serialises as {@code 65535} and Helm passes on as written; the API server
     * reads both as the same number.
     */
    private static boolean sameValue(JsonNode a, JsonNode b) {
        if (a != null && b != null && a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return java.util.Objects.equals(a, b);
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> rest = new TreeSet<>(a);
        rest.removeAll(b);
        return rest;
    }

    private static Map<String, JsonNode> kustomize(Path overlay) throws IOException {
        return objects(Kustomize.render(overlay), false);
    }

    private static Map<String, JsonNode> helmTemplate(String... values) throws Exception {
        List<String> command = new ArrayList<>(List.of(helm, "template", "metal-operator", CHART.toString(), "--namespace", NAMESPACE,
                "--include-crds"));
        command.addAll(List.of(values));
        return objects(run(command, 2), true);
    }

    /** The documents as objects by kind and name; Helm's own labels taken out of the chart's. */
    private static Map<String, JsonNode> objects(String yaml, boolean fromHelm) throws IOException {
        Map<String, JsonNode> objects = new TreeMap<>();
        for (String document : yaml.split("(?m)^---\\s*$")) {
            JsonNode object = YAML.readTree(document);
            if (object == null || object.isMissingNode() || object.isEmpty()) {
                continue;
            }
            if (fromHelm && object.at("/metadata/labels") instanceof ObjectNode labels) {
                labels.remove(HELM_LABELS);
                if (labels.isEmpty()) {
                    ((ObjectNode) object.get("metadata")).remove("labels");
                }
            }
            String key = object.get("kind").asText() + "/" + object.at("/metadata/name").asText();
            assertTrue(objects.put(key, object) == null, "two objects " + key);
        }
        return objects;
    }

    private static String run(List<String> command, int minutes) throws IOException, InterruptedException {
        Path log = Files.createTempFile("helm", ".log");
        Path errors = Files.createTempFile("helm", ".err");
        Process process = new ProcessBuilder(command).redirectError(errors.toFile()).redirectOutput(log.toFile()).start();
        // helm.sh builds helm on its first run: about a minute on 2 cores with the modules cached.
        if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in " + minutes + " minutes");
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        String err = Files.readString(errors, StandardCharsets.UTF_8);
        Files.delete(log);
        Files.delete(errors);
        assertEquals(0, process.exitValue(), String.join(" ", command) + " failed:\n" + err + out);
        return out;
    }
}
