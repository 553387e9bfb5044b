package dev.metalprov.api.v1alpha1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** The samples users start from, among them the two ServerClaims of the seed documents as written there. */
class SamplesTest {

    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "Server", Server.class,
            "ServerClaim", ServerClaim.class,
            "ServerBootConfiguration", ServerBootConfiguration.class,
            "BMC", BMC.class,
            "BMCSecret", BMCSecret.class);

    @Test
    void seedClaimByNameKeepsEveryField() {
        ServerClaim claim = readClaim("serverclaim-by-name.yaml");
        assertEquals("my-server-claim", claim.getMetadata().getName());
        assertEquals("default", claim.getMetadata().getNamespace());
        assertEquals(Power.ON, claim.getSpec().getPower());
        assertEquals("my-server", claim.getSpec().getServerRef().getName());
        assertNull(claim.getSpec().getServerSelector());
        assertEquals("my-osimage:latest", claim.getSpec().getImage());
        assertEquals("my-ignition-secret", claim.getSpec().getIgnitionSecretRef().getName());
    }

    @Test
    void seedClaimBySelectorKeepsEveryField() {
        ServerClaim claim = readClaim("serverclaim-by-selector.yaml");
        assertEquals("selector-server-claim", claim.getMetadata().getName());
        assertEquals("default", claim.getMetadata().getNamespace());
        assertEquals(Power.ON, claim.getSpec().getPower());
        assertNull(claim.getSpec().getServerRef());
        assertEquals(Map.of("hardwareType", "gpu-node", "location", "datacenter-1"),
                claim.getSpec().getServerSelector().getMatchLabels());
        assertEquals("my-osimage:latest", claim.getSpec().getImage());
        assertEquals("my-ignition-secret", claim.getSpec().getIgnitionSecretRef().getName());
    }

    @Test
    void everySampleOfTheApiReadsWithoutLoss() throws IOException {
        int objects = 0;
        try (var files = Files.list(Manifests.SAMPLES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (JsonNode document : Manifests.documents(file)) {
                    Class<? extends HasMetadata> type = KINDS.get(document.path("kind").asText());
                    if (type == null || !Metal.API_VERSION.equals(document.path("apiVersion").asText())) {
                        continue; // core objects such as the Ignition Secret
                    }
                    assertEquals(document, Manifests.tree(Manifests.read(document, type)), file + " lost or changed a field");
                    objects++;
                }
            }
        }
        assertTrue(objects >= 6, "the samples hold the claims, servers, BMC and BMCSecret; read " + objects);
    }

    @Test
    void theSelectorClaimHasAServerToBind() {
        List<Server> labelled = Manifests.documents(Manifests.SAMPLES.resolve("servers.yaml")).stream()
                .map(d -> Manifests.read(d, Server.class))
                .filter(s -> s.getMetadata().getLabels() != null
                        && "gpu-node".equals(s.getMetadata().getLabels().get("hardwareType"))
                        && "datacenter-1".equals(s.getMetadata().getLabels().get("location")))
                .toList();
        assertFalse(labelled.isEmpty(), "a sample server carries the labels the selector claim asks for");
    }

    @Test
    void theSampleBmcSecretCarriesCredentialsButNeverPrintsThem() {
        BMCSecret secret = Manifests.read(Manifests.document(Manifests.SAMPLES.resolve("bmcsecret.yaml")), BMCSecret.class);
        assertEquals("admin", secret.username().orElseThrow());
        assertEquals("password", secret.password().orElseThrow());
        String printed = secret.toString();
        assertFalse(printed.contains("admin") || printed.contains("YWRtaW4="), printed);
        assertFalse(printed.contains("cGFzc3dvcmQ=") || printed.contains("password="), printed);
    }

    private static ServerClaim readClaim(String file) {
        JsonNode document = Manifests.document(Manifests.SAMPLES.resolve(file));
        ServerClaim claim = Manifests.read(document, ServerClaim.class);
        assertEquals(document, Manifests.tree(claim), file + " lost or changed a field");
        return claim;
    }
}
