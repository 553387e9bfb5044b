package dev.metalprov.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The JVM options the shipped Deployment gives the operator, for running the jar outside a
 * container with the same heap. The image (src/main/docker/Dockerfile.jvm, Red Hat's
 * openjdk-21-runtime) starts the JVM through run-java.sh, which sizes the heap from the
 * container's memory limit: {@code -XX:MaxRAMPercentage} of {@code JAVA_MAX_MEM_RATIO} (80 unless
 * the Deployment sets it), with its default GC options. Outside a container the JVM would size it
 * from the machine's memory, so the limit is passed as {@code -XX:MaxRAM} (which also gives the
 * initial heap of a container that size) and the resulting maximum as an explicit {@code -Xmx}.
 * Options the Deployment sets itself in {@code JAVA_OPTS}, {@code JAVA_OPTS_APPEND} or
 * {@code JAVA_TOOL_OPTIONS} come last and so win. Variables that tune the C library under the JVM
 * ({@code MALLOC_*}) are handed on as they are, for the operator's process environment.
 */
final class DeploymentJvm {

    /** run-java.sh's defaults when JAVA_MAX_MEM_RATIO and GC_* are not set. */
    static final double DEFAULT_MAX_MEM_RATIO = 80.0;
    static final List<String> IMAGE_GC_OPTIONS = List.of("-XX:+UseParallelGC", "-XX:MinHeapFreeRatio=10",
            "-XX:MaxHeapFreeRatio=20", "-XX:GCTimeRatio=4", "-XX:AdaptiveSizePolicyWeight=90", "-XX:+ExitOnOutOfMemoryError");

    /** What was read from the Deployment and the options made from it. */
    record Options(long memoryLimitBytes, double maxMemRatio, List<String> jvmOptions, Map<String, String> nativeEnvironment) {

        long maxHeapMiB() {
            return (long) (memoryLimitBytes * maxMemRatio / 100) / (1024 * 1024);
        }

        long memoryLimitMiB() {
            return memoryLimitBytes / (1024 * 1024);
        }
    }

    private DeploymentJvm() {
    }

    /** The options of deploy/base/deployment.yaml's operator container. */
    static Options fromDeployBase() {
        return from(Path.of("deploy", "base", "deployment.yaml"));
    }

    static Options from(Path deploymentFile) {
        Deployment deployment;
        try (InputStream in = Files.newInputStream(deploymentFile)) {
            deployment = Serialization.unmarshal(in, Deployment.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        Quantity limit = Optional.ofNullable(container.getResources()).map(r -> r.getLimits()).map(l -> l.get("memory"))
                .orElseThrow(() -> new IllegalStateException(deploymentFile + " sets no memory limit for " + container.getName()));
        long limitBytes = Quantity.getAmountInBytes(limit).longValue();
        Map<String, String> env = container.getEnv() == null ? Map.of()
                : container.getEnv().stream().filter(e -> e.getValue() != null)
                        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue, (a, b) -> b));
        double ratio = env.containsKey("JAVA_MAX_MEM_RATIO") ? Double.parseDouble(env.get("JAVA_MAX_MEM_RATIO"))
                : DEFAULT_MAX_MEM_RATIO;
        List<String> options = new ArrayList<>();
        options.add("-XX:MaxRAM=" + limitBytes);
        Map<String, String> nativeEnvironment = env.entrySet().stream().filter(e -> e.getKey().startsWith("MALLOC_"))
                // Sorted, so that the report names them in the same order every run.
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> b, java.util.TreeMap::new));
        Options sized = new Options(limitBytes, ratio, options, nativeEnvironment);
        options.add("-Xmx" + sized.maxHeapMiB() + "m");
        options.addAll(IMAGE_GC_OPTIONS);
        for (String name : List.of("JAVA_OPTS", "JAVA_OPTS_APPEND", "JAVA_TOOL_OPTIONS")) {
            if (env.containsKey(name)) {
                Arrays.stream(env.get(name).trim().split("\\s+")).filter(o -> !o.isEmpty()).forEach(options::add);
            }
        }
        return new Options(limitBytes, ratio, List.copyOf(options), nativeEnvironment);
    }
}
