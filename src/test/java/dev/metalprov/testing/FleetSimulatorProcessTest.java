package dev.metalprov.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BMCs on ports of a fixed range, and a fleet in a JVM of its own. */
class FleetSimulatorProcessTest {

    @TempDir
    Path folder;

    @Test
    void bmcsTakeTheFreePortsOfTheRange() throws Exception {
        int first = free();
        try (ServerSocket taken = new ServerSocket(first + 1, 1, InetAddress.getLoopbackAddress());
                FleetSimulator fleet = new FleetSimulator("u", "p").ports(first, first + 10)) {
            List<Integer> ports = fleet.add(3).stream().map(FleetSimulator.Endpoint::port).toList();
            assertEquals(List.of(first, first + 2, first + 3), ports);
            assertFalse(ports.contains(taken.getLocalPort()));
        }
    }

    @Test
    void aFleetProcessServesItsBmcsAndCountsTheirRequests() throws Exception {
        int first = free();
        try (FleetSimulatorProcess fleet = FleetSimulatorProcess.start("admin", "secret", Duration.ofMillis(100), first, first + 20,
                folder.resolve("fleet.log"))) {
            List<Integer> ports = fleet.add(2);
            assertEquals(2, ports.size());
            assertTrue(ports.stream().allMatch(p -> p >= first && p <= first + 20), ports.toString());
            assertEquals(0, fleet.totalRequests());

            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(1) + "/redfish/v1/Systems/1"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("admin:secret".getBytes(StandardCharsets.UTF_8)))
                    .build();
            HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            assertTrue(response.body().contains("\"PowerState\""), response.body());
            assertEquals(1, fleet.totalRequests());
        }
    }

    /** A port range start that is free now, high enough below the ephemeral range to leave room. */
    private static int free() throws Exception {
        for (int port = 20000 + (int) (ProcessHandle.current().pid() % 5000); ; port += 50) {
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (java.io.IOException inUse) {
                // Try further up.
            }
        }
    }
}
