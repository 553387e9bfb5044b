package dev.metalprov.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/** The application boots against a (mock) Kubernetes API and answers its health and metrics endpoints. */
@QuarkusTest
@WithKubernetesTestServer
class OperatorStartupTest {

    @TestHTTPResource("/q/health/live")
    URL live;

    @TestHTTPResource("/q/metrics")
    URL metrics;

    @TestHTTPResource("/q/health/started")
    URL started;

    @TestHTTPResource("/q/health/ready")
    URL ready;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void livenessIsUp() throws Exception {
        HttpResponse<String> response = get(live);
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"status\": \"UP\""), response.body());
    }

    @Test
    void theStartupAndReadinessProbesTheDeploymentUsesAnswer() throws Exception {
        HttpResponse<String> startup = get(started);
        assertEquals(200, startup.statusCode(), startup.body());
        HttpResponse<String> readiness = get(ready);
        assertEquals(200, readiness.statusCode(), readiness.body());
        assertTrue(readiness.body().contains("\"status\": \"UP\""), readiness.body());
    }

    @Test
    void metricsAreExposedInPrometheusFormat() throws Exception {
        HttpResponse<String> response = get(metrics);
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("# TYPE jvm_memory_used_bytes gauge"), "JVM metrics are registered");
    }

    private HttpResponse<String> get(URL url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url.toString())).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
