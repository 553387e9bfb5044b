package dev.metalprov.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.metalprov.api.v1alpha1.LocalObjectReference;
import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.api.v1alpha1.Power;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerClaimSpec;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.claim.ClaimConditions;
import dev.metalprov.common.Conditions;
import dev.metalprov.testing.FakePowerAdapter;
import dev.metalprov.testing.MetadataClient;
import dev.metalprov.testing.MetadataClient.Answer;
import dev.metalprov.testing.TestCluster;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The metadata service on the Kubernetes mock server, with a fake BMC that reports each
 * machine's address in its inventory: a machine, played by a socket bound to its loopback
 * address, reads its own metadata and its claim's user data with the header, and nothing
 * without it, from an address no server lists, or through a Secret of the wrong type, which
 * its claim reports. Every answer is counted.
 */
@QuarkusTest
@TestProfile(MetadataServiceProfile.class)
@WithKubernetesTestServer
class MetadataServiceTest {

    private static final String NS = "default";
    private static final String CLOUD_CONFIG = "#cloud-config\nhostname: tenant-a\n";
    private static final String OPAQUE_PASSWORD = "hunter2-never-served";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    KubernetesClient client;

    @Inject
    FakePowerAdapter bmc;

    @Inject
    MetadataServer server;

    @Inject
    MeterRegistry meters;

    @TestHTTPResource("/q/metrics")
    java.net.URL metrics;

    TestCluster cluster;

    @BeforeEach
    void setUp() {
        cluster = new TestCluster(client);
    }

    @AfterEach
    void tearDown() {
        cluster.cleanUp();
    }

