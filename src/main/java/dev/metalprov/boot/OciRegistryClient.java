package dev.metalprov.boot;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.metalprov.boot.BootImage.Layer;
import dev.metalprov.boot.BootImage.Source;
import dev.metalprov.boot.ImageException.Reason;
import dev.metalprov.redfish.JdkHttpConnections;

/**
 * Speaks the OCI distribution API to read an image's manifest: an image index is narrowed to
 * the configured architecture, the layers are sorted into kernel, initramfs, root filesystem and
 * UKI by their media types, and the IronCore image config contributes the kernel command line.
 * Registries that demand a token (as ghcr.io does even for public images) get the anonymous
 * bearer token their challenge names; tokens are kept per repository until they expire.
 */
public class OciRegistryClient {

    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    private static final String ACCEPT = String.join(", ", OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST);

    static final String KERNEL = "application/vnd.ironcore.image.kernel";
    static final String INITRAMFS = "application/vnd.ironcore.image.initramfs";
    static final String SQUASHFS = "application/vnd.ironcore.image.squashfs";
    static final String UKI = "application/vnd.ironcore.image.uki";
    static final String IMAGE_CONFIG = "application/vnd.ironcore.image.config.v1+json";
    // Older Garden Linux images name their layers in the vendor's own domain.
    private static final String LEGACY_KERNEL = "application/io.gardenlinux.kernel";
    private static final String LEGACY_INITRAMFS = "application/io.gardenlinux.initrd";
    private static final String LEGACY_SQUASHFS = "application/io.gardenlinux.squashfs";
    private static final String LEGACY_IMAGE_CONFIG = "application/vnd.ironcore.image.config.v1alpha1+json";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CHALLENGE_PARAMETER = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final long MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

