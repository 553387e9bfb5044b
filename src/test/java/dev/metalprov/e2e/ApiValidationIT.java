package dev.metalprov.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the API server itself refuses, one YAML file per case (src/test/resources/e2e/invalid):
 * each is applied with kubectl and must be refused with a message that names the field (the
 * file's "# expect:" line). Files named *.update.yaml hold a valid object and then a change to
 * it that must be refused. Every sample in deploy/samples, on the other hand, is accepted.
 */
@ExtendWith(EndToEnd.class)
class ApiValidationIT {

    private static final Path CASES = Path.of("src", "test", "resources", "e2e", "invalid");

    static Stream<Path> cases() throws IOException {
        return Files.list(CASES).filter(f -> f.toString().endsWith(".yaml")).sorted();
    }

    @Test
    void thereAreEnoughCases() throws IOException {
        assertTrue(cases().count() >= 15, "at least 15 refused manifests");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedNamingTheField(Path file, EndToEnd.Environment environment) throws IOException {
        String text = Files.readString(file);
        String expected = text.lines().filter(l -> l.startsWith("# expect: ")).findFirst()
                .orElseThrow(() -> new IllegalStateException(file + " has no '# expect:' line")).substring("# expect: ".length());
        String toApply = text;
        if (file.getFileName().toString().endsWith(".update.yaml")) {
            String[] documents = text.split("(?m)^---\\s*$");
            Path first = Files.writeString(Files.createTempFile("valid", ".yaml"), documents[0]);
            environment.plane.kubectl("apply", "-f", first.toString()).orFail("creating the valid object of " + file);
            toApply = documents[1];
        }
        Path manifest = Files.writeString(Files.createTempFile("refused", ".yaml"), toApply);
        Processes.Result result = environment.plane.kubectl("apply", "-f", manifest.toString());
        assertNotEquals(0, result.exitCode(), file + " was accepted: " + result.out());
        assertTrue(result.err().contains(expected), file + ": expected the refusal to say '" + expected + "' but it said: " + result.err());
    }

    static Stream<String> overlays() {
        return Stream.of("deploy/overlays/builtin-boot", "deploy/overlays/external-boot");
    }

    /** Each overlay, rendered by kubectl's kustomize, in full: the API server admits every object of it. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void everyOverlayIsAccepted(String overlay, EndToEnd.Environment environment) {
        Processes.Result result = environment.plane.kubectl("apply", "--dry-run=server", "-k", overlay);
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("deployment.apps/metal-operator"), result.out());
    }

    @Test
    void everySampleIsAccepted(EndToEnd.Environment environment) {
        Processes.Result result = environment.plane.kubectl("apply", "--dry-run=server", "-f", "deploy/samples/");
        assertEquals(0, result.exitCode(), result.err());
    }
}