    @Test
    void aMachineReadsItsOwnMetadataAndUserDataOnly() throws Exception {
        Server one = machine("md-1", "127.0.0.23", Map.of(Metal.METADATA_KEY_PREFIX + "rack", "r1", "team", "ops"));
        machine("md-2", "127.0.0.24", Map.of());
        cluster.create(new SecretBuilder().withMetadata(new ObjectMetaBuilder().withNamespace(NS).withName("user-data-a").build())
                .withType(Metal.USER_DATA_SECRET_TYPE).withStringData(Map.of("user-data", CLOUD_CONFIG, "hostname", "tenant-a"))
                .build());
        cluster.create(new SecretBuilder().withMetadata(new ObjectMetaBuilder().withNamespace(NS).withName("not-user-data").build())
                .withType("Opaque").withStringData(Map.of("password", OPAQUE_PASSWORD)).build());
        claim("claim-a", "md-1", "user-data-a");
        claim("claim-b", "md-2", "not-user-data");
        ServerClaim a = cluster.awaitClaim(NS, "claim-a", "to have its user data ready",
                c -> c.getStatus() != null && Conditions.isTrue(c.getStatus().getConditions(), ClaimConditions.USER_DATA_READY));
        assertEquals(ClaimConditions.USER_DATA_AVAILABLE,
                Conditions.reason(a.getStatus().getConditions(), ClaimConditions.USER_DATA_READY).orElseThrow());
        ServerClaim b = cluster.awaitClaim(NS, "claim-b", "to refuse its Secret of the wrong type",
                c -> c.getStatus() != null && ClaimConditions.USER_DATA_SECRET_WRONG_TYPE.equals(
                        Conditions.reason(c.getStatus().getConditions(), ClaimConditions.USER_DATA_READY).orElse(null)));
        String message = Conditions.find(b.getStatus().getConditions(), ClaimConditions.USER_DATA_READY).orElseThrow().getMessage();
        assertTrue(message.contains("Opaque") && message.contains(Metal.USER_DATA_SECRET_TYPE), message);
        Event event = cluster.awaitUntil("a warning event naming the wrong type", () -> events("claim-b"),
                events -> events.stream().anyMatch(e -> ClaimConditions.USER_DATA_SECRET_WRONG_TYPE.equals(e.getReason())))
                .stream().filter(e -> ClaimConditions.USER_DATA_SECRET_WRONG_TYPE.equals(e.getReason())).findFirst().orElseThrow();
        assertEquals("Warning", event.getType());
        assertFalse(event.getMessage().contains(OPAQUE_PASSWORD), "never the content in an event");
        assertFalse(message.contains(OPAQUE_PASSWORD), "never the content in a condition");

        MetadataClient machineOne = client("127.0.0.23");
        Snapshot counts = new Snapshot();

        Answer everything = machineOne.get("/v1/");
        assertEquals(200, everything.status(), everything.body());
        assertEquals("application/json", everything.contentType());
        JsonNode tree = JSON.readTree(everything.body());
        assertEquals("md-1", tree.path("server-name").asText());
        assertEquals("r1", tree.path("rack").asText(), "prefixed labels, without their prefix");
        assertEquals("lab-1", tree.path("region").asText(), "static values");
        assertTrue(tree.path("team").isMissingNode(), "other labels stay out");
        assertEquals(CLOUD_CONFIG, tree.path("user-data").path("user-data").asText());

        Answer name = machineOne.get("/v1/server-name");
        assertEquals(200, name.status());
        assertEquals("text/plain; charset=utf-8", name.contentType());
        assertEquals(one.getMetadata().getName(), name.body());
        Answer userData = machineOne.get("/v1/user-data");
        assertEquals(200, userData.status());
        assertEquals(Map.of("user-data", CLOUD_CONFIG, "hostname", "tenant-a"), JSON.readValue(userData.body(), Map.class));
        Answer key = machineOne.get("/v1/user-data/user-data");
        assertEquals(200, key.status());
        assertEquals(CLOUD_CONFIG, key.body());

        assertEquals(404, machineOne.get("/v1/no-such-field").status());
        assertEquals(404, machineOne.get("/v1/user-data/no-such-key").status());
        assertEquals(403, machineOne.get("/v1/user-data", false).status(), "no header, no answer");
        assertEquals(404, client("127.0.0.99").get("/v1/user-data").status(), "an address no server lists");
        assertEquals(404, client("127.0.0.99").get("/v1/").status());
        assertEquals(404, machineOne.get("/latest/meta-data/").status(), "only /v1/");

        MetadataClient machineTwo = client("127.0.0.24");
        Answer refused = machineTwo.get("/v1/user-data");
        assertEquals(500, refused.status(), "a Secret of the wrong type is refused, as upstream answers it");
        assertFalse(refused.body().contains(OPAQUE_PASSWORD));
        assertEquals(500, machineTwo.get("/v1/user-data/password").status());
        assertFalse(machineTwo.get("/v1/").body().contains(OPAQUE_PASSWORD));
        assertEquals("md-2", machineTwo.get("/v1/server-name").body(), "its own metadata still");

        assertEquals(1, counts.delta("metadata", "served"));
        assertEquals(2, counts.delta("field", "served"), "both machines asked for their name");
        assertEquals(1, counts.delta("user_data", "served"));
        assertEquals(1, counts.delta("user_data_key", "served"));
        assertEquals(1, counts.delta("field", "not_found"));
        assertEquals(1, counts.delta("user_data_key", "not_found"));
        assertEquals(1, counts.delta("user_data", "missing_header"));
        assertEquals(1, counts.delta("user_data", "unknown_caller"));
        assertEquals(1, counts.delta("metadata", "unknown_caller"));
        assertEquals(1, counts.delta("other", "not_found"));
        assertEquals(1, counts.delta("user_data", "wrong_secret_type"));
        assertEquals(1, counts.delta("user_data_key", "wrong_secret_type"));
        assertEquals(1, counts.delta("metadata", "wrong_secret_type"));

        String exposition = HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics.toURI()).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(exposition.contains("metal_metadata_requests_total{endpoint=\"user_data\",outcome=\"served\"}"), exposition);
        assertFalse(exposition.contains("127.0.0.2"), "no address in any label");
        assertFalse(exposition.contains("claim-a") || exposition.contains("user-data-a"), "no claim or Secret in any label");
    }

    @Test
    void aServerWithoutClaimHasMetadataButNoUserData() {
        machine("md-free", "127.0.0.25", Map.of());
        MetadataClient free = client("127.0.0.25");
        assertEquals("md-free", free.get("/v1/server-name").body());
        assertEquals(404, free.get("/v1/user-data").status());
        assertFalse(free.get("/v1/").body().contains("user-data"));
    }

    @Test
    void twoServersListingOneAddressGetNothing() {
        machine("md-twin-1", "127.0.0.26", Map.of());
        machine("md-twin-2", "127.0.0.26", Map.of());
        Snapshot counts = new Snapshot();
        assertEquals(404, client("127.0.0.26").get("/v1/server-name").status());
        assertEquals(1, counts.delta("field", "ambiguous_caller"));
    }

    /** A server whose BMC reports the address, Available once the operator has read its inventory. */
    private Server machine(String name, String address, Map<String, String> labels) {
        bmc.addresses(name, address);
        cluster.create(cluster.server(name, labels));
        return cluster.awaitServer(name, "to be Available with its address", s -> s.getStatus() != null
                && s.getStatus().getState() == ServerState.AVAILABLE && MetadataCallers.addressesOf(s).contains(address));
    }

    private void claim(String name, String server, String userDataSecret) {
        ServerClaim claim = new ServerClaim();
        claim.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName(name).build());
        ServerClaimSpec spec = new ServerClaimSpec();
        spec.setPower(Power.OFF);
        spec.setServerRef(new LocalObjectReference(server));
        spec.setImage("my-osimage:latest");
        spec.setUserDataRef(new LocalObjectReference(userDataSecret));
        claim.setSpec(spec);
        cluster.create(claim);
    }

    private List<Event> events(String claim) {
        return client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> claim.equals(e.getInvolvedObject().getName())).toList();
    }

    private MetadataClient client(String source) {
        return new MetadataClient(source, "127.0.0.1", server.port());
    }

    /** The request counters as they were when made, to compare against. */
    private final class Snapshot {
        private final Map<String, Double> before = new java.util.HashMap<>();

        Snapshot() {
            meters.find("metal.metadata.requests").counters().forEach(c -> before.put(
                    c.getId().getTag("endpoint") + "/" + c.getId().getTag("outcome"), c.count()));
        }

        long delta(String endpoint, String outcome) {
            double now = meters.get("metal.metadata.requests").tag("endpoint", endpoint).tag("outcome", outcome).counter().count();
            return Math.round(now - before.getOrDefault(endpoint + "/" + outcome, 0.0));
        }
    }
}
