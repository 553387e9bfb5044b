package dev.metalprov.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The objects the end-to-end tests apply again and again, as kubectl takes them, and applying them. */
final class Yaml {

    private Yaml() {
    }

    /** A BMCSecret with the credentials of the sushy-tools emulators. */
    static String bmcSecret(String name) {
        return """
                apiVersion: metal.ironcore.dev/v1alpha1
                kind: BMCSecret
                metadata:
                  name: %s
                stringData:
                  username: %s
                  password: %s
                """.formatted(name, SushyEmulator.USERNAME, SushyEmulator.PASSWORD);
    }

    /** A Redfish BMC on 127.0.0.1 at the port, with the given label (key: value, or empty). */
    static String bmc(String name, int port, String secret, String label) {
        return """
                apiVersion: metal.ironcore.dev/v1alpha1
                kind: BMC
                metadata:
                  name: %s
                  labels: {%s}
                spec:
                  access:
                    ip: 127.0.0.1
                  protocol:
                    name: Redfish
                    port: %d
                    scheme: http
                  bmcSecretRef:
                    name: %s
                """.formatted(name, label, port, secret);
    }

    /** Applies the documents with kubectl as the admin; fails the test when kubectl does. */
    static void apply(EndToEnd.Environment environment, String... documents) {
        apply(environment.plane, documents);
    }

    /** Applies the documents with kubectl as the admin of that control plane. */
    static void apply(ControlPlane plane, String... documents) {
        try {
            Path file = Files.writeString(Files.createTempFile("e2e", ".yaml"), String.join("---\n", documents));
            plane.kubectl("apply", "-f", file.toString()).orFail("applying " + String.join("---\n", documents));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
