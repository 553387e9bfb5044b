package dev.metalprov.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.metalprov.api.v1alpha1.Server;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/** The operator's client drops managedFields when it reads, and sends none when it writes. */
@QuarkusTest
@WithKubernetesTestServer
class WithoutManagedFieldsTest {

    @Inject
    KubernetesClient client;

    @Test
    void managedFieldsAreNeitherKeptNorSent() {
        String json = """
                {"apiVersion":"metal.ironcore.dev/v1alpha1","kind":"Server",
                 "metadata":{"name":"s","resourceVersion":"7","managedFields":[{"manager":"kubectl","operation":"Update",
                   "fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:systemUUID":{}}}}]},
                 "spec":{"systemUUID":"38947555-7742-3448-3784-823347823834"}}""";
        Server server = client.getKubernetesSerialization().unmarshal(json, Server.class);
        assertTrue(server.getMetadata().getManagedFields() == null || server.getMetadata().getManagedFields().isEmpty(),
                "not kept in memory: " + server.getMetadata().getManagedFields());
        assertEquals("7", server.getMetadata().getResourceVersion(), "the rest of the metadata is");
        assertFalse(server.getMetadata().getAdditionalProperties().containsKey("managedFields"), "not kept aside either");
        assertFalse(client.getKubernetesSerialization().asJson(server).contains("managedFields"), "not sent");
    }
}
