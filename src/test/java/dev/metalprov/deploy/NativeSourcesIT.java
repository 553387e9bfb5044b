package dev.metalprov.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * Runs after {@code package}, whose native-sources execution produced what GraalVM's native-image
 * compiles (target/native-sources/): the arguments, the runner jar, and in it the reflection
 * registrations, which must cover every class of the API that Jackson (de)serializes.
 */
class NativeSourcesIT {

    private static final Path SOURCES = Path.of("target", "native-sources");
    private static final Path API_CLASSES = Path.of("target", "classes", "dev", "metalprov", "api", "v1alpha1");

    @Test
    void theNativeImageInputsAreThere() throws IOException {
        String arguments = Files.readString(SOURCES.resolve("native-image.args"));
        assertTrue(arguments.contains("--no-fallback"), "a native image that never falls back to a JVM: " + arguments);
        assertTrue(Files.isDirectory(SOURCES.resolve("lib")), "the runner's libraries");
    }

    @Test
    void everyApiClassIsRegisteredForReflection() throws IOException {
        Path runner;
        try (var files = Files.list(SOURCES)) {
            runner = files.filter(f -> f.getFileName().toString().endsWith("-runner.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no runner jar in " + SOURCES));
        }
        String reflection;
        try (JarFile jar = new JarFile(runner.toFile())) {
            var entry = jar.getEntry("META-INF/native-image/reflect-config.json");
            reflection = new String(jar.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
        }
        Set<String> apiClasses;
        try (var files = Files.list(API_CLASSES)) {
            apiClasses = files.map(f -> f.getFileName().toString())
                    .filter(name -> name.endsWith(".class") && !name.contains("$"))
                    .map(name -> "dev.metalprov.api.v1alpha1." + name.substring(0, name.length() - ".class".length()))
                    // constants only: group, labels, finalizer names
                    .filter(name -> !name.endsWith(".Metal"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertTrue(apiClasses.size() > 40, "the API classes were found: " + apiClasses);
        Set<String> missing = apiClasses.stream().filter(name -> !reflection.contains("\"" + name + "\""))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of(), missing, "API classes the native image could not (de)serialize");
    }
}
