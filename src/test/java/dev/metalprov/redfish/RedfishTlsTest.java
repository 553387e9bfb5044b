package dev.metalprov.redfish;

import static dev.metalprov.redfish.Futures.await;
import static dev.metalprov.redfish.Futures.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.ArrayList;
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
 * TLS to BMCs with self-signed certificates: refused by default with a reason of its own,
 * accepted with the BMC's opt-out (which skips the host-name check too: lab gear's certificates
 * rarely name the address), and accepted when the certificate's CA is given.
 */
class RedfishTlsTest {

    private static final String PASSWORD = "changeit";
    private static final String SYSTEM = "/redfish/v1/Systems/1";

    @TempDir
    static Path keys;

    /** A certificate naming 127.0.0.1 in its subject alternative names. */
    static HttpsServer bmc;
    /** A certificate naming only CN=bmc.lab, no subject alternative name at all. */
    static HttpsServer cnOnly;
    static String certificate;
    static RedfishTransport transport;

    @BeforeAll
    static void startHttpsBmcs() throws Exception {
        transport = new RedfishTransport(new RedfishClient.Settings(Duration.ofSeconds(2), Duration.ofSeconds(5), 2,
                Duration.ofMillis(10), Duration.ofMillis(20), 2));
        bmc = start(keyStore("bmc", "CN=127.0.0.1", "SAN=ip:127.0.0.1"));
        cnOnly = start(keyStore("lab", "CN=bmc.lab", null));
        Path pem = keys.resolve("bmc.pem");
        keytool("-exportcert", "-rfc", "-alias", "bmc", "-keystore", keys.resolve("bmc.p12").toString(), "-storepass", PASSWORD,
                "-file", pem.toString());
        certificate = Files.readString(pem);
    }

    @AfterAll
    static void stop() {
        try {
            if (transport != null) {
                transport.close();
            }
        } finally {
            if (bmc != null) {
                bmc.stop(0);
            }
            if (cnOnly != null) {
                cnOnly.stop(0);
            }
        }
    }

    @Test
    void aSelfSignedCertificateIsRefusedByDefaultAndTheMessageNamesSpecTls() {
        BmcException e = failure(bmc(bmc, false, null).powerState(SYSTEM));
        assertEquals(BmcException.TLS_FAILED, e.reason());
        assertTrue(e.getMessage().contains("spec.tls.caSecretRef") && e.getMessage().contains("spec.tls.insecureSkipVerify"),
                e.getMessage());
    }

    @Test
    void theOptOutAcceptsIt() {
        assertEquals(ServerPowerState.ON, await(bmc(bmc, true, null).powerState(SYSTEM)));
    }

    @Test
    void theGivenCaAcceptsIt() {
        assertEquals(ServerPowerState.ON, await(bmc(bmc, false, certificate).powerState(SYSTEM)));
    }

    @Test
    void theOptOutAcceptsACertificateThatNamesNoAddressAtAll() {
        assertEquals(ServerPowerState.ON, await(bmc(cnOnly, true, null).powerState(SYSTEM)));
    }

    @Test
    void aCertificateThatNamesNoAddressIsRefusedWithoutTheOptOut() {
        BmcException e = failure(bmc(cnOnly, false, null).powerState(SYSTEM));
        assertEquals(BmcException.TLS_FAILED, e.reason());
        assertTrue(e.getMessage().contains("spec.tls"), e.getMessage());
    }

    @Test
    void theClientsShareOneHttpClientPerTlsProfile() {
        bmc(bmc, true, null);
        bmc(cnOnly, true, null);
        bmc(bmc, false, certificate);
        bmc(cnOnly, false, certificate);
        bmc(bmc, false, null);
        assertEquals(3, transport.httpClients(), "default, opt-out, and one CA");
    }

    private static RedfishBmc bmc(HttpsServer server, boolean insecure, String ca) {
        URI endpoint = URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/");
        return new RedfishBmc(new RedfishClient(transport, new BmcAccess(endpoint, "admin", "pw", insecure, ca),
                RedfishClient.RequestObserver.NONE));
    }

    private static KeyStore keyStore(String alias, String dname, String san) throws Exception {
        Path store = keys.resolve(alias + ".p12");
        List<String> arguments = new ArrayList<>(List.of("-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048",
                "-validity", "2", "-dname", dname, "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD,
                "-keypass", PASSWORD));
        if (san != null) {
            arguments.addAll(List.of("-ext", san));
        }
        keytool(arguments.toArray(String[]::new));
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(store.toFile())) {
            keyStore.load(in, PASSWORD.toCharArray());
        }
        return keyStore;
    }

    private static HttpsServer start(KeyStore keyStore) throws Exception {
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keyStore, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        server.createContext("/redfish/v1", exchange -> {
            String body = exchange.getRequestURI().getPath().startsWith(SYSTEM)
                    ? "{\"@odata.id\":\"/redfish/v1/Systems/1\",\"PowerState\":\"On\"}"
                    : "{\"Systems\":{\"@odata.id\":\"/redfish/v1/Systems\"}}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return server;
    }

    private static void keytool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
        } finally {
            process.destroyForcibly();
        }
    }
}
