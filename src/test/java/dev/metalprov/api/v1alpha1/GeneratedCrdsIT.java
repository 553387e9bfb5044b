package dev.metalprov.api.v1alpha1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * Runs after {@code package}: the CRDs this build generated from the API classes are exactly the
 * ones committed under deploy/crds/. Nobody edits them by hand, nobody forgets to regenerate.
 */
class GeneratedCrdsIT {

    private static final Path GENERATED = Path.of("target", "kubernetes");
    private static final String HOW_TO_FIX = "; run ./mvnw package -DskipTests -Pregenerate-crds and commit deploy/crds/";

    @Test
    void committedCrdsEqualTheGeneratedOnes() throws IOException {
        Set<String> generated = crdFiles(GENERATED);
        Set<String> committed = crdFiles(Manifests.CRDS);
        assertEquals(Set.of("servers", "serverclaims", "serverbootconfigurations", "bmcs", "bmcsecrets"),
                generated.stream().map(f -> f.substring(0, f.indexOf('.'))).collect(Collectors.toSet()),
                "the build generates a CRD for each of the five kinds");
        assertEquals(generated, committed, "deploy/crds/ and the generated CRDs name different files" + HOW_TO_FIX);
        for (String file : generated) {
            String expected = Files.readString(GENERATED.resolve(file));
            String actual = Files.readString(Manifests.CRDS.resolve(file));
            assertTrue(expected.contains("openAPIV3Schema"), file + " is a CRD with a schema");
            assertEquals(expected, actual, "deploy/crds/" + file + " differs from the generated CRD" + HOW_TO_FIX);
        }
        // deploy/base installs the CRDs through deploy/crds/kustomization.yaml: it names exactly these files.
        Set<String> listed = Files.readAllLines(Manifests.CRDS.resolve("kustomization.yaml")).stream()
                .map(String::strip).filter(line -> line.startsWith("- ")).map(line -> line.substring(2).strip())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(generated, listed, "deploy/crds/kustomization.yaml lists other files than the generated CRDs; list exactly those");
    }

    private static Set<String> crdFiles(Path directory) throws IOException {
        try (var files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(name -> name.endsWith("." + Metal.GROUP + "-v1.yml"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
