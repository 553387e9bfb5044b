package dev.metalprov.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.metalprov.api.v1alpha1.ClaimPhase;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.claim.ClaimConditions;
import dev.metalprov.claim.ClaimFlowTestAccess;
import dev.metalprov.common.Conditions;
import dev.metalprov.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The metrics of a scripted flow, read from /q/metrics as Prometheus does: a claim bound,
 * provisioned and released shows in the latencies and counters, and the fleet gauges count
 * what the caches hold, with no claim name or secret in any label.
 */
@QuarkusTest
@WithKubernetesTestServer
class MetricsTest {

    @Inject
    KubernetesClient client;

    @TestHTTPResource("/q/metrics")
    URL metrics;

    TestCluster cluster;

    @AfterEach
    void tearDown() {
        cluster.cleanUp();
    }

    @Test
    void aClaimsLifeShowsInTheMetrics() throws Exception {
        cluster = new TestCluster(client);
        String before = scrape();
        cluster.ignitionSecret("metrics", "ignition");
        cluster.create(cluster.server("metrics-1", Map.of()));
        cluster.awaitServer("metrics-1", "to be Available", s -> s.getStatus() != null && s.getStatus().getState() == ServerState.AVAILABLE);
        ServerClaim claim = cluster.create(ClaimFlowTestAccess.claim("metrics", "secret-project-name", "metrics-1"));
        cluster.awaitClaim("metrics", "secret-project-name", "to be Bound",
                c -> c.getStatus() != null && c.getStatus().getPhase() == ClaimPhase.BOUND);
        cluster.awaitUntil("the bound claim to count as waiting for its boot configuration", this::scrapeQuietly,
                s -> value(s, "metal_claims_power_pending", "reason=\"" + ClaimConditions.WAITING_FOR_BOOT_CONFIGURATION + "\"") == 1);
        cluster.markReady("metrics", "secret-project-name");
        cluster.awaitClaim("metrics", "secret-project-name", "to reach its power",
                c -> Conditions.isTrue(c.getStatus().getConditions(), ClaimConditions.POWER_STATE_REACHED));
        String reached = cluster.awaitUntil("the claim to leave the power-pending count", this::scrapeQuietly,
                s -> value(s, "metal_claims_power_pending", "reason=\"" + ClaimConditions.WAITING_FOR_BOOT_CONFIGURATION + "\"") == 0);
        for (String reason : new String[] { ClaimConditions.WAITING_FOR_BOOT_CONFIGURATION, ClaimConditions.POWER_TRANSITION,
                ClaimConditions.NETWORK_BOOT_NOT_KEPT, ClaimConditions.BMC_UNREACHABLE }) {
            assertTrue(reached.contains("metal_claims_power_pending{reason=\"" + reason + "\"}"), "a series for every reason: " + reason);
        }

        // The gauges count the operator's informer caches, which follow the API server a moment later.
        String bound = cluster.awaitUntil("the gauges to count the bound claim and its server", this::scrapeQuietly,
                s -> value(s, "metal_claims_by_phase", "phase=\"Bound\"") >= 1
                        && value(s, "metal_servers_by_state", "state=\"Reserved\"") >= 1
                        && value(s, "metal_servers_by_power_state", "power_state=\"On\"") >= 1);
        for (String state : new String[] { "Initial", "Discovery", "Available", "Reserved", "Released", "Error", "Parked" }) {
            assertTrue(bound.contains("metal_servers_by_state{state=\"" + state + "\"}"), "a series for every state: " + state);
        }
        assertEquals(1, delta(before, bound, "metal_claim_bind_duration_seconds_count", ""));
        assertEquals(1, delta(before, bound, "metal_claim_provision_duration_seconds_count", ""));
        assertTrue(delta(before, bound, "metal_claim_bind_attempts_total", "outcome=\"bound\"") >= 1);
        assertTrue(bound.contains("metal_claim_bind_duration_seconds_bucket{le=\"60.0\"}"), "buckets fit seconds to minutes");

        client.resource(claim).delete();
        cluster.awaitGone(claim);
        String released = scrape();
        assertEquals(1, delta(before, released, "metal_server_releases_total", "outcome=\"recycled\",reclaim_policy=\"Recycle\""));
        // The Ignition Secret is named "ignition"; so is one boot server endpoint, which is a fixed label value.
        boolean secretInALabel = java.util.regex.Pattern.compile("(\\w+)=\"ignition\"").matcher(released).results()
                .anyMatch(label -> !label.group(1).equals("endpoint"));
        assertFalse(released.contains("secret-project-name") || secretInALabel,
                "no claim name or secret in a label (the SDK's metrics are aggregated per controller)");
        assertTrue(value(released, "operator_sdk_controllers_execution_reconcile_success_total", "controller=\"serverclaim\"") >= 1,
                "the SDK's reconcile metrics are there, per controller");
    }

    private String scrapeQuietly() {
        try {
            return scrape();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String scrape() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(metrics.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    /** The value of the series with that name whose labels contain the given text ("" for none). */
    static double value(String exposition, String name, String labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(\\{([^}]*)\\})? ([0-9.eE+-]+|NaN)$", Pattern.MULTILINE);
        Matcher m = line.matcher(exposition);
        double sum = 0;
        boolean found = false;
        while (m.find()) {
            String actual = m.group(2) == null ? "" : m.group(2);
            if (actual.contains(labels)) {
                sum += Double.parseDouble(m.group(3));
                found = true;
            }
        }
        return found ? sum : 0;
    }

    private static double delta(String before, String after, String name, String labels) {
        return value(after, name, labels) - value(before, name, labels);
    }
}
