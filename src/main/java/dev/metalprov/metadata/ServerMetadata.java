package dev.metalprov.metadata;

import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.common.OperatorConfig;

/**
 * The metadata a machine gets about itself, as upstream's metaldata builds it: the static values
 * of the configuration, {@code server-name}, then the server's annotations and labels under
 * {@code metadata.metal.ironcore.dev/} without that prefix (a label wins over an annotation of
 * the same key, as upstream). Nothing else of the server is exposed: the operator's own
 * labels and annotations stay out.
 */
@ApplicationScoped
public class ServerMetadata {

    public static final String SERVER_NAME = "server-name";
    public static final String USER_DATA = "user-data";

    @Inject
    OperatorConfig config;

    /** Sorted, so that the answer reads the same every time. */
    public Map<String, String> of(Server server) {
        Map<String, String> metadata = new TreeMap<>(config.metadata().staticValues());
        metadata.put(SERVER_NAME, server.getMetadata().getName());
        copyPrefixed(server.getMetadata().getAnnotations(), metadata);
        copyPrefixed(server.getMetadata().getLabels(), metadata);
        return metadata;
    }

    private static void copyPrefixed(Map<String, String> from, Map<String, String> to) {
        if (from == null) {
            return;
        }
        from.forEach((key, value) -> {
            if (key.startsWith(Metal.METADATA_KEY_PREFIX) && key.length() > Metal.METADATA_KEY_PREFIX.length()) {
                to.put(key.substring(Metal.METADATA_KEY_PREFIX.length()), value);
            }
        });
    }
}
