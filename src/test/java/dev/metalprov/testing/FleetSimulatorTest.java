package dev.metalprov.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.metalprov.testing.FleetSimulator.Endpoint;
import dev.metalprov.testing.FleetSimulator.Fault;

class FleetSimulatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString("admin:password".getBytes(StandardCharsets.UTF_8));

    private FleetSimulator fleet;
    private ExecutorService clientThreads;
    private HttpClient http;

    @BeforeEach
    void start() {
        fleet = new FleetSimulator("admin", "password").powerTransition(Duration.ofMillis(300));
        // A client with one fixed thread, so that its own threads do not blur the thread count.
        clientThreads = Executors.newSingleThreadExecutor();
        http = HttpClient.newBuilder().executor(clientThreads).connectTimeout(Duration.ofSeconds(2)).build();
    }

    @AfterEach
    void stop() {
        fleet.close();
        clientThreads.shutdownNow();
    }

    @Test
    void everyEndpointIsABmcWithOneSystem() throws Exception {
        List<Endpoint> bmcs = fleet.add(List.of("11111111-0000-4000-8000-000000000001", "11111111-0000-4000-8000-000000000002"));
        assertTrue(bmcs.get(0).port() != bmcs.get(1).port(), "each BMC has its own port");

        JsonNode root = get(bmcs.get(0), "/redfish/v1/", null);
        assertTrue(root.has("Systems") && !root.has("SessionService"), "no sessions, so clients use Basic: " + root);
        assertEquals(401, send(bmcs.get(0), "GET", "/redfish/v1/Systems", null, null).statusCode());

        JsonNode systems = get(bmcs.get(1), "/redfish/v1/Systems", BASIC);
        String uri = systems.path("Members").get(0).path("@odata.id").asText();
        JsonNode system = get(bmcs.get(1), uri, BASIC);
        assertEquals("11111111-0000-4000-8000-000000000002", system.path("UUID").asText());
        assertEquals("Off", system.path("PowerState").asText());
        assertTrue(system.path("MemorySummary").path("TotalSystemMemoryGiB").isNumber());
        assertTrue(!system.path("SerialNumber").asText().isEmpty() && !system.path("Manufacturer").asText().isEmpty()
                && !system.path("Model").asText().isEmpty());
        assertEquals(0, get(bmcs.get(1), system.path("Processors").path("@odata.id").asText(), BASIC).path("Members").size());
        JsonNode managers = get(bmcs.get(1), "/redfish/v1/Managers", BASIC);
        assertEquals(1, managers.path("Members").size());
        assertEquals("BMC", get(bmcs.get(1), managers.path("Members").get(0).path("@odata.id").asText(), BASIC)
                .path("ManagerType").asText());
        assertEquals(5, bmcs.get(1).requests());
    }

    @Test
    void powerMovesAfterItsTransitionAndTheBootOverrideIsKept() throws Exception {
        Endpoint bmc = fleet.add(1).get(0);
        assertEquals(204, send(bmc, "PATCH", bmc.systemUri(), "{\"Boot\":{\"BootSourceOverrideEnabled\":\"Once\","
                + "\"BootSourceOverrideTarget\":\"Pxe\"}}", BASIC).statusCode());
        JsonNode boot = get(bmc, bmc.systemUri(), BASIC).path("Boot");
        assertEquals("Once", boot.path("BootSourceOverrideEnabled").asText());
        assertEquals("Pxe", boot.path("BootSourceOverrideTarget").asText());

        String target = get(bmc, bmc.systemUri(), BASIC).path("Actions").path("#ComputerSystem.Reset").path("target").asText();
        assertEquals(204, send(bmc, "POST", target, "{\"ResetType\":\"On\"}", BASIC).statusCode());
        assertEquals("PoweringOn", get(bmc, bmc.systemUri(), BASIC).path("PowerState").asText());
        Awaitility.await("the system to be On").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> get(bmc, bmc.systemUri(), BASIC).path("PowerState").asText().equals("On"));
        assertEquals(List.of("On"), bmc.resets());
    }

    @Test
    void aRevertingBmcAcknowledgesTheOverrideAndReadsBackDisabled() throws Exception {
        Endpoint bmc = fleet.add(1).get(0);
        fleet.inject(List.of(bmc), Fault.REVERT_BOOT_OVERRIDE);
        assertEquals(204, send(bmc, "PATCH", bmc.systemUri(), "{\"Boot\":{\"BootSourceOverrideEnabled\":\"Once\","
                + "\"BootSourceOverrideTarget\":\"Pxe\"}}", BASIC).statusCode());
        assertEquals("Disabled", get(bmc, bmc.systemUri(), BASIC).path("Boot").path("BootSourceOverrideEnabled").asText());
    }

    @Test
    void aHungBmcAcceptsAndNeverAnswersUntilTheFaultIsLifted() throws Exception {
        List<Endpoint> bmcs = fleet.add(2);
        Endpoint hung = bmcs.get(0);
        fleet.inject(List.of(hung), Fault.HANG);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hung.port() + "/redfish/v1/"))
                .timeout(Duration.ofSeconds(1)).build();
        long started = System.nanoTime();
        // The connection is accepted (no ConnectException): the answer is what never comes.
        assertThrows(HttpTimeoutException.class, () -> http.send(request, HttpResponse.BodyHandlers.ofString()));
        assertTrue(System.nanoTime() - started >= Duration.ofMillis(900).toNanos());
        assertEquals(1, hung.requests(), "the request was received");
        assertEquals(200, send(bmcs.get(1), "GET", "/redfish/v1/", null, null).statusCode(), "the other BMC answers");

        fleet.lift(List.of(hung), Fault.HANG);
        assertEquals(200, send(hung, "GET", "/redfish/v1/", null, null).statusCode());
    }

    @Test
    void aRefusingBmcClosesItsPortAndOpensItAgain() throws Exception {
        Endpoint bmc = fleet.add(1).get(0);
        fleet.inject(List.of(bmc), Fault.REFUSE);
        IOException refused = assertThrows(IOException.class, () -> send(bmc, "GET", "/redfish/v1/", null, null));
        assertTrue(refused instanceof ConnectException || refused.getCause() instanceof ConnectException, refused.toString());
        fleet.lift(List.of(bmc), Fault.REFUSE);
        assertEquals(200, send(bmc, "GET", "/redfish/v1/", null, null).statusCode());
    }

    @Test
    void aThousandBmcsCostNoThreads() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        // Both event loops and the client's thread exist once a few BMCs have answered.
        for (Endpoint bmc : fleet.add(4)) {
            assertEquals(200, send(bmc, "GET", "/redfish/v1/Systems/1", null, BASIC).statusCode());
        }
        int before = threads.getThreadCount();

        List<Endpoint> bmcs = fleet.add(1000);
        Set<Integer> ports = new HashSet<>();
        for (Endpoint bmc : bmcs) {
            ports.add(bmc.port());
            assertEquals(200, send(bmc, "GET", "/redfish/v1/Systems/1", null, BASIC).statusCode());
        }
        int after = threads.getThreadCount();

        assertEquals(1000, ports.size(), "every BMC listens on a port of its own");
        assertTrue(after - before <= 2, "threads before: " + before + ", after 1000 more BMCs: " + after);
        assertEquals(1004, fleet.totalRequests());
    }

    @Test
    void closingEndsItsThreads() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int before = threads.getThreadCount();
        FleetSimulator other = new FleetSimulator("admin", "password");
        Endpoint bmc = other.add(3).get(2);
        assertEquals(200, send(bmc, "GET", "/redfish/v1/", null, null).statusCode());
        assertTrue(threads.getThreadCount() > before, "it runs on threads of its own");
        other.close();
        Awaitility.await("the fleet's threads to end").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .pollInSameThread()
                .until(() -> threads.getThreadCount() <= before);
        assertThrows(IOException.class, () -> send(bmc, "GET", "/redfish/v1/", null, null));
    }

    private JsonNode get(Endpoint bmc, String path, String authorization) throws Exception {
        HttpResponse<String> response = send(bmc, "GET", path, null, authorization);
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> send(Endpoint bmc, String method, String path, String body, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bmc.port() + path))
                .timeout(Duration.ofSeconds(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
