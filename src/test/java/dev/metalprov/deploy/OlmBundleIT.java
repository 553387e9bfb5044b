package dev.metalprov.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * deploy/olm is exactly what the generator (src/test/olm) makes of deploy/ and src/main/olm, and
 * it passes operator-framework's own validators (github.com/operator-framework/api).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OlmBundleIT {

    private static final Path COMMITTED = Path.of("deploy", "olm");
    private static final Path GENERATED = Path.of("target", "olm", "bundle");
    private static final String HOW_TO_FIX = "; run ./mvnw package -DskipTests -Pregenerate-bundle and commit deploy/olm/";

    @Test
    @Order(1)
    void theCommittedBundleIsTheGeneratedOne() throws Exception {
        String output = bundleTool("generate", GENERATED.toString());
        Set<Path> generated = files(GENERATED);
        assertEquals(generated, files(COMMITTED), "deploy/olm/ and the generated bundle name different files" + HOW_TO_FIX + "\n" + output);
        for (Path file : generated) {
            assertEquals(Files.readString(GENERATED.resolve(file)), Files.readString(COMMITTED.resolve(file)),
                    "deploy/olm/" + file + " differs from the generated one" + HOW_TO_FIX);
        }
    }

    @Test
    @Order(2)
    void theBundlePassesOperatorFrameworksValidators() throws Exception {
        String output = bundleTool("validate", COMMITTED.toString());
        assertTrue(output.contains("passes operator-framework's validators"), output);
    }

    /**
     * ClusterRoles aggregated into the built-in roles (the tenants' roles) are no permission of the
     * operator: generated from the shipped overlay plus two such roles (a fixture), the bundle is
     * the committed one, CSV and all, plus the two roles as manifests of their own, unchanged.
     */
    @Test
    @Order(3)
    void aggregatedClusterRolesAreShippedAsRolesNotMergedIntoTheOperatorsPermissions() throws Exception {
        Path fixture = Path.of("src", "test", "resources", "olm", "with-tenant-roles");
        Path out = Path.of("target", "olm", "with-tenant-roles");
        bundleTool("generate", out.toString(), fixture.toString());
        Set<Path> expected = new TreeSet<>(files(COMMITTED));
        Path editor = Path.of("manifests", "fixture-serverclaim-editor_rbac.authorization.k8s.io_v1_clusterrole.yaml");
        Path viewer = Path.of("manifests", "fixture-serverclaim-viewer_rbac.authorization.k8s.io_v1_clusterrole.yaml");
        expected.addAll(List.of(editor, viewer));
        assertEquals(expected, files(out));
        for (Path file : files(COMMITTED)) {
            assertEquals(Files.readString(COMMITTED.resolve(file)), Files.readString(out.resolve(file)),
                    file + " changed when aggregated ClusterRoles were added to the overlay");
        }
        List<ClusterRole> fixtureRoles = java.util.Arrays.stream(Files.readString(fixture.resolve("tenant-roles.yaml")).split("\n---\n"))
                .map(document -> Serialization.unmarshal(document, ClusterRole.class)).toList();
        for (Path file : List.of(editor, viewer)) {
            ClusterRole role = Serialization.unmarshal(Files.readString(out.resolve(file)), ClusterRole.class);
            ClusterRole original = fixtureRoles.stream().filter(r -> r.getMetadata().getName().equals(role.getMetadata().getName()))
                    .findFirst().orElseThrow();
            assertEquals(original.getMetadata().getLabels(), role.getMetadata().getLabels(), file.toString());
            assertEquals(original.getRules(), role.getRules(), file.toString());
        }
        String output = bundleTool("validate", out.toString());
        assertTrue(output.contains("passes operator-framework's validators"), output);
    }

    /** Runs src/test/olm/bundle.sh (which builds the Go tool on its first run); fails with its output. */
    private static String bundleTool(String... arguments) throws IOException, InterruptedException {
        Path log = Files.createDirectories(Path.of("target", "olm")).resolve(arguments[0] + ".log");
        List<String> command = new java.util.ArrayList<>(List.of("bash", "src/test/olm/bundle.sh"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // A cold build of the tool takes a few minutes on 2 cores; later runs a second or two.
        if (!process.waitFor(15, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("bundle.sh " + String.join(" ", arguments) + " did not finish in 15 minutes; see " + log);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), "bundle.sh " + String.join(" ", arguments) + " failed:\n" + output);
        return output;
    }

    private static Set<Path> files(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile).map(root::relativize).collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