    private record Token(String value, Instant expires) {
    }

    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    public OciRegistryClient(Duration timeout, Clock clock) {
        this.timeout = timeout;
        this.clock = clock;
        // Redirects are followed by hand: a blob store behind a redirect must not see the registry's token.
        JdkHttpConnections.limit();
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public BootImage resolve(ImageReference reference, Source source, String architecture) throws ImageException {
        Document document = manifest(reference, source, reference.reference());
        String mediaType = document.mediaType();
        if (OCI_INDEX.equals(mediaType) || DOCKER_LIST.equals(mediaType)) {
            String digest = pickPlatform(reference, document.body(), architecture);
            document = manifest(reference, source, digest);
            mediaType = document.mediaType();
        }
        if (!OCI_MANIFEST.equals(mediaType) && !DOCKER_MANIFEST.equals(mediaType)) {
            throw new ImageException(Reason.UNSUPPORTED_MANIFEST, "image " + reference + " has a manifest of media type '"
                    + mediaType + "', which is neither an OCI image manifest nor an index");
        }
        return bootImage(reference, source, document);
    }

    /** The Authorization header for fetching blobs of this repository, if the registry asked for one. */
    public Optional<String> authorization(Source source) {
        Token token = tokens.get(key(source));
        return token == null || token.expires().isBefore(clock.instant()) ? Optional.empty()
                : Optional.of("Bearer " + token.value());
    }

    /** Makes sure a current token is held for the repository, if its registry wants one. */
    public void authorize(Source source, String digest) throws ImageException {
        send(source, URI.create(source.baseUrl() + "/blobs/" + digest), "HEAD", null);
    }

    private record Document(String mediaType, String digest, byte[] body) {
    }

    private Document manifest(ImageReference reference, Source source, String ref) throws ImageException {
        HttpResponse<byte[]> response = send(source, URI.create(source.baseUrl() + "/manifests/" + ref), "GET", ACCEPT);
        if (response.statusCode() == 404) {
            throw new ImageException(Reason.NOT_FOUND, "image " + reference + " was not found in registry " + source.host()
                    + " (no manifest " + ref + ")");
        }
        expectOk(reference, source, response);
        byte[] body = response.body();
        String digest = response.headers().firstValue("Docker-Content-Digest").orElseGet(() -> sha256(body));
        String mediaType = response.headers().firstValue("Content-Type").map(t -> t.split(";")[0].trim()).orElse("");
        JsonNode tree = parse(reference, body);
        if (tree.hasNonNull("mediaType")) {
            mediaType = tree.get("mediaType").asText();
        }
        return new Document(mediaType, digest, body);
    }

    private String pickPlatform(ImageReference reference, byte[] index, String architecture) throws ImageException {
        JsonNode manifests = parse(reference, index).path("manifests");
        String only = manifests.size() == 1 ? manifests.get(0).path("digest").asText(null) : null;
        for (JsonNode manifest : manifests) {
            JsonNode platform = manifest.path("platform");
            if (architecture.equals(platform.path("architecture").asText())
                    && "linux".equals(platform.path("os").asText("linux"))) {
                return manifest.path("digest").asText();
            }
        }
        if (only != null) {
            return only;
        }
        throw new ImageException(Reason.UNSUPPORTED_MANIFEST, "image " + reference + " has no manifest for linux/" + architecture);
    }

    private BootImage bootImage(ImageReference reference, Source source, Document manifest) throws ImageException {
        JsonNode tree = parse(reference, manifest.body());
        Map<String, Layer> byType = new LinkedHashMap<>();
        for (JsonNode layer : tree.path("layers")) {
            String mediaType = layer.path("mediaType").asText();
            byType.putIfAbsent(normalized(mediaType), new Layer(layer.path("digest").asText(), mediaType, layer.path("size").asLong()));
        }
        BootImage image = new BootImage(reference, source, manifest.digest(), byType.get(KERNEL), byType.get(INITRAMFS),
                byType.get(SQUASHFS), byType.get(UKI), commandLine(reference, source, tree.path("config")));
        if (!image.bootsOverIpxe() && !image.bootsOverHttp()) {
            throw new ImageException(Reason.MISSING_LAYERS, "image " + reference + " has neither a kernel and an initramfs layer ("
                    + KERNEL + ", " + INITRAMFS + ") nor a UKI layer (" + UKI + "); it cannot be network booted");
        }
        return image;
    }

    private static String normalized(String mediaType) {
        return switch (mediaType) {
            case LEGACY_KERNEL -> KERNEL;
            case LEGACY_INITRAMFS -> INITRAMFS;
            case LEGACY_SQUASHFS -> SQUASHFS;
            default -> mediaType;
        };
    }

    private String commandLine(ImageReference reference, Source source, JsonNode config) throws ImageException {
        String mediaType = config.path("mediaType").asText();
        if (!IMAGE_CONFIG.equals(mediaType) && !LEGACY_IMAGE_CONFIG.equals(mediaType)) {
            return "";
        }
        HttpResponse<byte[]> response = send(source, URI.create(source.baseUrl() + "/blobs/" + config.path("digest").asText()),
                "GET", null);
        expectOk(reference, source, response);
        return parse(reference, response.body()).path("commandLine").asText("");
    }

    private HttpResponse<byte[]> send(Source source, URI uri, String method, String accept) throws ImageException {
        HttpResponse<byte[]> response = sendOnce(source, uri, method, accept, authorization(source));
        if (response.statusCode() == 401) {
            Optional<String> challenge = response.headers().firstValue("WWW-Authenticate");
            if (challenge.isPresent() && challenge.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
                fetchToken(source, challenge.get());
                response = sendOnce(source, uri, method, accept, authorization(source));
            }
        }
        for (int hop = 0; hop < 3 && response.statusCode() / 100 == 3; hop++) {
            Optional<String> location = response.headers().firstValue("Location");
            if (location.isEmpty()) {
                break;
            }
            response = sendOnce(source, uri.resolve(location.get()), method, accept, Optional.empty());
        }
        return response;
    }

    private HttpResponse<byte[]> sendOnce(Source source, URI uri, String method, String accept, Optional<String> authorization)
            throws ImageException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).method(method, HttpRequest.BodyPublishers.noBody());
        if (accept != null) {
            request.header("Accept", accept);
        }
        authorization.ifPresent(value -> request.header("Authorization", value));
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.body() != null && response.body().length > MAX_DOCUMENT_BYTES) {
                throw new ImageException(Reason.UNSUPPORTED_MANIFEST, "registry " + source.host() + " sent a document of "
                        + response.body().length + " bytes where a manifest was expected");
            }
            return response;
        } catch (IOException e) {
            throw new ImageException(Reason.REGISTRY_UNREACHABLE, "registry " + source.host() + " did not answer: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageException(Reason.REGISTRY_UNREACHABLE, "interrupted while asking registry " + source.host());
        }
    }

    /** Anonymous bearer token, as the challenge's realm hands it out for the repository's pull scope. */
    private void fetchToken(Source source, String challenge) throws ImageException {
        Map<String, String> parameters = new LinkedHashMap<>();
        Matcher matcher = CHALLENGE_PARAMETER.matcher(challenge);
        while (matcher.find()) {
            parameters.put(matcher.group(1).toLowerCase(), matcher.group(2));
        }
        String realm = parameters.get("realm");
        if (realm == null) {
            return;
        }
        StringBuilder query = new StringBuilder();
        if (parameters.containsKey("service")) {
            query.append("service=").append(URLEncoder.encode(parameters.get("service"), StandardCharsets.UTF_8)).append('&');
        }
        String scope = parameters.getOrDefault("scope", "repository:" + source.repository() + ":pull");
        query.append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        URI uri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
        HttpResponse<byte[]> response = sendOnce(source, uri, "GET", null, Optional.empty());
        if (response.statusCode() != 200) {
            throw new ImageException(Reason.ACCESS_DENIED, "registry " + source.host() + " refused an anonymous pull token (HTTP "
                    + response.statusCode() + ")");
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new ImageException(Reason.ACCESS_DENIED, "registry " + source.host() + " sent a token answer that is not JSON");
        }
        String token = body.hasNonNull("token") ? body.get("token").asText() : body.path("access_token").asText(null);
        if (token == null) {
            throw new ImageException(Reason.ACCESS_DENIED, "registry " + source.host() + " sent no token");
        }
        long lifetime = Math.max(30, body.path("expires_in").asLong(60));
        // Renewed a little early, so that a token does not expire between a check and its use.
        tokens.put(key(source), new Token(token, clock.instant().plusSeconds(lifetime - 10)));
    }

    private static void expectOk(ImageReference reference, Source source, HttpResponse<byte[]> response) throws ImageException {
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new ImageException(Reason.ACCESS_DENIED, "registry " + source.host() + " refused access to " + reference
                    + " (HTTP " + status + "); only anonymous pulls are supported");
        }
        if (status / 100 != 2) {
            throw new ImageException(Reason.REGISTRY_UNREACHABLE, "registry " + source.host() + " answered HTTP " + status
                    + " for " + reference);
        }
    }

    private static JsonNode parse(ImageReference reference, byte[] body) throws ImageException {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new ImageException(Reason.UNSUPPORTED_MANIFEST, "the manifest of image " + reference + " is not JSON");
        }
    }

    private static String key(Source source) {
        return source.host() + "/" + source.repository();
    }

    static String sha256(byte[] body) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
