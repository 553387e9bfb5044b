package dev.metalprov.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The operator's class data sharing archive, written by the JVM that will run it, as the image
 * writes its own (src/main/docker/Dockerfile.jvm): the packaged jar carries Quarkus' AppCDS hook
 * ({@code quarkus.package.jar.appcds.enabled}), so with {@code -Dquarkus.appcds.generate=true} it
 * loads its classes and exits without connecting to anything. The jar is named by the same path
 * as {@link OperatorProcess} runs it: the archive records the class path as given.
 */
final class BenchArchive {

    private BenchArchive() {
    }

    static Path create(Path work) {
        Path archive = work.resolve("app-cds.jsa").toAbsolutePath();
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-XX:ArchiveClassesAtExit=" + archive, "-Dquarkus.appcds.generate=true", "-jar",
                Path.of("target", "quarkus-app", "quarkus-run.jar").toString());
        long started = System.nanoTime();
        Processes.run(command, Map.of(), Duration.ofMinutes(3)).orFail("writing the class data sharing archive");
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("no archive at " + archive + " after " + String.join(" ", command));
        }
        System.out.printf("Class data sharing archive written in %.1f s%n", (System.nanoTime() - started) / 1e9);
        return archive;
    }
}
