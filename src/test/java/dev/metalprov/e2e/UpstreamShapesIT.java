package dev.metalprov.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.common.Conditions;

/**
 * The shapes of the manifests IronCore's metal-operator ships as samples and in its
 * documentation, one fixture of the project's own per shape (src/test/resources/e2e/upstream-shapes):
 * the real API server accepts each one, with kubectl's strict field validation, and keeps every
 * field of its spec as written, so that nothing a manifest says is pruned or reinterpreted on
 * the way in. The refused cases are in {@link ApiValidationIT}.
 */
@ExtendWith(EndToEnd.class)
class UpstreamShapesIT {

    private static final Path SHAPES = Path.of("src", "test", "resources", "e2e", "upstream-shapes");
    private static final String NAMESPACE = "upstream-shapes";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void namespace(EndToEnd.Environment environment) {
        if (environment.plane.admin().namespaces().withName(NAMESPACE).get() == null) {
            environment.plane.kubectl("create", "namespace", NAMESPACE).orFail("creating the namespace " + NAMESPACE);
        }
    }

    static Stream<Path> shapes() throws IOException {
        return Files.list(SHAPES).filter(f -> f.toString().endsWith(".yaml")).sorted();
    }

    @Test
    void everyKindHasItsShapes() throws IOException {
        Map<String, Long> perKind = shapes().map(UpstreamShapesIT::kindOf)
                .collect(java.util.stream.Collectors.groupingBy(k -> k, java.util.stream.Collectors.counting()));
        for (String kind : new String[] {"Server", "ServerClaim", "ServerBootConfiguration", "BMC", "BMCSecret"}) {
            assertTrue(perKind.getOrDefault(kind, 0L) >= 1, "no fixture of kind " + kind + ": " + perKind);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void isAcceptedAsWritten(Path file, EndToEnd.Environment environment) throws IOException {
        Processes.Result result = environment.plane.kubectl("apply", "--dry-run=server", "--validate=strict", "-o", "json",
                "-f", file.toString());
        assertEquals(0, result.exitCode(), file + " was refused: " + result.err());
        JsonNode written = YAML.readTree(file.toFile());
        JsonNode admitted = JSON.readTree(result.out());
        for (String part : new String[] {"spec", "data", "stringData", "type"}) {
            if (written.has(part)) {
                assertContains(part, written.get(part), admitted.get(part), file);
            }
        }
        written.path("metadata").path("labels").fields().forEachRemaining(label -> assertEquals(label.getValue().asText(),
                admitted.path("metadata").path("labels").path(label.getKey()).asText(), file + ": label " + label.getKey()));
    }

    /**
     * Upstream's inventory Servers name no BMC. Applied for real, such a Server is no error: the
     * operator keeps it in Initial and says why, and the fields it was written with stay.
     */
    @Test
    void aServerWithoutABmcWaitsInInitialAndSaysWhy(EndToEnd.Environment environment) {
        Path file = SHAPES.resolve("server-inventory-without-bmc.yaml");
        environment.plane.kubectl("apply", "-f", file.toString()).orFail("applying " + file);
        var servers = environment.plane.admin().resources(Server.class);
        try {
            Server waiting = SeedFlowIT.await("the BMC-less server to wait in Initial with reason NoBMC",
                    () -> servers.withName("shape-dc2-row4-rack2-srv7").get(),
                    s -> s.getStatus() != null && s.getStatus().getState() == ServerState.INITIAL
                            && "NoBMC".equals(Conditions.reason(s.getStatus().getConditions(), "BMCReachable").orElse(null)));
            assertEquals("00000000-0000-0000-0004-000200070001", waiting.getSpec().getSystemUUID());
            assertEquals("4-2", waiting.getMetadata().getLabels().get("metadata.metal.ironcore.dev/rack"));
        } finally {
            servers.withName("shape-dc2-row4-rack2-srv7").delete();
        }
    }

    /** Every field written is in the admitted object with the same value; defaults may add fields. */
    private static void assertContains(String path, JsonNode written, JsonNode admitted, Path file) {
        assertTrue(admitted != null && !admitted.isMissingNode(), file + ": " + path + " was dropped");
        if (written.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = written.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                assertContains(path + "." + field.getKey(), field.getValue(), admitted.get(field.getKey()), file);
            }
        } else if (written.isArray()) {
            assertEquals(written.size(), admitted.size(), file + ": " + path + " changed its length");
            for (int i = 0; i < written.size(); i++) {
                assertContains(path + "[" + i + "]", written.get(i), admitted.get(i), file);
            }
        } else {
            assertEquals(written.asText(), admitted.asText(), file + ": " + path);
        }
    }

    private static String kindOf(Path file) {
        try {
            return YAML.readTree(file.toFile()).path("kind").asText();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
