package dev.metalprov.testing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The Redfish simulator itself, spoken to with the JDK HTTP client as a Redfish client would. */
class RedfishSimulatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SYSTEM = "/redfish/v1/Systems/sys-a";
    private static final String RESET = SYSTEM + "/Actions/ComputerSystem.Reset";
    private static final String SESSIONS = "/redfish/v1/SessionService/Sessions";
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private RedfishSimulator bmc;
    private HttpClient http;

    @BeforeEach
    void setUp() throws IOException {
        bmc = new RedfishSimulator("admin", "pw");
        bmc.addSystem("sys-a", "0b3f4f9e-6c57-4d6e-9a55-3c1f1e9a0001", "Off");
        http = newClient();
    }

    @AfterEach
    void tearDown() {
        bmc.close();
    }

    // ---- service root and sessions ------------------------------------------------------------

    @Test
    void theServiceRootNeedsNoCredentialsAndLinksTheServices() throws Exception {
        for (String path : List.of("/redfish/v1", "/redfish/v1/")) {
            HttpResponse<String> root = send("GET", path, null, Auth.NONE);
            assertEquals(200, root.statusCode(), path);
            JsonNode body = json(root);
            assertEquals("/redfish/v1/Systems", body.path("Systems").path("@odata.id").asText());
            assertEquals("/redfish/v1/Managers", body.path("Managers").path("@odata.id").asText());
            assertEquals("/redfish/v1/Chassis", body.path("Chassis").path("@odata.id").asText());
            assertEquals("/redfish/v1/SessionService", body.path("SessionService").path("@odata.id").asText());
        }
        assertEquals(401, send("GET", "/redfish/v1/Systems", null, Auth.NONE).statusCode());
        List<RedfishSimulator.Request> log = bmc.requests();
        assertFalse(log.get(0).authenticated());
        assertEquals(401, log.get(2).status());

        bmc.sessions(false);
        assertTrue(json(send("GET", "/redfish/v1", null, Auth.NONE)).path("SessionService").isMissingNode());
    }

    @Test
    void aSessionTokenAuthenticatesUntilTheSessionIsDeleted() throws Exception {
        HttpResponse<String> created = createSession("admin", "pw");
        assertEquals(201, created.statusCode());
        String token = created.headers().firstValue("X-Auth-Token").orElseThrow();
        String location = created.headers().firstValue("Location").orElseThrow();
        assertTrue(location.matches("/redfish/v1/SessionService/Sessions/[^/]+"), location);
        assertEquals(1, bmc.activeSessions());
        assertEquals(1, bmc.sessionsCreated());
        assertTrue(bmc.requests().get(0).authenticated(), "a login with the right credentials is authenticated");

        HttpResponse<String> systems = send("GET", "/redfish/v1/Systems", null, Auth.token(token));
        assertEquals(200, systems.statusCode());
        RedfishSimulator.Request logged = bmc.requests().get(bmc.requests().size() - 1);
        assertTrue(logged.authenticated());
        assertEquals(token, logged.header("x-auth-token"), "headers are looked up ignoring case");
        assertEquals("admin", json(send("GET", location, null, Auth.token(token))).path("UserName").asText());

        assertEquals(204, send("DELETE", location, null, Auth.token(token)).statusCode());
        assertEquals(0, bmc.activeSessions());
        assertEquals(401, send("GET", "/redfish/v1/Systems", null, Auth.token(token)).statusCode());
        assertEquals(1, bmc.sessionsCreated(), "ended sessions still count as created");
    }

    @Test
    void wrongCredentialsOpenNoSession() throws Exception {
        HttpResponse<String> refused = createSession("admin", "wrong");
        assertEquals(401, refused.statusCode());
        assertTrue(refused.headers().firstValue("X-Auth-Token").isEmpty());
        assertEquals(0, bmc.sessionsCreated());
        assertFalse(bmc.requests().get(0).authenticated());
    }

    @Test
    void expiredSessionsAnswer401WhileBasicKeepsWorking() throws Exception {
        String token = createSession("admin", "pw").headers().firstValue("X-Auth-Token").orElseThrow();
        bmc.expireSessions();
        assertEquals(0, bmc.activeSessions());
        assertEquals(401, send("GET", SYSTEM, null, Auth.token(token)).statusCode());
        assertEquals(200, send("GET", SYSTEM, null, Auth.BASIC).statusCode());
    }

    @Test
    void withoutTheSessionServiceOnlyBasicWorks() throws Exception {
        bmc.sessions(false);
        assertEquals(404, createSession("admin", "pw").statusCode(), "answered before any credentials are checked");
        assertEquals(404, send("GET", "/redfish/v1/SessionService", null, Auth.BASIC).statusCode());
        assertEquals(0, bmc.sessionsCreated());
        assertEquals(200, send("GET", SYSTEM, null, Auth.BASIC).statusCode());
        assertEquals(401, send("GET", "/redfish/v1/Systems", null, Auth.NONE).statusCode());
    }

    // ---- ETags ------------------------------------------------------------------------------------

    @Test
    void aPatchWithAStaleEtagIsRefusedAndOneWithoutIfMatchAccepted() throws Exception {
        HttpResponse<String> read = send("GET", SYSTEM, null, Auth.BASIC);
        String etag = read.headers().firstValue("ETag").orElseThrow();
        assertTrue(etag.matches("\"[^\"]+\""), "a quoted string: " + etag);
        assertEquals(etag, bmc.etag("sys-a"));

        String pxe = "{\"Boot\":{\"BootSourceOverrideEnabled\":\"Once\",\"BootSourceOverrideTarget\":\"Pxe\"}}";
        HttpResponse<String> patched = send("PATCH", SYSTEM, pxe, Auth.BASIC, "If-Match", etag);
        assertEquals(200, patched.statusCode());
        String newEtag = patched.headers().firstValue("ETag").orElseThrow();
        assertNotEquals(etag, newEtag, "the system changed");
        assertEquals(newEtag, send("GET", SYSTEM, null, Auth.BASIC).headers().firstValue("ETag").orElseThrow());

        String hdd = "{\"Boot\":{\"BootSourceOverrideTarget\":\"Hdd\"}}";
        assertEquals(412, send("PATCH", SYSTEM, hdd, Auth.BASIC, "If-Match", etag).statusCode());
        assertEquals("Pxe", bmc.system("sys-a").path("Boot").path("BootSourceOverrideTarget").asText(), "unchanged");
        assertEquals(etag, bmc.requests().get(bmc.requests().size() - 1).ifMatch(), "If-Match is logged");

        assertEquals(200, send("PATCH", SYSTEM, hdd, Auth.BASIC).statusCode());
        assertEquals("Hdd", bmc.system("sys-a").path("Boot").path("BootSourceOverrideTarget").asText());
        assertEquals(null, bmc.requests().get(bmc.requests().size() - 1).ifMatch());
    }

    @Test
    void aBootTargetOutsideTheAllowableValuesIsRefused() throws Exception {
        HttpResponse<String> refused = send("PATCH", SYSTEM, "{\"Boot\":{\"BootSourceOverrideTarget\":\"Floppy\"}}", Auth.BASIC);
        assertEquals(400, refused.statusCode());
        assertEquals("Base.1.8.PropertyValueNotInList", messageId(refused));
    }

    // ---- inventory ----------------------------------------------------------------------------------

    @Test
    void aSystemCarriesItsInventory() throws Exception {
        JsonNode system = json(send("GET", SYSTEM, null, Auth.BASIC));
        for (String field : List.of("Manufacturer", "Model", "SKU", "SerialNumber", "BiosVersion", "IndicatorLED")) {
            assertFalse(system.path(field).asText().isBlank(), field);
        }
        assertEquals("0b3f4f9e-6c57-4d6e-9a55-3c1f1e9a0001", system.path("UUID").asText());
        assertTrue(system.path("MemorySummary").path("TotalSystemMemoryGiB").asInt() > 0);
        assertEquals(2, system.path("ProcessorSummary").path("Count").asInt());
        JsonNode boot = system.path("Boot");
        assertEquals("Disabled", boot.path("BootSourceOverrideEnabled").asText());
        assertEquals("None", boot.path("BootSourceOverrideTarget").asText());
        assertEquals("[\"None\",\"Pxe\",\"Hdd\",\"UefiHttp\"]", boot.path("BootSourceOverrideTarget@Redfish.AllowableValues").toString());
        assertTrue(boot.has("HttpBootUri"));

        JsonNode processors = json(send("GET", system.path("Processors").path("@odata.id").asText(), null, Auth.BASIC));
        assertEquals(2, processors.path("Members").size());
        JsonNode cpu = json(send("GET", processors.path("Members").get(0).path("@odata.id").asText(), null, Auth.BASIC));
        assertEquals("CPU", cpu.path("ProcessorType").asText());
        assertEquals("x86", cpu.path("ProcessorArchitecture").asText());
        assertEquals("x86-64", cpu.path("InstructionSet").asText());
        for (String field : List.of("Id", "Manufacturer", "Model")) {
            assertFalse(cpu.path(field).asText().isBlank(), field);
        }
        for (String field : List.of("MaxSpeedMHz", "TotalCores", "TotalThreads")) {
            assertTrue(cpu.path(field).asInt() > 0, field);
        }

        JsonNode nics = json(send("GET", system.path("EthernetInterfaces").path("@odata.id").asText(), null, Auth.BASIC));
        JsonNode nic = json(send("GET", nics.path("Members").get(0).path("@odata.id").asText(), null, Auth.BASIC));
        assertTrue(nic.path("MACAddress").asText().matches("([0-9a-f]{2}:){5}[0-9a-f]{2}"), nic.path("MACAddress").asText());
        assertFalse(nic.path("IPv4Addresses").get(0).path("Address").asText().isBlank());
        assertFalse(nic.path("IPv6Addresses").get(0).path("Address").asText().isBlank());
        assertEquals("LinkUp", nic.path("LinkStatus").asText());
        for (String field : List.of("Id", "Name")) {
            assertFalse(nic.path(field).asText().isBlank(), field);
        }
    }

    @Test
    void chosenInventoryIsShownAndTheCollectionIsSortedById() throws Exception {
        bmc.newSystem("sys-0").manufacturer("Dell Inc.").model("PowerEdge R650").serialNumber("7XQ2J53")
                .macAddress("aa:bb:cc:00:11:22").power("On").add();
        JsonNode system = json(send("GET", "/redfish/v1/Systems/sys-0", null, Auth.BASIC));
        assertEquals("Dell Inc.", system.path("Manufacturer").asText());
        assertEquals("PowerEdge R650", system.path("Model").asText());
        assertEquals("7XQ2J53", system.path("SerialNumber").asText());
        assertEquals("On", system.path("PowerState").asText());
        assertEquals("aa:bb:cc:00:11:22", json(send("GET", "/redfish/v1/Systems/sys-0/EthernetInterfaces/NIC1", null, Auth.BASIC))
                .path("MACAddress").asText());

        JsonNode members = json(send("GET", "/redfish/v1/Systems", null, Auth.BASIC)).path("Members");
        assertEquals(List.of("/redfish/v1/Systems/sys-0", "/redfish/v1/Systems/sys-a"), ids(members));
        assertEquals(List.of("/redfish/v1/Chassis/sys-0", "/redfish/v1/Chassis/sys-a"),
                ids(json(send("GET", "/redfish/v1/Chassis", null, Auth.BASIC)).path("Members")));
    }

    @Test
    void theManagerDescribesTheBmc() throws Exception {
        JsonNode managers = json(send("GET", "/redfish/v1/Managers", null, Auth.BASIC));
        assertEquals(List.of("/redfish/v1/Managers/BMC"), ids(managers.path("Members")));
        bmc.setManagerInfo("Supermicro", "X12DPi", "01.04.08");
        JsonNode manager = json(send("GET", "/redfish/v1/Managers/BMC", null, Auth.BASIC));
        assertEquals("Supermicro", manager.path("Manufacturer").asText());
        assertEquals("X12DPi", manager.path("Model").asText());
        assertEquals("01.04.08", manager.path("FirmwareVersion").asText());
        assertEquals("On", manager.path("PowerState").asText());
        assertFalse(manager.path("UUID").asText().isBlank());
    }

    // ---- power --------------------------------------------------------------------------------------

    @Test
    void powerPassesThroughPoweringOnForTheTransitionTime() throws Exception {
        Duration transition = Duration.ofMillis(500);
        bmc.powerTransition(transition);
        long start = System.nanoTime();
        assertEquals(204, reset("On").statusCode());
        assertEquals("PoweringOn", powerState());

        await("sys-a to be On").atMost(DEADLINE).pollInterval(Duration.ofMillis(20)).until(() -> powerState().equals("On"));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(transition) >= 0, "not before the transition time");
        assertEquals(List.of("On"), bmc.resets("sys-a"));
    }

    @Test
    void withoutTransitionTimeTheNextReadShowsTheNewState() throws Exception {
        bmc.setPower("sys-a", "On");
        assertEquals(204, reset("ForceOff").statusCode());
        assertEquals("Off", powerState());
        assertEquals(204, reset("PowerCycle").statusCode());
        assertEquals("On", powerState());
        assertEquals(204, reset("Nmi").statusCode());
        assertEquals("On", powerState());
        assertEquals(List.of("ForceOff", "PowerCycle", "Nmi"), bmc.resets("sys-a"));

        HttpResponse<String> refused = reset("PushAndPray");
        assertEquals(400, refused.statusCode());
        assertEquals(3, bmc.resets("sys-a").size(), "a refused reset is not counted");
    }

    @Test
    void anOsThatIgnoresGracefulShutdownStaysOnUntilForcedOff() throws Exception {
        bmc.setPower("sys-a", "On");
        bmc.ignoreGracefulShutdown("sys-a");
        assertEquals(204, reset("GracefulShutdown").statusCode());
        assertEquals("On", powerState());
        assertEquals("On", powerState());
        assertEquals(204, reset("ForceOff").statusCode());
        assertEquals("Off", powerState());
        assertEquals(List.of("GracefulShutdown", "ForceOff"), bmc.resets("sys-a"));
    }

    // ---- faults -------------------------------------------------------------------------------------

    @Test
    void failNextAnswersTheStatusThenRecovers() throws Exception {
        bmc.failNext(2, 503);
        assertEquals(200, send("GET", "/redfish/v1", null, Auth.NONE).statusCode(), "the service root is exempt");
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> failed = send("GET", SYSTEM, null, Auth.BASIC);
            assertEquals(503, failed.statusCode());
            assertEquals("1", failed.headers().firstValue("Retry-After").orElse(null));
            assertNotNull(messageId(failed));
        }
        assertEquals(200, send("GET", SYSTEM, null, Auth.BASIC).statusCode());

        bmc.failNext(1, 500);
        HttpResponse<String> failed = send("GET", SYSTEM, null, Auth.BASIC);
        assertEquals(500, failed.statusCode());
        assertTrue(failed.headers().firstValue("Retry-After").isEmpty());
        assertEquals(List.of(200, 503, 503, 200, 500), bmc.requests().stream().map(RedfishSimulator.Request::status).toList());
    }

    @Test
    void busyNextAnswersTheVendorBusyMessage() throws Exception {
        bmc.busyNext(1);
        HttpResponse<String> busy = reset("On");
        assertEquals(503, busy.statusCode());
        assertEquals("Base.1.8.ServiceTemporarilyUnavailable", messageId(busy));
        assertEquals("1", busy.headers().firstValue("Retry-After").orElse(null));
        assertEquals(List.of(), bmc.resets("sys-a"), "a busy BMC did nothing");
        assertEquals(204, reset("On").statusCode());
    }

    @Test
    void aDelayedBmcAnswersLate() throws Exception {
        Duration delay = Duration.ofMillis(300);
        bmc.delay(delay);
        long start = System.nanoTime();
        assertEquals(200, send("GET", SYSTEM, null, Auth.BASIC).statusCode());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(delay) >= 0);

        bmc.delay(Duration.ZERO);
        assertEquals(200, send("GET", SYSTEM, null, Auth.BASIC).statusCode());
    }

    @Test
    void aResetConnectionIsAnIoErrorForTheClient() throws Exception {
        bmc.resetConnections(1);
        // A POST, because the JDK client silently repeats an idempotent request once when the
        // connection closes before any answer.
        assertThrows(IOException.class, () -> reset("On"));
        assertEquals(RedfishSimulator.Request.CONNECTION_DROPPED, bmc.requests().get(0).status());
        assertEquals(List.of(), bmc.resets("sys-a"), "the dropped request did nothing");

        bmc.resetConnections(2);
        assertThrows(IOException.class, () -> send("GET", SYSTEM, null, Auth.BASIC));
        assertEquals(200, send("GET", SYSTEM, null, Auth.BASIC).statusCode());
    }

    @Test
    void aRevertedBootOverrideIsAcknowledgedButNotKept() throws Exception {
        bmc.revertBootOverride(true);
        String pxe = "{\"Boot\":{\"BootSourceOverrideEnabled\":\"Once\",\"BootSourceOverrideTarget\":\"Pxe\"}}";
        assertEquals(200, send("PATCH", SYSTEM, pxe, Auth.BASIC).statusCode());
        JsonNode boot = json(send("GET", SYSTEM, null, Auth.BASIC)).path("Boot");
        assertEquals("Disabled", boot.path("BootSourceOverrideEnabled").asText());
        assertEquals("None", boot.path("BootSourceOverrideTarget").asText());

        bmc.revertBootOverride(false);
        assertEquals(200, send("PATCH", SYSTEM, pxe, Auth.BASIC).statusCode());
        assertEquals("Pxe", json(send("GET", SYSTEM, null, Auth.BASIC)).path("Boot").path("BootSourceOverrideTarget").asText());
    }

    @Test
    void aRemovedSystemIsGone() throws Exception {
        bmc.removeSystem("sys-a");
        HttpResponse<String> gone = send("GET", SYSTEM, null, Auth.BASIC);
        assertEquals(404, gone.statusCode());
        assertEquals("Base.1.8.ResourceMissingAtURI", messageId(gone));
        assertEquals(404, reset("On").statusCode());
        assertEquals(0, json(send("GET", "/redfish/v1/Systems", null, Auth.BASIC)).path("Members").size());
    }

    @Test
    void inFlightMaxCountsConcurrentSlowRequests() throws Exception {
        assertEquals(200, send("GET", SYSTEM, null, Auth.BASIC).statusCode());
        assertEquals(1, bmc.inFlightMax(), "sequential requests never overlap");

        bmc.delay(Duration.ofMillis(300));
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            answers.add(http.sendAsync(request("GET", SYSTEM, null, Auth.BASIC).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            assertEquals(200, answer.get().statusCode());
        }
        assertEquals(5, bmc.inFlightMax());
    }

    @Test
    void theRequestLogCanBeCleared() throws Exception {
        send("GET", SYSTEM, null, Auth.BASIC);
        assertEquals(1, bmc.requests().size());
        bmc.clearRequests();
        assertEquals(List.of(), bmc.requests());
        send("PATCH", SYSTEM, "{\"IndicatorLED\":\"Lit\"}", Auth.BASIC, "If-Match", "*");
        RedfishSimulator.Request patch = bmc.requests().get(0);
        assertEquals("PATCH", patch.method());
        assertEquals(SYSTEM, patch.path());
        assertEquals("{\"IndicatorLED\":\"Lit\"}", patch.body());
        assertTrue(patch.authenticated());
        assertEquals("*", patch.ifMatch());
        assertEquals(200, patch.status());
    }

    // ---- client side ----------------------------------------------------------------------------------

    /** How a request authenticates. */
    private record Auth(String header, String value) {
        static final Auth NONE = new Auth(null, null);
        static final Auth BASIC = new Auth("Authorization",
                "Basic " + Base64.getEncoder().encodeToString("admin:pw".getBytes(StandardCharsets.UTF_8)));

        static Auth token(String token) {
            return new Auth("X-Auth-Token", token);
        }
    }

    private static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private HttpRequest.Builder request(String method, String path, String body, Auth auth, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(bmc.endpoint().resolve(path)).timeout(DEADLINE)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (auth.header() != null) {
            request.header(auth.header(), auth.value());
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request;
    }

    private HttpResponse<String> send(String method, String path, String body, Auth auth, String... headers)
            throws IOException, InterruptedException {
        return http.send(request(method, path, body, auth, headers).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> createSession(String user, String password) throws IOException, InterruptedException {
        String body = JSON.createObjectNode().put("UserName", user).put("Password", password).toString();
        return send("POST", SESSIONS, body, Auth.NONE);
    }

    private HttpResponse<String> reset(String type) throws IOException, InterruptedException {
        return send("POST", RESET, "{\"ResetType\":\"" + type + "\"}", Auth.BASIC);
    }

    private String powerState() throws IOException, InterruptedException {
        return json(send("GET", SYSTEM, null, Auth.BASIC)).path("PowerState").asText();
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    private static String messageId(HttpResponse<String> response) throws IOException {
        return json(response).path("error").path("@Message.ExtendedInfo").path(0).path("MessageId").asText(null);
    }

    private static List<String> ids(JsonNode members) {
        List<String> ids = new ArrayList<>();
        members.forEach(member -> ids.add(member.path("@odata.id").asText()));
        return ids;
    }
}
