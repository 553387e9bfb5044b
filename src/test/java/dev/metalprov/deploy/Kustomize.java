package dev.metalprov.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** deploy/ as users install it: a kustomization rendered by the machine's kubectl, as objects. */
public final class Kustomize {

    public static final Path BASE = Path.of("deploy", "base");
    public static final Path BUILTIN_BOOT = Path.of("deploy", "overlays", "builtin-boot");
    public static final Path EXTERNAL_BOOT = Path.of("deploy", "overlays", "external-boot");
    public static final List<Path> OVERLAYS = List.of(BUILTIN_BOOT, EXTERNAL_BOOT);

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Kustomize() {
    }

    /** The YAML kubectl kustomize prints for the folder; fails when it cannot render it. */
    public static String render(Path kustomization) {
        try {
            Path out = Files.createTempFile("kustomize", ".yaml");
            Path err = Files.createTempFile("kustomize", ".err");
            Process process = new ProcessBuilder("kubectl", "kustomize", kustomization.toString())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("kubectl kustomize " + kustomization + " did not finish in 2 minutes");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("kubectl kustomize " + kustomization + " failed: " + Files.readString(err));
            }
            String yaml = Files.readString(out, StandardCharsets.UTF_8);
            Files.delete(out);
            Files.delete(err);
            return yaml;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The rendered objects, typed where fabric8 knows the kind. */
    public static List<HasMetadata> objects(Path kustomization) {
        return Arrays.stream(render(kustomization).split("(?m)^---\\s*$"))
                .filter(document -> !document.isBlank())
                .map(document -> (HasMetadata) SERIALIZATION.unmarshal(document))
                .toList();
    }

    /** The one object of the kind and name; fails when there is none. */
    public static <T extends HasMetadata> T find(List<HasMetadata> objects, Class<T> type, String name) {
        return optional(objects, type, name).orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    public static <T extends HasMetadata> Optional<T> optional(List<HasMetadata> objects, Class<T> type, String name) {
        return objects.stream().filter(type::isInstance).map(type::cast)
                .filter(o -> o.getMetadata().getName().equals(name)).findFirst();
    }
}
