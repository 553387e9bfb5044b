package dev.metalprov.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A Redfish BMC (DSP0266) in the test JVM, on 127.0.0.1 and a free port, for tests of Redfish
 * clients. It serves the service root, systems with inventory (processors, Ethernet interfaces,
 * boot override), one manager, chassis and the session service; it authenticates with Basic or
 * with session tokens, guards system PATCHes with ETags, and moves power asynchronously: a Reset
 * shows PoweringOn/PoweringOff until {@link #powerTransition(Duration)} has passed, judged on
 * read, so no background threads are involved.
 *
 * <p>Tests can inject what real BMCs do to their clients: error statuses, "busy" answers, slow
 * answers, dropped connections, boot overrides that are acknowledged but not kept, systems that
 * disappear and operating systems that ignore a graceful shutdown. Every request is logged with
 * its headers and the status it got, and {@link #inFlightMax()} tells how many were served at
 * once.
 *
 * <p>Requests are served concurrently by a thread pool, so that a slow answer does not hold up
 * the others; the model itself is guarded by this object's monitor. Closed by the test that
 * opened it.
 */
public class RedfishSimulator implements AutoCloseable {

    /**
     * One request as the simulator saw it: {@code authenticated} says whether its Basic
     * credentials or session token were valid when it was answered, {@code headers} holds the
     * request headers (looked up ignoring case) and {@code status} the HTTP status it was
     * answered with, or {@link #CONNECTION_DROPPED}.
     */
    public record Request(String method, String path, String body, boolean authenticated,
            Map<String, String> headers, int status) {

        /** The status logged for a request whose connection was closed without an answer. */
        public static final int CONNECTION_DROPPED = -1;

        public Request {
            headers = caseInsensitiveCopy(headers);
        }

        /** The request header of that name (any case), or null. */
        public String header(String name) {
            return headers.get(name);
        }

        /** The If-Match header the client sent, or null. */
        public String ifMatch() {
            return header("If-Match");
        }
    }

    public static final String MANAGER_ID = "BMC";
    public static final List<String> RESET_TYPES = List.of("On", "ForceOn", "GracefulShutdown", "ForceOff",
            "ForceRestart", "GracefulRestart", "PowerCycle", "Nmi");
    public static final List<String> BOOT_TARGETS = List.of("None", "Pxe", "Hdd", "UefiHttp");

    private static final List<String> BOOT_OVERRIDE_ENABLED = List.of("Disabled", "Once", "Continuous");
    private static final List<String> BOOT_MODES = List.of("UEFI", "Legacy");
    private static final List<String> INDICATOR_LED = List.of("Lit", "Blinking", "Off");

    private static final String ROOT = "/redfish/v1";
    private static final String SYSTEMS = ROOT + "/Systems";
    private static final String MANAGERS = ROOT + "/Managers";
    private static final String CHASSIS = ROOT + "/Chassis";
    private static final String SESSION_SERVICE = ROOT + "/SessionService";
    private static final String SESSIONS = SESSION_SERVICE + "/Sessions";
    private static final String MESSAGE_PREFIX = "Base.1.8.";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom TOKENS = new SecureRandom();
    private static final AtomicInteger SIMULATORS = new AtomicInteger();

    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final String username;
    private final String serviceUuid = UUID.randomUUID().toString();

    // Everything below up to the fault counters is guarded by this object's monitor.
    private String password;
    private final Map<String, SimulatedSystem> systems = new TreeMap<>();
    private final Map<String, List<String>> resets = new HashMap<>();
    private final Set<String> gracefulShutdownIgnored = new HashSet<>();
    private final Map<String, Session> sessionsById = new LinkedHashMap<>();
    private final List<Request> requests = new ArrayList<>();
    private boolean sessionsEnabled = true;
    private int sessionsCreated;
    private int lastSessionId;
    private int systemsAdded;
    private long lastRevision;
    private Duration powerTransition = Duration.ZERO;
    private boolean revertBootOverride;
    private String managerManufacturer = "Contoso";
    private String managerModel = "Contoso BMC 3";
    private String managerFirmware = "3.10.2";
    private final String managerUuid = UUID.randomUUID().toString();

    private int failuresLeft;
    private int failureStatus;
    private int busyLeft;
    private int connectionResetsLeft;

    // Read and written outside the monitor, so that slow answers do not serialise everything.
    private volatile Duration delay = Duration.ZERO;
    private final java.util.concurrent.CountDownLatch closing = new java.util.concurrent.CountDownLatch(1);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger inFlightMax = new AtomicInteger();

    public RedfishSimulator(String username, String password) throws IOException {
        this.username = username;
        this.password = password;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        executor = Executors.newCachedThreadPool(daemonThreads("redfish-simulator-" + SIMULATORS.incrementAndGet()));
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    public int port() {
        return server.getAddress().getPort();
    }

    // ---- systems ----------------------------------------------------------------------------

    /** Adds (or replaces) a system with plausible inventory; power is "On" or "Off". */
    public void addSystem(String id, String uuid, String power) {
        newSystem(id).uuid(uuid).power(power).add();
    }

    /** A system to describe in more detail than {@link #addSystem}; {@link SystemBuilder#add()} adds it. */
    public SystemBuilder newSystem(String id) {
        return new SystemBuilder(id);
    }

    /** The system as a GET would show it now (a copy), or null when there is none. */
    public synchronized JsonNode system(String id) {
        SimulatedSystem system = systems.get(id);
        if (system == null) {
            return null;
        }
        settle(system);
        return render(system);
    }

    /** The ETag a GET of the system would carry now (quoted), or null when there is none. */
    public synchronized String etag(String id) {
        SimulatedSystem system = systems.get(id);
        if (system == null) {
            return null;
        }
        settle(system);
        return system.etag();
    }

    /** The system disappears, as when a blade is pulled: 404 from now on, and gone from the collection. */
    public synchronized void removeSystem(String id) {
        systems.remove(id);
    }

    /** Sets the power state at once, ending any transition in progress. */
    public synchronized void setPower(String id, String power) {
        SimulatedSystem system = existing(id);
        system.power = power;
        system.transition = null;
        touch(system);
    }

    /** The ResetType of every accepted Reset of the system, oldest first. */
    public synchronized List<String> resets(String systemId) {
        return List.copyOf(resets.getOrDefault(systemId, List.of()));
    }

    /** How long a Reset shows PoweringOn/PoweringOff; zero (the default) settles on the next read. */
    public synchronized RedfishSimulator powerTransition(Duration transition) {
        this.powerTransition = transition;
        return this;
    }

    /** The system's OS never reacts to ACPI: GracefulShutdown and GracefulRestart are accepted and change nothing. */
    public synchronized RedfishSimulator ignoreGracefulShutdown(String systemId) {
        gracefulShutdownIgnored.add(systemId);
        return this;
    }

    /** While set, a PATCH of Boot answers 200 but the BMC keeps the old override, as some firmware does. */
    public synchronized RedfishSimulator revertBootOverride(boolean revert) {
        this.revertBootOverride = revert;
        return this;
    }

    // ---- manager and credentials ------------------------------------------------------------

    public synchronized RedfishSimulator setManagerInfo(String manufacturer, String model, String firmwareVersion) {
        this.managerManufacturer = manufacturer;
        this.managerModel = model;
        this.managerFirmware = firmwareVersion;
        return this;
    }

    /** The BMC's password changes; sessions opened before stay valid, as on most BMCs. */
    public synchronized void setPassword(String password) {
        this.password = password;
    }

    // ---- sessions ---------------------------------------------------------------------------

    /**
     * Whether the BMC offers the session service (the default). Without it, as with sushy-tools,
     * every SessionService path answers 404, X-Auth-Token is ignored and only Basic works; turning
     * it off also ends the open sessions.
     */
    public synchronized RedfishSimulator sessions(boolean enabled) {
        this.sessionsEnabled = enabled;
        if (!enabled) {
            sessionsById.clear();
        }
        return this;
    }

    public synchronized int activeSessions() {
        return sessionsById.size();
    }

    /** How many sessions were ever opened, including ended ones. */
    public synchronized int sessionsCreated() {
        return sessionsCreated;
    }

    /** Every session ends at once, as on a BMC reboot or timeout: their tokens get 401 from now on. */
    public synchronized void expireSessions() {
        sessionsById.clear();
    }

    // ---- faults -----------------------------------------------------------------------------

    /**
     * The next {@code count} requests answer {@code status} with a Redfish error (503 with
     * Retry-After: 1). Replaces what an earlier call left. The service root is exempt from this
     * and the other counted faults, so that a client's discovery probe does not use them up.
     */
    public synchronized RedfishSimulator failNext(int count, int status) {
        this.failuresLeft = count;
        this.failureStatus = status;
        return this;
    }

    /** The next {@code count} requests get the vendor "busy, retry later": 503, ServiceTemporarilyUnavailable. */
    public synchronized RedfishSimulator busyNext(int count) {
        this.busyLeft = count;
        return this;
    }

    /**
     * The next {@code count} requests have their connection closed without any HTTP answer, and
     * are not acted on. The JDK HTTP client repeats an idempotent request (GET) once by itself
     * when that happens, so a GET needs two of these before the caller sees an IOException.
     */
    public synchronized RedfishSimulator resetConnections(int count) {
        this.connectionResetsLeft = count;
        return this;
    }

    /** Every answer, the service root's included, waits this long first; {@link Duration#ZERO} ends it. */
    public RedfishSimulator delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    /** The most requests that were being served at the same time since the start (or the last reset). */
    public int inFlightMax() {
        return inFlightMax.get();
    }

    /** Starts {@link #inFlightMax()} again from the requests being served now. */
    public void resetInFlightMax() {
        inFlightMax.set(inFlight.get());
    }

    // ---- request log ------------------------------------------------------------------------

    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    public synchronized void clearRequests() {
        requests.clear();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closing.countDown();
            server.stop(0);
            // Interrupts answers that are still waiting out a delay.
            executor.shutdownNow();
        }
    }

    // ---- serving ----------------------------------------------------------------------------

    private void handle(HttpExchange exchange) {
        inFlightMax.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        boolean counted = true;
        try {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!waitOutDelay()) {
                return;
            }
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            Map<String, String> headers = caseInsensitiveCopy(headersOf(exchange));
            Response response;
            synchronized (this) {
                boolean authenticated = authenticates(headers) || logsIn(method, path, body);
                response = answer(method, path, body, headers, authenticated);
                requests.add(new Request(method, path, body, authenticated, headers, response.status()));
            }
            // Counted out before the answer leaves, so that a client that sends its next request as
            // soon as it has this answer is never seen overlapping with it.
            inFlight.decrementAndGet();
            counted = false;
            send(exchange, response);
        } catch (IOException e) {
            // The client went away before the answer was complete; there is nobody to tell.
        } finally {
            if (counted) {
                inFlight.decrementAndGet();
            }
            exchange.close();
        }
    }

    /** False when the simulator is closing while the answer waits. */
    private boolean waitOutDelay() {
        Duration wait = delay;
        if (wait.isZero() || wait.isNegative()) {
            return true;
        }
        try {
            // A slow BMC: the answer is held back for the delay, or until the simulator closes.
            return !closing.await(wait.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Map<String, String> headersOf(HttpExchange exchange) {
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, String.join(", ", values)));
        return headers;
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        if (response.dropsConnection()) {
            // Closing an exchange whose headers were never sent closes the connection itself:
            // the client gets end-of-stream where it expected a status line.
            exchange.close();
            return;
        }
        response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.getResponseHeaders().set("OData-Version", "4.0");
        byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0) {
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        }
        exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** The answer to one request; called under the monitor. */
    private Response answer(String method, String rawPath, String body, Map<String, String> headers,
            boolean authenticated) {
        String path = normalize(rawPath);
        try {
            if (path.equals("/redfish") || path.equals(ROOT)) {
                if (!method.equals("GET")) {
                    return methodNotAllowed("GET");
                }
                return Response.json(200, path.equals(ROOT) ? serviceRoot() : JSON.createObjectNode().put("v1", ROOT + "/"));
            }
            Response fault = injectedFault();
            if (fault != null) {
                return fault;
            }
            if (path.equals(SESSION_SERVICE) || path.startsWith(SESSION_SERVICE + "/")) {
                if (!sessionsEnabled) {
                    return notFound(path);
                }
                // Opening a session is how a client authenticates, so it needs no credentials.
                if (path.equals(SESSIONS) && method.equals("POST")) {
                    return createSession(body);
                }
            }
            if (!authenticated) {
                return unauthorized();
            }
            if (!path.startsWith(ROOT + "/")) {
                return notFound(path);
            }
            List<String> segments = Arrays.asList(path.substring(ROOT.length() + 1).split("/"));
            return switch (segments.get(0)) {
                case "Systems" -> systems(method, path, segments.subList(1, segments.size()), body, headers);
                case "Managers" -> managers(method, path, segments.subList(1, segments.size()));
                case "Chassis" -> chassis(method, path, segments.subList(1, segments.size()));
                case "SessionService" -> sessionService(method, path, segments.subList(1, segments.size()));
                default -> notFound(path);
            };
        } catch (RuntimeException e) {
            // A bug in the simulator should read as a server error in the test, not as a dropped connection.
            return error(500, "InternalError", "The simulator failed: " + e, null);
        }
    }

    private Response injectedFault() {
        if (connectionResetsLeft > 0) {
            connectionResetsLeft--;
            return Response.DROP_CONNECTION;
        }
        if (failuresLeft > 0) {
            failuresLeft--;
            Response failure = error(failureStatus, failureStatus >= 500 ? "InternalError" : "GeneralError",
                    "Injected failure: HTTP " + failureStatus + ".", null);
            return failureStatus == 503 ? failure.withHeader("Retry-After", "1") : failure;
        }
        if (busyLeft > 0) {
            busyLeft--;
            ObjectNode body = errorBody("ServiceTemporarilyUnavailable",
                    "The service is temporarily unavailable. Retry in 1 seconds.",
                    "Wait for the indicated retry duration and retry the operation.");
            ((ObjectNode) body.path("error").path("@Message.ExtendedInfo").get(0)).putArray("MessageArgs").add("1");
            return Response.json(503, body).withHeader("Retry-After", "1");
        }
        return null;
    }

    private static String normalize(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** A login carries its credentials in the body, and counts as authenticated when they are right. */
    private boolean logsIn(String method, String path, String body) {
        return sessionsEnabled && method.equals("POST") && normalize(path).equals(SESSIONS) && validLogin(parse(body));
    }

    private boolean validLogin(JsonNode login) {
        return login != null && username.equals(login.path("UserName").asText(null))
                && password.equals(login.path("Password").asText(null));
    }

    private boolean authenticates(Map<String, String> headers) {
        String token = headers.get("X-Auth-Token");
        if (sessionsEnabled && token != null) {
            return sessionsById.values().stream().anyMatch(session -> session.token().equals(token));
        }
        String expected = "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        return expected.equals(headers.get("Authorization"));
    }

    // ---- resources --------------------------------------------------------------------------

    private ObjectNode serviceRoot() {
        ObjectNode root = resource("#ServiceRoot.v1_5_0.ServiceRoot", ROOT, "RootService", "Root Service");
        root.put("RedfishVersion", "1.8.0");
        root.put("UUID", serviceUuid);
        link(root, "Systems", SYSTEMS);
        link(root, "Managers", MANAGERS);
        link(root, "Chassis", CHASSIS);
        if (sessionsEnabled) {
            link(root, "SessionService", SESSION_SERVICE);
            link(root.putObject("Links"), "Sessions", SESSIONS);
        }
        return root;
    }

    private Response systems(String method, String path, List<String> rest, String body, Map<String, String> headers) {
        if (rest.isEmpty()) {
            return method.equals("GET")
                    ? Response.json(200, collection("#ComputerSystemCollection.ComputerSystemCollection", SYSTEMS,
                            "Computer System Collection", systems.keySet().stream().map(id -> SYSTEMS + "/" + id).toList()))
                    : methodNotAllowed("GET");
        }
        SimulatedSystem system = systems.get(rest.get(0));
        if (system == null) {
            return notFound(path);
        }
        settle(system);
        if (rest.size() == 1) {
            return switch (method) {
                case "GET" -> Response.json(200, render(system)).withHeader("ETag", system.etag());
                case "PATCH" -> patch(system, body, headers.get("If-Match"));
                default -> methodNotAllowed("GET, PATCH");
            };
        }
        String base = SYSTEMS + "/" + system.inventory.id();
        switch (rest.get(1)) {
            case "Actions" -> {
                if (rest.size() != 3 || !rest.get(2).equals("ComputerSystem.Reset")) {
                    return notFound(path);
                }
                return method.equals("POST") ? reset(system, body) : methodNotAllowed("POST");
            }
            case "Processors" -> {
                List<String> ids = processorIds(system);
                return member(method, path, rest, ids, base + "/Processors", "#ProcessorCollection.ProcessorCollection",
                        "Processors Collection", id -> processor(system, id));
            }
            case "EthernetInterfaces" -> {
                return member(method, path, rest, List.of("NIC1"), base + "/EthernetInterfaces",
                        "#EthernetInterfaceCollection.EthernetInterfaceCollection", "Ethernet Interface Collection",
                        id -> ethernetInterface(system, id));
            }
            default -> {
                return notFound(path);
            }
        }
    }

    /** A sub-collection of a system ({@code rest} = [system, collection] or [system, collection, member]). */
    private Response member(String method, String path, List<String> rest, List<String> ids, String collectionPath,
            String type, String name, Function<String, ObjectNode> renderMember) {
        if (!method.equals("GET")) {
            return methodNotAllowed("GET");
        }
        if (rest.size() == 2) {
            return Response.json(200, collection(type, collectionPath, name,
                    ids.stream().map(id -> collectionPath + "/" + id).toList()));
        }
        if (rest.size() == 3 && ids.contains(rest.get(2))) {
            return Response.json(200, renderMember.apply(rest.get(2)));
        }
        return notFound(path);
    }

    private ObjectNode render(SimulatedSystem system) {
        Inventory inventory = system.inventory;
        String path = SYSTEMS + "/" + inventory.id();
        ObjectNode node = resource("#ComputerSystem.v1_13_0.ComputerSystem", path, inventory.id(), "System " + inventory.id());
        node.put("@odata.etag", system.etag());
        node.put("SystemType", "Physical");
        node.put("UUID", inventory.uuid());
        node.put("Manufacturer", inventory.manufacturer());
        node.put("Model", inventory.model());
        node.put("SKU", inventory.sku());
        node.put("SerialNumber", inventory.serialNumber());
        node.put("BiosVersion", inventory.biosVersion());
        node.put("PowerState", system.power);
        node.put("IndicatorLED", system.indicatorLed);
        status(node);
        ObjectNode memory = node.putObject("MemorySummary");
        memory.put("TotalSystemMemoryGiB", inventory.memoryGiB());
        status(memory);
        ObjectNode processors = node.putObject("ProcessorSummary");
        processors.put("Count", inventory.processors());
        processors.put("LogicalProcessorCount", inventory.processors() * Inventory.THREADS_PER_PROCESSOR);
        processors.put("Model", Inventory.PROCESSOR_MODEL);
        status(processors);
        ObjectNode boot = node.putObject("Boot");
        boot.put("BootSourceOverrideEnabled", system.bootOverrideEnabled);
        boot.put("BootSourceOverrideTarget", system.bootOverrideTarget);
        BOOT_TARGETS.forEach(boot.putArray("BootSourceOverrideTarget@Redfish.AllowableValues")::add);
        boot.put("BootSourceOverrideMode", system.bootOverrideMode);
        boot.put("HttpBootUri", system.httpBootUri);
        link(node, "Processors", path + "/Processors");
        link(node, "EthernetInterfaces", path + "/EthernetInterfaces");
        ObjectNode links = node.putObject("Links");
        links.putArray("Chassis").addObject().put("@odata.id", CHASSIS + "/" + inventory.id());
        links.putArray("ManagedBy").addObject().put("@odata.id", MANAGERS + "/" + MANAGER_ID);
        ObjectNode reset = node.putObject("Actions").putObject("#ComputerSystem.Reset");
        reset.put("target", path + "/Actions/ComputerSystem.Reset");
        RESET_TYPES.forEach(reset.putArray("ResetType@Redfish.AllowableValues")::add);
        return node;
    }

    private List<String> processorIds(SimulatedSystem system) {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= system.inventory.processors(); i++) {
            ids.add("CPU" + i);
        }
        return ids;
    }

    private ObjectNode processor(SimulatedSystem system, String id) {
        ObjectNode node = resource("#Processor.v1_10_0.Processor",
                SYSTEMS + "/" + system.inventory.id() + "/Processors/" + id, id, "Processor " + id);
        node.put("Socket", id);
        node.put("ProcessorType", "CPU");
        node.put("ProcessorArchitecture", "x86");
        node.put("InstructionSet", "x86-64");
        node.put("Manufacturer", "Intel(R) Corporation");
        node.put("Model", Inventory.PROCESSOR_MODEL);
        node.put("MaxSpeedMHz", 3900);
        node.put("TotalCores", Inventory.CORES_PER_PROCESSOR);
        node.put("TotalThreads", Inventory.THREADS_PER_PROCESSOR);
        status(node);
        return node;
    }

    private ObjectNode ethernetInterface(SimulatedSystem system, String id) {
        Inventory inventory = system.inventory;
        ObjectNode node = resource("#EthernetInterface.v1_6_0.EthernetInterface",
                SYSTEMS + "/" + inventory.id() + "/EthernetInterfaces/" + id, id, "Ethernet Interface " + id);
        node.put("MACAddress", inventory.macAddress());
        node.put("PermanentMACAddress", inventory.macAddress());
        node.put("SpeedMbps", 25000);
        node.put("LinkStatus", "LinkUp");
        node.putArray("IPv4Addresses").addObject().put("Address", inventory.ipv4Address())
                .put("SubnetMask", "255.255.255.0").put("AddressOrigin", "DHCP");
        node.putArray("IPv6Addresses").addObject().put("Address", inventory.ipv6Address())
                .put("PrefixLength", 64).put("AddressOrigin", "SLAAC");
        status(node);
        return node;
    }

    private Response patch(SimulatedSystem system, String body, String ifMatch) {
        if (ifMatch != null && !matches(ifMatch, system.etag())) {
            return error(412, "PreconditionFailed",
                    "The ETag supplied did not match the ETag required to change this resource.", null);
        }
        JsonNode request = parse(body);
        if (request == null || !request.isObject()) {
            return error(400, "MalformedJSON", "The request body submitted was malformed JSON.", null);
        }
        // Everything is checked before anything changes, so that a rejected PATCH leaves no trace.
        Map<String, String> boot = new LinkedHashMap<>();
        String indicatorLed = null;
        for (Map.Entry<String, JsonNode> property : request.properties()) {
            switch (property.getKey()) {
                case "Boot" -> {
                    if (!property.getValue().isObject()) {
                        return valueTypeError("Boot");
                    }
                    for (Map.Entry<String, JsonNode> field : property.getValue().properties()) {
                        Response invalid = checkBootField(field.getKey(), field.getValue());
                        if (invalid != null) {
                            return invalid;
                        }
                        boot.put(field.getKey(), field.getValue().isNull() ? null : field.getValue().asText());
                    }
                }
                case "IndicatorLED" -> {
                    if (!INDICATOR_LED.contains(property.getValue().asText())) {
                        return notInList("IndicatorLED", property.getValue().asText());
                    }
                    indicatorLed = property.getValue().asText();
                }
                default -> {
                    return error(400, "PropertyUnknown",
                            "The property " + property.getKey() + " is not in the list of valid properties for the resource.", null);
                }
            }
        }
        boolean changed = false;
        if (indicatorLed != null) {
            system.indicatorLed = indicatorLed;
            changed = true;
        }
        if (!boot.isEmpty() && !revertBootOverride) {
            boot.forEach((name, value) -> {
                switch (name) {
                    case "BootSourceOverrideEnabled" -> system.bootOverrideEnabled = value;
                    case "BootSourceOverrideTarget" -> system.bootOverrideTarget = value;
                    case "BootSourceOverrideMode" -> system.bootOverrideMode = value;
                    default -> system.httpBootUri = value;
                }
            });
            changed = true;
        }
        if (changed) {
            touch(system);
        }
        return Response.json(200, render(system)).withHeader("ETag", system.etag());
    }

    private static Response checkBootField(String name, JsonNode value) {
        List<String> allowed = switch (name) {
            case "BootSourceOverrideEnabled" -> BOOT_OVERRIDE_ENABLED;
            case "BootSourceOverrideTarget" -> BOOT_TARGETS;
            case "BootSourceOverrideMode" -> BOOT_MODES;
            case "HttpBootUri" -> null;
            default -> List.of();
        };
        if (allowed != null && allowed.isEmpty()) {
            return error(400, "PropertyUnknown", "The property Boot/" + name
                    + " is not in the list of valid properties for the resource.", null);
        }
        if (allowed == null) {
            return value.isTextual() || value.isNull() ? null : valueTypeError("Boot/" + name);
        }
        return value.isTextual() && allowed.contains(value.asText()) ? null : notInList("Boot/" + name, value.toString());
    }

    private static boolean matches(String ifMatch, String etag) {
        return Arrays.stream(ifMatch.split(",")).map(String::trim).anyMatch(tag -> tag.equals("*") || tag.equals(etag));
    }

    private Response reset(SimulatedSystem system, String body) {
        JsonNode request = parse(body);
        if (request == null || !request.isObject()) {
            return error(400, "MalformedJSON", "The request body submitted was malformed JSON.", null);
        }
        JsonNode type = request.get("ResetType");
        if (type == null) {
            return error(400, "ActionParameterMissing",
                    "The action ComputerSystem.Reset requires the parameter ResetType to be present in the request body.", null);
        }
        if (!RESET_TYPES.contains(type.asText())) {
            return error(400, "ActionParameterNotSupported",
                    "The parameter ResetType for the action ComputerSystem.Reset is not supported on the target resource: "
                            + type + ".", null);
        }
        String resetType = type.asText();
        resets.computeIfAbsent(system.inventory.id(), id -> new ArrayList<>()).add(resetType);
        boolean osListens = !gracefulShutdownIgnored.contains(system.inventory.id());
        boolean running = system.heading().equals("On");
        switch (resetType) {
            case "On", "ForceOn" -> moveTo(system, "PoweringOn", "On");
            case "ForceOff" -> moveTo(system, "PoweringOff", "Off");
            case "GracefulShutdown" -> {
                if (osListens && running) {
                    moveTo(system, "PoweringOff", "Off");
                }
            }
            case "GracefulRestart" -> {
                if (osListens && running) {
                    restart(system);
                }
            }
            // A hard restart or power cycle brings the system up whatever state it was in.
            case "ForceRestart", "PowerCycle" -> restart(system);
            default -> {
                // Nmi: a diagnostic interrupt to the OS; power stays as it is.
            }
        }
        return new Response(204, Map.of(), "");
    }

    /** Starts a transition unless the system is already at, or on its way to, the target. */
    private void moveTo(SimulatedSystem system, String transitional, String target) {
        if (system.heading().equals(target)) {
            return;
        }
        system.power = transitional;
        system.transition = new PowerTransition(target, System.nanoTime() + powerTransition.toNanos());
        touch(system);
    }

    private void restart(SimulatedSystem system) {
        // The off phase of a restart is too short to poll for; clients see it coming back up.
        system.power = "PoweringOn";
        system.transition = new PowerTransition("On", System.nanoTime() + powerTransition.toNanos());
        touch(system);
    }

    /** Ends a transition whose time has come; called before every look at a system. */
    private void settle(SimulatedSystem system) {
        PowerTransition transition = system.transition;
        if (transition != null && System.nanoTime() - transition.dueNanos() >= 0) {
            system.power = transition.target();
            system.transition = null;
            touch(system);
        }
    }

    private void touch(SimulatedSystem system) {
        // Revisions are unique across systems, so that a removed and re-added system never repeats an ETag.
        system.revision = ++lastRevision;
    }

    private Response managers(String method, String path, List<String> rest) {
        if (!method.equals("GET")) {
            return methodNotAllowed("GET");
        }
        if (rest.isEmpty()) {
            return Response.json(200, collection("#ManagerCollection.ManagerCollection", MANAGERS, "Manager Collection",
                    List.of(MANAGERS + "/" + MANAGER_ID)));
        }
        if (rest.size() != 1 || !rest.get(0).equals(MANAGER_ID)) {
            return notFound(path);
        }
        ObjectNode manager = resource("#Manager.v1_10_0.Manager", MANAGERS + "/" + MANAGER_ID, MANAGER_ID, "Manager");
        manager.put("ManagerType", "BMC");
        manager.put("Manufacturer", managerManufacturer);
        manager.put("Model", managerModel);
        manager.put("FirmwareVersion", managerFirmware);
        manager.put("UUID", managerUuid);
        manager.put("PowerState", "On");
        status(manager);
        ObjectNode links = manager.putObject("Links");
        ArrayNode servers = links.putArray("ManagerForServers");
        ArrayNode chassis = links.putArray("ManagerForChassis");
        systems.keySet().forEach(id -> {
            servers.addObject().put("@odata.id", SYSTEMS + "/" + id);
            chassis.addObject().put("@odata.id", CHASSIS + "/" + id);
        });
        return Response.json(200, manager);
    }

    /** One chassis per system, under the same id. */
    private Response chassis(String method, String path, List<String> rest) {
        if (!method.equals("GET")) {
            return methodNotAllowed("GET");
        }
        if (rest.isEmpty()) {
            return Response.json(200, collection("#ChassisCollection.ChassisCollection", CHASSIS, "Chassis Collection",
                    systems.keySet().stream().map(id -> CHASSIS + "/" + id).toList()));
        }
        SimulatedSystem system = rest.size() == 1 ? systems.get(rest.get(0)) : null;
        if (system == null) {
            return notFound(path);
        }
        settle(system);
        Inventory inventory = system.inventory;
        ObjectNode chassis = resource("#Chassis.v1_14_0.Chassis", CHASSIS + "/" + inventory.id(), inventory.id(),
                "Chassis " + inventory.id());
        chassis.put("ChassisType", "RackMount");
        chassis.put("Manufacturer", inventory.manufacturer());
        chassis.put("Model", inventory.model());
        chassis.put("SerialNumber", inventory.serialNumber());
        chassis.put("PowerState", system.power);
        status(chassis);
        ObjectNode links = chassis.putObject("Links");
        links.putArray("ComputerSystems").addObject().put("@odata.id", SYSTEMS + "/" + inventory.id());
        links.putArray("ManagedBy").addObject().put("@odata.id", MANAGERS + "/" + MANAGER_ID);
        return Response.json(200, chassis);
    }

    private Response sessionService(String method, String path, List<String> rest) {
        if (rest.isEmpty()) {
            if (!method.equals("GET")) {
                return methodNotAllowed("GET");
            }
            ObjectNode service = resource("#SessionService.v1_1_8.SessionService", SESSION_SERVICE, "SessionService",
                    "Session Service");
            service.put("ServiceEnabled", true);
            service.put("SessionTimeout", 1800);
            link(service, "Sessions", SESSIONS);
            return Response.json(200, service);
        }
        if (!rest.get(0).equals("Sessions") || rest.size() > 2) {
            return notFound(path);
        }
        if (rest.size() == 1) {
            return method.equals("GET")
                    ? Response.json(200, collection("#SessionCollection.SessionCollection", SESSIONS, "Session Collection",
                            sessionsById.keySet().stream().map(id -> SESSIONS + "/" + id).toList()))
                    : methodNotAllowed("GET, POST");
        }
        Session session = sessionsById.get(rest.get(1));
        if (session == null) {
            return notFound(path);
        }
        return switch (method) {
            case "GET" -> Response.json(200, render(session));
            case "DELETE" -> {
                sessionsById.remove(session.id());
                yield new Response(204, Map.of(), "");
            }
            default -> methodNotAllowed("GET, DELETE");
        };
    }

    private Response createSession(String body) {
        JsonNode request = parse(body);
        if (request == null || !request.isObject()) {
            return error(400, "MalformedJSON", "The request body submitted was malformed JSON.", null);
        }
        if (!validLogin(request)) {
            return error(401, "NoValidSession", "There is no valid session established with the implementation.", null);
        }
        byte[] secret = new byte[16];
        TOKENS.nextBytes(secret);
        Session session = new Session(Integer.toString(++lastSessionId), HexFormat.of().formatHex(secret), username);
        sessionsById.put(session.id(), session);
        sessionsCreated++;
        return Response.json(201, render(session))
                .withHeader("X-Auth-Token", session.token())
                .withHeader("Location", SESSIONS + "/" + session.id());
    }

    private static ObjectNode render(Session session) {
        ObjectNode node = resource("#Session.v1_3_0.Session", SESSIONS + "/" + session.id(), session.id(), "User Session");
        node.put("UserName", session.userName());
        return node;
    }

    // ---- helpers ----------------------------------------------------------------------------

    private SimulatedSystem existing(String id) {
        SimulatedSystem system = systems.get(id);
        if (system == null) {
            throw new IllegalArgumentException("no system " + id + "; known: " + systems.keySet());
        }
        return system;
    }

    private synchronized void add(Inventory inventory, String power) {
        SimulatedSystem system = new SimulatedSystem(inventory, power);
        touch(system);
        systems.put(inventory.id(), system);
    }

    private synchronized int nextSystemNumber() {
        return ++systemsAdded;
    }

    private static ObjectNode resource(String type, String path, String id, String name) {
        ObjectNode node = JSON.createObjectNode();
        node.put("@odata.type", type);
        node.put("@odata.id", path);
        node.put("Id", id);
        node.put("Name", name);
        return node;
    }

    private static ObjectNode collection(String type, String path, String name, List<String> members) {
        ObjectNode node = JSON.createObjectNode();
        node.put("@odata.type", type);
        node.put("@odata.id", path);
        node.put("Name", name);
        node.put("Members@odata.count", members.size());
        ArrayNode array = node.putArray("Members");
        members.forEach(member -> array.addObject().put("@odata.id", member));
        return node;
    }

    private static void link(ObjectNode node, String name, String path) {
        node.putObject(name).put("@odata.id", path);
    }

    private static void status(ObjectNode node) {
        node.putObject("Status").put("State", "Enabled").put("Health", "OK");
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static Response unauthorized() {
        return error(401, "NoValidSession", "There is no valid session established with the implementation.", null)
                .withHeader("WWW-Authenticate", "Basic realm=\"Redfish\"");
    }

    private static Response notFound(String path) {
        return error(404, "ResourceMissingAtURI", "The resource at the URI " + path + " was not found.", null);
    }

    private static Response methodNotAllowed(String allowed) {
        return error(405, "OperationNotAllowed", "The HTTP method is not allowed on this resource.", null)
                .withHeader("Allow", allowed);
    }

    private static Response notInList(String property, String value) {
        return error(400, "PropertyValueNotInList",
                "The value " + value + " for the property " + property + " is not in the list of acceptable values.", null);
    }

    private static Response valueTypeError(String property) {
        return error(400, "PropertyValueTypeError", "The value for the property " + property + " is of a different type than the property can accept.", null);
    }

    private static Response error(int status, String messageId, String message, String resolution) {
        return Response.json(status, errorBody(messageId, message, resolution));
    }

    /** The error body of DSP0266: a general code and message, detailed in @Message.ExtendedInfo. */
    private static ObjectNode errorBody(String messageId, String message, String resolution) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("code", MESSAGE_PREFIX + messageId);
        error.put("message", message);
        ObjectNode info = error.putArray("@Message.ExtendedInfo").addObject();
        info.put("@odata.type", "#Message.v1_1_1.Message");
        info.put("MessageId", MESSAGE_PREFIX + messageId);
        info.put("Message", message);
        info.put("Severity", "Critical");
        if (resolution != null) {
            info.put("Resolution", resolution);
        }
        return body;
    }

    private static Map<String, String> caseInsensitiveCopy(Map<String, String> headers) {
        Map<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            copy.putAll(headers);
        }
        return Collections.unmodifiableMap(copy);
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    // ---- model ------------------------------------------------------------------------------

    /**
     * A system to add: what {@link #addSystem} does not let a test choose. Unset values get
     * plausible defaults; the MAC and IP addresses differ from system to system.
     */
    public final class SystemBuilder {

        private final String id;
        private String uuid;
        private String power = "Off";
        private String manufacturer = "Contoso";
        private String model = "Contoso R2-1000";
        private String sku;
        private String serialNumber;
        private String biosVersion = "2.14.1";
        private int memoryGiB = 96;
        private int processors = 2;
        private String macAddress;
        private String ipv4Address;

        private SystemBuilder(String id) {
            this.id = id;
        }

        public SystemBuilder uuid(String uuid) {
            this.uuid = uuid;
            return this;
        }

        public SystemBuilder power(String power) {
            this.power = power;
            return this;
        }

        public SystemBuilder manufacturer(String manufacturer) {
            this.manufacturer = manufacturer;
            return this;
        }

        public SystemBuilder model(String model) {
            this.model = model;
            return this;
        }

        public SystemBuilder sku(String sku) {
            this.sku = sku;
            return this;
        }

        public SystemBuilder serialNumber(String serialNumber) {
            this.serialNumber = serialNumber;
            return this;
        }

        public SystemBuilder biosVersion(String biosVersion) {
            this.biosVersion = biosVersion;
            return this;
        }

        public SystemBuilder memoryGiB(int memoryGiB) {
            this.memoryGiB = memoryGiB;
            return this;
        }

        public SystemBuilder processors(int processors) {
            this.processors = processors;
            return this;
        }

        /** The MAC address of the system's interface NIC1, as aa:bb:cc:dd:ee:ff. */
        public SystemBuilder macAddress(String macAddress) {
            this.macAddress = macAddress;
            return this;
        }

        public SystemBuilder ipv4Address(String ipv4Address) {
            this.ipv4Address = ipv4Address;
            return this;
        }

        /** Adds the system, replacing one with the same id. */
        public RedfishSimulator add() {
            int number = nextSystemNumber();
            String digest = HexFormat.of().withUpperCase().formatHex(
                    ByteBuffer.allocate(4).putInt(id.hashCode()).array());
            RedfishSimulator.this.add(new Inventory(id,
                    uuid != null ? uuid : UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8)).toString(),
                    manufacturer, model,
                    sku != null ? sku : "SKU-" + digest,
                    serialNumber != null ? serialNumber : "SN" + digest,
                    biosVersion, memoryGiB, processors,
                    // 52:54:00 is the prefix virtual machines use, so these never look like real hardware.
                    macAddress != null ? macAddress : String.format("52:54:00:%02x:%02x:%02x", number >> 16 & 0xff, number >> 8 & 0xff, number & 0xff),
                    // Documentation ranges (RFC 5737, RFC 3849): never routable.
                    ipv4Address != null ? ipv4Address : "192.0.2." + (number % 254 + 1),
                    "2001:db8::" + Integer.toHexString(number)), power);
            return RedfishSimulator.this;
        }
    }

    private record Inventory(String id, String uuid, String manufacturer, String model, String sku, String serialNumber,
            String biosVersion, int memoryGiB, int processors, String macAddress, String ipv4Address, String ipv6Address) {

        static final String PROCESSOR_MODEL = "Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz";
        static final int CORES_PER_PROCESSOR = 20;
        static final int THREADS_PER_PROCESSOR = 40;
    }

    /** Where a Reset is taking the power, and from when (System.nanoTime) it is there. */
    private record PowerTransition(String target, long dueNanos) {
    }

    /** The changeable state of one system; guarded by the simulator's monitor. */
    private static final class SimulatedSystem {

        final Inventory inventory;
        String power;
        PowerTransition transition;
        String bootOverrideEnabled = "Disabled";
        String bootOverrideTarget = "None";
        String bootOverrideMode = "UEFI";
        String httpBootUri;
        String indicatorLed = "Off";
        long revision;

        SimulatedSystem(Inventory inventory, String power) {
            this.inventory = inventory;
            this.power = power;
        }

        /** The power state the system is in or on its way to. */
        String heading() {
            return transition != null ? transition.target() : power;
        }

        String etag() {
            return "\"" + Long.toHexString(revision) + "\"";
        }
    }

    private record Session(String id, String token, String userName) {
    }

    /** An answer to send; status {@link Request#CONNECTION_DROPPED} closes the connection instead. */
    private record Response(int status, Map<String, String> headers, String body) {

        static final Response DROP_CONNECTION = new Response(Request.CONNECTION_DROPPED, Map.of(), "");

        static Response json(int status, JsonNode body) {
            return new Response(status, Map.of(), body.toString());
        }

        Response withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Response(status, Map.copyOf(more), body);
        }

        boolean dropsConnection() {
            return status == Request.CONNECTION_DROPPED;
        }
    }
}
