package dev.metalprov.boot;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.metalprov.boot.BootImage.Source;
import dev.metalprov.boot.ImageException.Reason;
import dev.metalprov.common.OperatorConfig;

/**
 * Turns {@code spec.image} into a {@link BootImage}: only from an allowed registry (the names a
 * tenant may make the operator contact), through a mirror where one is configured. A digest
 * never changes what it names, so its resolution is kept; a tag is asked again after the cache
 * time. Failures are not kept: an image pushed a moment later resolves at the next check.
 */
@ApplicationScoped
public class ImageResolver {

    private static final int CACHED_IMAGES = 512;

    private record Cached(BootImage image, Instant resolvedAt) {
    }

    @Inject
    OperatorConfig config;

    @Inject
    Clock clock;

    private OciRegistryClient registry;
    private Set<String> allowed;
    private Set<String> plainHttp;
    private Map<String, String> mirrors;

    private final Map<String, Cached> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > CACHED_IMAGES;
        }
    };

    @PostConstruct
    void init() {
        OperatorConfig.Boot boot = config.boot();
        registry = new OciRegistryClient(Duration.ofSeconds(10), clock);
        allowed = boot.allowedRegistries().stream().map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        plainHttp = Set.copyOf(boot.plainHttpRegistries().orElse(List.of()));
        mirrors = new HashMap<>();
        for (String pair : boot.registryMirrors().orElse(List.of())) {
            String[] parts = pair.split("=", 2);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new IllegalArgumentException("metal.boot.registry-mirrors: '" + pair + "' is not of the form registry=mirror");
            }
            mirrors.put(parts[0].trim(), parts[1].trim());
        }
    }

    public BootImage resolve(String image) throws ImageException {
        ImageReference reference = ImageReference.parse(image);
        if (!allowed.contains(reference.registry())) {
            throw new ImageException(Reason.REGISTRY_NOT_ALLOWED, "registry " + reference.registry() + " of image " + image
                    + " is not among the allowed registries " + allowed.stream().sorted().toList());
        }
        String key = reference.toString();
        Instant now = clock.instant();
        synchronized (cache) {
            Cached cached = cache.get(key);
            if (cached != null && (reference.pinned() || cached.resolvedAt().plus(config.boot().imageCacheTtl()).isAfter(now))) {
                return cached.image();
            }
        }
        BootImage resolved = registry.resolve(reference, source(reference), config.boot().architecture());
        synchronized (cache) {
            cache.put(key, new Cached(resolved, now));
        }
        return resolved;
    }

    /** The registry client, for fetching the layers of a resolved image. */
    public OciRegistryClient registry() {
        return registry;
    }

    private Source source(ImageReference reference) {
        String host = mirrors.getOrDefault(reference.registry(), reference.registry());
        // Docker Hub's API does not answer on the name images use for it.
        if (host.equals(ImageReference.DOCKER_HUB)) {
            host = "registry-1.docker.io";
        }
        return new Source(host, reference.repository(), plainHttp.contains(host));
    }
}
