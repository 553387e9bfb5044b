package dev.metalprov.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * OpenStack's Redfish BMC emulator, sushy-tools from PyPI, with its fake driver: real Redfish
 * endpoints without libvirt, Basic authentication on (it has no sessions and no ETags), on
 * 127.0.0.1 and a free port. Installed into the project's own virtualenv (.venv) on first use.
 */
final class SushyEmulator implements AutoCloseable {

    static final String VERSION = "2.2.0";
    static final String USERNAME = "admin";
    static final String PASSWORD = "sushy-password";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One fake machine of the emulator. */
    record System(String name, String uuid, String mac) {
    }

    private final Process process;
    private final String address;
    private final int port;

    private SushyEmulator(Process process, String address, int port) {
        this.process = process;
        this.address = address;
        this.port = port;
    }

    static SushyEmulator start(Path work, List<System> systems) {
        return start(work, systems, "127.0.0.1");
    }

    /** An emulator listening on this address of the machine (a pod reaches the node's bridge address, not its loopback). */
    static SushyEmulator start(Path work, List<System> systems, String address) {
        try {
            Path venv = Path.of(".venv");
            Path python = venv.resolve("bin/python");
            if (!Files.exists(venv.resolve("bin/sushy-emulator"))) {
                Processes.run(List.of("python3", "-m", "venv", venv.toString()), Map.of(), Duration.ofMinutes(5))
                        .orFail("creating the virtualenv");
                Processes.run(List.of(python.toString(), "-m", "pip", "install", "--quiet", "sushy-tools==" + VERSION),
                        Map.of(), Duration.ofMinutes(10)).orFail("installing sushy-tools");
            }
            Files.createDirectories(work);
            // Basic authentication with a bcrypt htpasswd entry, made with the bcrypt that sushy-tools brings.
            String hash = Processes.run(List.of(python.toString(), "-c",
                    "import bcrypt,sys; print(bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt()).decode())", PASSWORD),
                    Map.of(), Duration.ofMinutes(1)).orFail("hashing the password").out().strip();
            Path htpasswd = work.resolve("htpasswd");
            Files.writeString(htpasswd, USERNAME + ":" + hash + "\n");
            String fakeSystems = systems.stream().map(s -> "{'uuid': '%s', 'name': '%s', 'power_state': 'Off', 'nics': [{'mac': '%s', 'ip': '127.0.0.1'}]}"
                    .formatted(s.uuid(), s.name(), s.mac())).collect(Collectors.joining(",\n    "));
            Path config = work.resolve("sushy.conf");
            Files.writeString(config, """
                    SUSHY_EMULATOR_FAKE_DRIVER = True
                    SUSHY_EMULATOR_STATE_DIR = '%s'
                    SUSHY_EMULATOR_AUTH_FILE = '%s'
                    SUSHY_EMULATOR_FAKE_SYSTEMS = [
                        %s
                    ]
                    """.formatted(work.resolve("state").toAbsolutePath(), htpasswd.toAbsolutePath(), fakeSystems));
            int port = Processes.freePort();
            Process process = Processes.start("sushy-emulator", List.of(venv.resolve("bin/sushy-emulator").toString(),
                    "--config", config.toString(), "--interface", address, "--port", String.valueOf(port)),
                    Map.of(), work.resolve("logs"));
            SushyEmulator sushy = new SushyEmulator(process, address, port);
            sushy.awaitUp(work);
            return sushy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return port;
    }

    /** A system as sushy-tools' own Redfish API shows it now. */
    JsonNode system(String uuid) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://" + address + ":" + port + "/redfish/v1/Systems/" + uuid))
                    .header("Authorization", "Basic " + Base64.getEncoder()
                            .encodeToString((USERNAME + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitUp(Path work) {
        HttpClient http = HttpClient.newHttpClient();
        Awaitility.await("sushy-emulator on port " + port + " (logs: " + work.resolve("logs") + ")").atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(200)).ignoreExceptionsMatching(e -> e instanceof IOException)
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("sushy-emulator exited; see " + work.resolve("logs"));
                    }
                    return http.send(HttpRequest.newBuilder(URI.create("http://" + address + ":" + port + "/redfish/v1/")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() < 500;
                });
    }

    @Override
    public void close() {
        Processes.stop(process);
    }
}
