package dev.metalprov.redfish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.server.BmcException;

/**
 * TLS to a BMC with a self-signed certificate: refused by default, accepted with the BMC's
 * opt-out, and accepted when the certificate's CA is given.
 */
class RedfishTlsTest {

    private static final String PASSWORD = "changeit";

    @TempDir
    static Path keys;

    static HttpsServer bmc;
    static String certificate;

    @BeforeAll
    static void startHttpsBmc() throws Exception {
        Path store = keys.resolve("bmc.p12");
        keytool("-genkeypair", "-alias", "bmc", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
        Path pem = keys.resolve("bmc.pem");
        keytool("-exportcert", "-rfc", "-alias", "bmc", "-keystore", store.toString(), "-storepass", PASSWORD,
                "-file", pem.toString());
        certificate = Files.readString(pem);

        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(store.toFile())) {
            keyStore.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keyStore, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);

        bmc = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        bmc.setHttpsConfigurator(new HttpsConfigurator(context));
        bmc.createContext("/redfish/v1", exchange -> {
            String body = exchange.getRequestURI().getPath().startsWith("/redfish/v1/Systems/1")
                    ? "{\"@odata.id\":\"/redfish/v1/Systems/1\",\"PowerState\":\"On\"}"
                    : "{\"Systems\":{\"@odata.id\":\"/redfish/v1/Systems\"}}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        bmc.start();
    }

    @AfterAll
    static void stop() {
        bmc.stop(0);
    }

    @Test
    void aSelfSignedCertificateIsRefusedByDefault() {
        BmcException e = assertThrows(BmcException.class, () -> bmc(false, null).powerState("/redfish/v1/Systems/1"));
        assertEquals(BmcException.CONNECTION_FAILED, e.reason());
    }

    @Test
    void theOptOutAcceptsIt() {
        assertEquals(ServerPowerState.ON, bmc(true, null).powerState("/redfish/v1/Systems/1"));
    }

    @Test
    void theGivenCaAcceptsIt() {
        assertEquals(ServerPowerState.ON, bmc(false, certificate).powerState("/redfish/v1/Systems/1"));
    }

    private static RedfishBmc bmc(boolean insecure, String ca) {
        URI endpoint = URI.create("https://127.0.0.1:" + bmc.getAddress().getPort() + "/");
        return new RedfishBmc(new RedfishClient(new BmcAccess(endpoint, "admin", "pw", insecure, ca),
                new RedfishClient.Settings(Duration.ofSeconds(2), Duration.ofSeconds(5), 2, Duration.ofMillis(10),
                        Duration.ofMillis(20), 2)));
    }

    private static void keytool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("keytool failed: " + output);
        }
    }
}
