package dev.metalprov.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import dev.metalprov.api.v1alpha1.BootConfigurationState;
import dev.metalprov.api.v1alpha1.LocalObjectReference;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerBootConfiguration;
import dev.metalprov.api.v1alpha1.ServerBootConfigurationStatus;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerSpec;
import dev.metalprov.api.v1alpha1.BMCAccess;
import dev.metalprov.api.v1alpha1.BMCSecret;
import dev.metalprov.api.v1alpha1.Protocol;
import dev.metalprov.api.v1alpha1.ProtocolName;
import dev.metalprov.api.v1alpha1.ProtocolScheme;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;

/**
 * What the tests do to a cluster, and how they wait for the operator: every wait has a deadline
 * and names what it waited for. Objects a test creates are removed again by {@link #cleanUp()}.
 */
public class TestCluster {

    public static final Duration DEADLINE = Duration.ofSeconds(30);

    private final KubernetesClient client;
    private final List<HasMetadata> created = new ArrayList<>();

    public TestCluster(KubernetesClient client) {
        this.client = client;
    }

    public KubernetesClient client() {
        return client;
    }

    /** The objects of a YAML file (documents separated by ---), read as the given type. */
    public <T extends HasMetadata> List<T> load(Path file, Class<T> type) {
        try {
            return Arrays.stream(Files.readString(file).split("(?m)^---\\s*$"))
                    .filter(document -> document.contains("kind:"))
                    .map(document -> client.getKubernetesSerialization().unmarshal(document, type))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public <T extends HasMetadata> T create(T object) {
        T result = client.resource(object).create();
        created.add(result);
        return result;
    }

    public Server server(String name, Map<String, String> labels) {
        ensureBmcSecret();
        Server server = new Server();
        server.setMetadata(new ObjectMetaBuilder().withName(name).withLabels(labels).build());
        ServerSpec spec = new ServerSpec();
        spec.setSystemUUID(java.util.UUID.nameUUIDFromBytes(name.getBytes()).toString());
        BMCAccess bmc = new BMCAccess();
        bmc.setAddress("127.0.0.1");
        bmc.setProtocol(new Protocol(ProtocolName.REDFISH, 8000, ProtocolScheme.HTTP));
        bmc.setBmcSecretRef(new LocalObjectReference("bmc-secret"));
        spec.setBmc(bmc);
        server.setSpec(spec);
        return server;
    }

    /** The BMCSecret the servers of {@link #server} name: the operator resolves their BMC access before it asks the BMC. */
    private void ensureBmcSecret() {
        if (client.resources(BMCSecret.class).withName("bmc-secret").get() == null) {
            BMCSecret secret = new BMCSecret();
            secret.setMetadata(new ObjectMetaBuilder().withName("bmc-secret").build());
            secret.setStringData(Map.of("username", "admin", "password", "test-only"));
            client.resource(secret).create();
        }
    }

    public void ignitionSecret(String namespace, String name) {
        create(new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withStringData(Map.of("ignition", "{\"ignition\":{\"version\":\"3.4.0\"}}")).build());
    }

    /**
     * Changes an object as a user would: read it, change it, write it back. The operator may write
     * the same object in between (status, finalizers), and the write carries the resourceVersion it
     * read, so a conflict reads the object again and repeats the change until the deadline.
     */
    public static <T extends HasMetadata> T edit(Resource<T> resource, UnaryOperator<T> change) {
        return repeatedOnConflict(() -> resource.edit(change));
    }

    private static <T> T repeatedOnConflict(java.util.function.Supplier<T> write) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            try {
                return write.get();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    public Server getServer(String name) {
        return client.resources(Server.class).withName(name).get();
    }

    public ServerClaim getClaim(String namespace, String name) {
        return client.resources(ServerClaim.class).inNamespace(namespace).withName(name).get();
    }

    public ServerBootConfiguration getBootConfiguration(String namespace, String name) {
        return client.resources(ServerBootConfiguration.class).inNamespace(namespace).withName(name).get();
    }

    public Server awaitServer(String name, String what, Predicate<Server> condition) {
        return awaitUntil("server " + name + " " + what, () -> getServer(name), condition);
    }

    public ServerClaim awaitClaim(String namespace, String name, String what, Predicate<ServerClaim> condition) {
        return awaitUntil("claim " + namespace + "/" + name + " " + what, () -> getClaim(namespace, name), condition);
    }

    public ServerBootConfiguration awaitBootConfiguration(String namespace, String name, String what,
            Predicate<ServerBootConfiguration> condition) {
        return awaitUntil("boot configuration " + namespace + "/" + name + " " + what,
                () -> getBootConfiguration(namespace, name), condition);
    }

    public void awaitGone(HasMetadata object) {
        String what = object.getKind() + " " + object.getMetadata().getName() + " to be gone";
        await(what).atMost(DEADLINE).pollInterval(Duration.ofMillis(50)).dontCatchUncaughtExceptions()
                .until(() -> client.resources(object.getClass()).inNamespace(object.getMetadata().getNamespace())
                        .withName(object.getMetadata().getName()).get() == null);
    }

    /** Waits until the value read satisfies the condition (null included: Awaitility's own form skips it). */
    public <T> T awaitUntil(String what, java.util.function.Supplier<T> read, Predicate<T> condition) {
        java.util.concurrent.atomic.AtomicReference<T> last = new java.util.concurrent.atomic.AtomicReference<>();
        await(what).atMost(DEADLINE).pollInterval(Duration.ofMillis(50)).ignoreExceptions().dontCatchUncaughtExceptions()
                .until(() -> {
                    T value = read.get();
                    last.set(value);
                    return condition.test(value);
                });
        return last.get();
    }

    /** What the boot service does when it has the image and Ignition: mark the boot configuration Ready. */
    public void markReady(String namespace, String name) {
        awaitBootConfiguration(namespace, name, "to exist", Objects::nonNull);
        var resource = client.resources(ServerBootConfiguration.class).inNamespace(namespace).withName(name);
        repeatedOnConflict(() -> resource.editStatus(sbc -> {
            ServerBootConfigurationStatus status = new ServerBootConfigurationStatus();
            status.setState(BootConfigurationState.READY);
            sbc.setStatus(status);
            return sbc;
        }));
    }

    /** Deletes what the test created: claims first, waiting for their release, then the rest. */
    public void cleanUp() {
        List<HasMetadata> claims = created.stream().filter(ServerClaim.class::isInstance).toList();
        claims.forEach(claim -> client.resource(claim).delete());
        claims.forEach(this::awaitGone);
        created.stream().filter(o -> !(o instanceof ServerClaim)).forEach(o -> client.resource(o).delete());
        created.clear();
    }
}
