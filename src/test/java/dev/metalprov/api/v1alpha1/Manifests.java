package dev.metalprov.api.v1alpha1;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** Reads the project's YAML files the way the operator and kubectl would. */
final class Manifests {

    static final Path CRDS = Path.of("deploy", "crds");
    static final Path SAMPLES = Path.of("deploy", "samples");
    static final Path FULL = Path.of("src", "test", "resources", "full");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();

    private Manifests() {
    }

    /** Every document of a (possibly multi-document) YAML file, as JSON trees. */
    static List<JsonNode> documents(Path file) {
        try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
            List<JsonNode> documents = new ArrayList<>();
            for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext();) {
                JsonNode document = it.next();
                if (document != null && !document.isNull() && !document.isMissingNode()) {
                    documents.add(document);
                }
            }
            return documents;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode document(Path file) {
        List<JsonNode> documents = documents(file);
        if (documents.size() != 1) {
            throw new IllegalStateException(file + " holds " + documents.size() + " documents, expected one");
        }
        return documents.get(0);
    }

    /** Deserialises a tree into one of the API classes through the Kubernetes client's own mapper. */
    static <T> T read(JsonNode tree, Class<T> type) {
        return KUBERNETES.unmarshal(tree.toString(), type);
    }

    /** Serialises an object through the Kubernetes client's own mapper, as it would be sent to the API server. */
    static ObjectNode tree(Object object) {
        try {
            return (ObjectNode) YAML.readTree(KUBERNETES.asJson(object));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static CustomResourceDefinition crd(String plural) {
        Path file = CRDS.resolve(plural + "." + Metal.GROUP + "-v1.yml");
        try {
            return KUBERNETES.unmarshal(Files.readString(file), CustomResourceDefinition.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
