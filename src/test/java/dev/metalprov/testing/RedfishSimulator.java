package dev.metalprov.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A Redfish BMC in the test JVM, on 127.0.0.1 and a free port: systems with UUIDs and power that
 * changes one read after a Reset (as real machines take a while), Basic authentication, and a
 * log of every request. Closed by the test that opened it.
 */
public class RedfishSimulator implements AutoCloseable {

    public record Request(String method, String path, String body, boolean authenticated) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final String username;
    private volatile String password;
    private final Map<String, ObjectNode> systems = new ConcurrentHashMap<>();
    private final Map<String, String> pendingPower = new ConcurrentHashMap<>();
    private final List<Request> requests = new ArrayList<>();

    public RedfishSimulator(String username, String password) throws IOException {
        this.username = username;
        this.password = password;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/redfish/v1", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void addSystem(String id, String uuid, String power) {
        ObjectNode system = JSON.createObjectNode();
        system.put("@odata.id", "/redfish/v1/Systems/" + id);
        system.put("Id", id);
        system.put("UUID", uuid);
        system.put("PowerState", power);
        system.putObject("Boot").put("BootSourceOverrideEnabled", "Disabled").put("BootSourceOverrideTarget", "None");
        system.putObject("Actions").putObject("#ComputerSystem.Reset")
                .put("target", "/redfish/v1/Systems/" + id + "/Actions/ComputerSystem.Reset");
        systems.put(id, system);
    }

    public JsonNode system(String id) {
        return systems.get(id);
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        boolean authenticated = authenticated(exchange.getRequestHeaders().getFirst("Authorization"));
        synchronized (this) {
            requests.add(new Request(exchange.getRequestMethod(), path, body, authenticated));
        }
        if (!authenticated) {
            respond(exchange, 401, "{\"error\":{\"code\":\"Base.1.0.NoValidSession\"}}");
            return;
        }
        String[] parts = path.split("/");
        if (path.equals("/redfish/v1/Systems")) {
            Map<String, Object> collection = new LinkedHashMap<>();
            collection.put("Members", systems.keySet().stream().sorted()
                    .map(id -> Map.of("@odata.id", "/redfish/v1/Systems/" + id)).toList());
            respond(exchange, 200, JSON.writeValueAsString(collection));
            return;
        }
        ObjectNode system = parts.length >= 5 ? systems.get(parts[4]) : null;
        if (system == null) {
            respond(exchange, 404, "{}");
            return;
        }
        String id = parts[4];
        switch (exchange.getRequestMethod()) {
            case "GET" -> {
                String next = pendingPower.remove(id);
                if (next != null) {
                    system.put("PowerState", next);
                }
                respond(exchange, 200, JSON.writeValueAsString(system));
            }
            case "POST" -> {
                String type = JSON.readTree(body).path("ResetType").asText();
                boolean on = type.equals("On") || type.equals("ForceOn");
                system.put("PowerState", on ? "PoweringOn" : "PoweringOff");
                pendingPower.put(id, on ? "On" : "Off");
                respond(exchange, 204, "");
            }
            case "PATCH" -> {
                JsonNode boot = JSON.readTree(body).path("Boot");
                boot.fields().forEachRemaining(f -> ((ObjectNode) system.get("Boot")).set(f.getKey(), f.getValue()));
                respond(exchange, 200, JSON.writeValueAsString(system));
            }
            default -> respond(exchange, 405, "{}");
        }
    }

    private boolean authenticated(String header) {
        String expected = "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        return expected.equals(header);
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
