package dev.metalprov.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.common.Conditions;

/**
 * A second packaged operator started while its API server drops every connection (through
 * {@link FlakyApiProxy} in front of the shared control plane): its first lists fail. It must stay
 * up, live and not ready while they fail, and become ready and reconcile by itself once the API
 * server answers, in the same process.
 *
 * <p>So as not to touch what the other classes do, its controllers only see objects labelled
 * {@value #LABEL}, its built-in boot service is off, and it elects itself through a Lease of its
 * own.
 */
@ExtendWith(EndToEnd.class)
class StartupRetryIT {

    private static final String LABEL = "e2e.metalprov.dev/startup-retry";
    private static final String NAMESPACE = "startup-retry";
    private static final Duration DEADLINE = Duration.ofMinutes(3);
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(5);

    @Test
    void aFailedFirstListIsRetriedAndReadinessWaitsForIt(EndToEnd.Environment environment) throws Exception {
        Path work = Path.of("target", "e2e");
        String selector = LABEL + "=true";
        Map<String, String> settings = Map.of(
                "QUARKUS_OPERATOR_SDK_CONTROLLERS__SERVERCLAIM__SELECTOR", selector,
                "QUARKUS_OPERATOR_SDK_CONTROLLERS__SERVER__SELECTOR", selector,
                "QUARKUS_OPERATOR_SDK_CONTROLLERS__BMC__SELECTOR", selector,
                "QUARKUS_OPERATOR_SDK_CONTROLLERS__BOOTCONFIGURATION__SELECTOR", selector,
                "METAL_BOOT_ENABLED", "false",
                // A short cache-sync timeout, outlasted below: the SDK's verdict on informers that
                // have not synced in time must not stop the operator either.
                "QUARKUS_OPERATOR_SDK_CACHE_SYNC_TIMEOUT", SYNC_TIMEOUT.toSeconds() + "S",
                "METAL_LEADER_ELECTION_LEASE_NAME", "metal-operator-startup-retry");
        try (FlakyApiProxy proxy = FlakyApiProxy.start(URI.create(environment.plane.url()).getPort());
                OperatorProcess operator = OperatorProcess.launch(environment.plane, proxy.url(), work, "operator-startup-retry",
                        settings)) {
            String log = " (log: " + work.resolve("logs/operator-startup-retry.log") + ")";

            Awaitility.await("the operator's HTTP server" + log).atMost(DEADLINE).pollInterval(Duration.ofMillis(250))
                    .ignoreExceptionsMatching(e -> e instanceof IOException)
                    .until(() -> {
                        assertTrue(operator.isAlive(), "the operator exited" + log);
                        return operator.health("live") == 200;
                    });

            // While every connection is dropped, for longer than the cache-sync timeout, the lists
            // keep being retried: the process stays up, live, and not ready.
            int before = proxy.dropped();
            Awaitility.await("the operator to retry its lists" + log).atMost(DEADLINE).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        assertTrue(operator.isAlive(), "the operator exited while the API server dropped its connections" + log);
                        assertEquals(200, operator.health("live"), "liveness while the lists fail" + log);
                        assertEquals(503, operator.health("ready"), "readiness while the lists fail" + log);
                        return proxy.dropped() >= before + 8 && proxy.droppingFor().compareTo(SYNC_TIMEOUT.multipliedBy(3)) > 0;
                    });

            // The API server answers: readiness turns UP by itself, in the same process.
            proxy.forward();
            Awaitility.await("the operator to become ready once the API server answers" + log).atMost(DEADLINE)
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        assertTrue(operator.isAlive(), "the operator exited" + log);
                        assertEquals(200, operator.health("live"), "liveness" + log);
                        return operator.health("ready") == 200;
                    });

            // And it reconciles: a claim of an unknown server, which only this operator's
            // serverclaim controller selects, is reconciled by it.
            environment.plane.kubectl("create", "namespace", NAMESPACE).orFail("creating the namespace");
            Yaml.apply(environment, """
                    apiVersion: metal.ironcore.dev/v1alpha1
                    kind: ServerClaim
                    metadata:
                      name: after-startup
                      namespace: %s
                      labels:
                        %s: "true"
                    spec:
                      power: "On"
                      serverRef:
                        name: no-such-server
                      image: my-osimage:latest
                    """.formatted(NAMESPACE, LABEL));
            SeedFlowIT.await("the claim to say ServerNotFound",
                    () -> environment.plane.admin().resources(ServerClaim.class).inNamespace(NAMESPACE).withName("after-startup").get(),
                    c -> c.getStatus() != null
                            && "ServerNotFound".equals(Conditions.reason(c.getStatus().getConditions(), "Bound").orElse(null)));
            HttpClient http = HttpClient.newHttpClient();
            Awaitility.await("this operator to count a reconciled claim" + log).atMost(DEADLINE).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptionsMatching(e -> e instanceof IOException)
                    .until(() -> reconciliations(http.send(HttpRequest.newBuilder(operator.metrics())
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body()) > 0);
            assertTrue(operator.isAlive(), "the operator exited" + log);
        }
    }

    /**
     * operator_sdk_reconciliations_success_total of every controller, from a scrape; with the
     * selectors, the claim of this test is the only resource they reconcile.
     */
    private static double reconciliations(String exposition) {
        return exposition.lines()
                .filter(l -> l.startsWith("operator_sdk_reconciliations_success_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
