package dev.metalprov.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real OCI registry on loopback (Debian's docker-registry, the CNCF distribution registry),
 * started for a test run and stopped at its end, and a small client that pushes boot images to
 * it over the OCI distribution API the way a build pipeline would.
 */
public final class OciTestRegistry implements AutoCloseable {

    public static final String KERNEL = "application/vnd.ironcore.image.kernel";
    public static final String INITRAMFS = "application/vnd.ironcore.image.initramfs";
    public static final String SQUASHFS = "application/vnd.ironcore.image.squashfs";
    public static final String UKI = "application/vnd.ironcore.image.uki";
    public static final String IMAGE_CONFIG = "application/vnd.ironcore.image.config.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One layer of an image: its media type and content. */
    public record Blob(String mediaType, byte[] content) {

        public String digest() {
            return sha256(content);
        }
    }

    private final Process process;
    private final String host;
    private final HttpClient http = HttpClient.newHttpClient();

    private OciTestRegistry(Process process, String host) {
        this.process = process;
        this.host = host;
    }

    /** Starts an empty registry storing into the folder, on a free loopback port; it answers before this returns. */
    public static OciTestRegistry start(Path work) {
        return start(work, "127.0.0.1");
    }

    /** Starts an empty registry listening on this address of the machine, on a free port. */
    public static OciTestRegistry start(Path work, String address) {
        try {
            Path data = work.resolve("data");
            if (Files.exists(data)) {
                try (var paths = Files.walk(data)) {
                    paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            Files.createDirectories(work);
            String binary = locate();
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(address))) {
                port = socket.getLocalPort();
            }
            Path config = work.resolve("config.yml");
            Files.writeString(config, String.join("\n",
                    "version: 0.1",
                    "log:",
                    "  level: warn",
                    "storage:",
                    "  filesystem:",
                    "    rootdirectory: " + data.toAbsolutePath(),
                    "http:",
                    "  addr: " + address + ":" + port,
                    ""));
            Process process = new ProcessBuilder(binary, "serve", config.toString()).redirectErrorStream(true)
                    .redirectOutput(work.resolve("registry.log").toFile()).start();
            OciTestRegistry registry = new OciTestRegistry(process, address + ":" + port);
            try {
                Awaitility.await("the OCI registry on port " + port + " (log: " + work.resolve("registry.log") + ")")
                        .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                        .until(() -> {
                            if (!process.isAlive()) {
                                throw new IllegalStateException("the registry exited with " + process.exitValue());
                            }
                            return registry.get("/v2/").statusCode() == 200;
                        });
            } catch (RuntimeException e) {
                registry.close();
                throw e;
            }
            return registry;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client for a registry started elsewhere (by a test resource); closing it stops nothing. */
    public static OciTestRegistry at(String host) {
        return new OciTestRegistry(null, host);
    }

    private static String locate() throws IOException {
        try {
            Process script = new ProcessBuilder("bash", "src/test/registry/docker-registry.sh")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String path = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!script.waitFor(5, TimeUnit.MINUTES) || script.exitValue() != 0 || path.isEmpty()) {
                throw new IllegalStateException("src/test/registry/docker-registry.sh could not provide docker-registry");
            }
            return path;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** host:port, as image references name it. */
    public String host() {
        return host;
    }

    /** Pushes an image manifest with these layers and an IronCore image config; answers its digest. */
    public String push(String repository, String tag, String commandLine, List<Blob> layers) {
        byte[] config = json(Map.of("commandLine", commandLine));
        return putManifest(repository, tag, "application/vnd.oci.image.manifest.v1+json",
                manifest(repository, new Blob(IMAGE_CONFIG, config), layers));
    }

    /** Pushes an image index naming per-architecture manifests pushed before; answers its digest. */
    public String pushIndex(String repository, String tag, Map<String, String> manifestDigestByArchitecture) {
        List<Map<String, Object>> manifests = new ArrayList<>();
        manifestDigestByArchitecture.forEach((architecture, digest) -> {
            byte[] manifest = getBytes("/v2/" + repository + "/manifests/" + digest);
            manifests.add(Map.of("mediaType", "application/vnd.oci.image.manifest.v1+json", "digest", digest,
                    "size", manifest.length, "platform", Map.of("architecture", architecture, "os", "linux")));
        });
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", "application/vnd.oci.image.index.v1+json");
        index.put("manifests", manifests);
        return putManifest(repository, tag, "application/vnd.oci.image.index.v1+json", json(index));
    }

    private byte[] manifest(String repository, Blob config, List<Blob> layers) {
        upload(repository, config);
        List<Map<String, Object>> descriptors = new ArrayList<>();
        for (Blob layer : layers) {
            upload(repository, layer);
            descriptors.add(Map.of("mediaType", layer.mediaType(), "digest", layer.digest(), "size", layer.content().length));
        }
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        manifest.put("config", Map.of("mediaType", config.mediaType(), "digest", config.digest(), "size", config.content().length));
        manifest.put("layers", descriptors);
        return json(manifest);
    }

    private void upload(String repository, Blob blob) {
        HttpResponse<String> started = send(HttpRequest.newBuilder(uri("/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        expect(started, 202, "starting an upload");
        String location = started.headers().firstValue("Location").orElseThrow();
        URI target = uri("/v2/" + repository + "/blobs/uploads/").resolve(location);
        String separator = target.getQuery() == null ? "?" : "&";
        HttpResponse<String> finished = send(HttpRequest.newBuilder(URI.create(target + separator + "digest=" + blob.digest()))
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(blob.content())));
        expect(finished, 201, "uploading a blob");
    }

    private String putManifest(String repository, String tag, String mediaType, byte[] body) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + tag))
                .header("Content-Type", mediaType).PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
        expect(response, 201, "putting a manifest");
        return sha256(body);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private byte[] getBytes(String path) {
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri(path))
                    .header("Accept", "application/vnd.oci.image.manifest.v1+json").GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void expect(HttpResponse<String> response, int status, String what) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(what + " answered HTTP " + response.statusCode() + ": " + response.body());
        }
    }

    private URI uri(String path) {
        return URI.create("http://" + host + path);
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sha256(byte[] content) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
