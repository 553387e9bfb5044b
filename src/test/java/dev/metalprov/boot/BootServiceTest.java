package dev.metalprov.boot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Predicate;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.metalprov.api.v1alpha1.BootConfigurationState;
import dev.metalprov.api.v1alpha1.LocalObjectReference;
import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.api.v1alpha1.Power;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerBootConfiguration;
import dev.metalprov.api.v1alpha1.ServerBootConfigurationSpec;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerClaimSpec;
import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.common.Conditions;
import dev.metalprov.testing.FakePowerAdapter;
import dev.metalprov.testing.OciTestRegistry;
import dev.metalprov.testing.OciTestRegistry.Blob;
import dev.metalprov.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The built-in boot service against a real OCI registry on loopback, with the claim flow on
 * the Kubernetes mock server and a fake BMC: images resolve (or say why not), boot
 * configurations turn Ready by themselves, and the machine, played by this test with the
 * server's UUID, gets its iPXE script, layers and Ignition, while wrong UUIDs and tokens get
 * nothing.
 */
@QuarkusTest
@TestProfile(BootServiceProfile.class)
@WithKubernetesTestServer
class BootServiceTest {

    private static final Path SAMPLES = Path.of("deploy", "samples");
    private static final String NS = "default";
    private static final String IGNITION = "{\"ignition\":{\"version\":\"3.4.0\"},\"passwd\":{\"users\":[{\"name\":\"core\"}]}}";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    KubernetesClient client;

    @Inject
    FakePowerAdapter bmc;

    @Inject
    BootUrls urls;

    @Inject
    MeterRegistry meters;

    @TestHTTPResource("/q/metrics")
    java.net.URL metrics;

    @ConfigProperty(name = BootServiceProfile.REGISTRY_PROPERTY)
    String registryHost;

    TestCluster cluster;
    OciTestRegistry registry;
    final HttpClient http = HttpClient.newHttpClient();
    final Random random = new Random(7);

    @BeforeEach
    void setUp() {
        cluster = new TestCluster(client);
        registry = OciTestRegistry.at(registryHost);
    }

    @AfterEach
    void tearDown() {
        cluster.cleanUp();
    }

    @Test
    void seedClaimIsReadiedPoweredAndServedItsScriptLayersAndIgnition() throws Exception {
        byte[] kernel = bytes(4096);
        byte[] rootfs = bytes(300_000);
        registry.push("library/my-osimage", "latest", "rd.neednet=1 ip=dhcp",
                List.of(new Blob(OciTestRegistry.KERNEL, kernel), new Blob(OciTestRegistry.INITRAMFS, bytes(2048)),
                        new Blob(OciTestRegistry.SQUASHFS, rootfs)));
        cluster.load(SAMPLES.resolve("bmcsecret.yaml"), dev.metalprov.api.v1alpha1.BMCSecret.class).forEach(cluster::create);
        cluster.load(SAMPLES.resolve("servers.yaml"), Server.class).forEach(cluster::create);
        createIgnitionSecret("my-ignition-secret", IGNITION);
        cluster.create(cluster.load(SAMPLES.resolve("serverclaim-by-name.yaml"), ServerClaim.class).get(0));

        ServerBootConfiguration ready = cluster.awaitBootConfiguration(NS, "my-server-claim", "to be made Ready by the boot service",
                stateIs(BootConfigurationState.READY));
        assertEquals(BootConditions.IMAGE_RESOLVED, reason(ready, BootConditions.IMAGE_VALIDATION));
        assertTrue(message(ready, BootConditions.IMAGE_VALIDATION).contains("kernel, initramfs, rootfs"),
                message(ready, BootConditions.IMAGE_VALIDATION));
        assertEquals("IgnitionValid", reason(ready, BootConditions.IGNITION_VALIDATION));
        Server server = cluster.awaitServer("my-server", "to be powered On", s -> s.getStatus() != null
                && s.getStatus().getPowerState() == ServerPowerState.ON);
        assertTrue(bmc.actions("my-server").contains("BootOnce:PXE"), bmc.actions("my-server").toString());
        String uuid = server.getSpec().getSystemUUID();
        // A script fetched before the boot service has seen the server's network boot would be refused; wait for it.
        HttpResponse<String> script = awaitStatus("/ipxe/" + uuid.toUpperCase(), 200);
        String base = urls.base().orElseThrow();
        List<String> lines = script.body().lines().toList();
        assertEquals("#!ipxe", lines.get(0));
        String kernelLine = lines.get(1);
        assertTrue(kernelLine.startsWith("kernel " + base + "/images/" + uuid + "/kernel initrd=initramfs rd.neednet=1 ip=dhcp console=ttyS0,115200n8 "),
                kernelLine);
        assertTrue(kernelLine.contains(" gl.url=" + base + "/images/" + uuid + "/rootfs"), kernelLine);
        assertTrue(kernelLine.contains(" ignition.config.url=" + base + "/ignition/" + uuid + "?token="), kernelLine);
        assertEquals("initrd --name initramfs " + base + "/images/" + uuid + "/initramfs", lines.get(2));
        assertEquals("boot", lines.get(3));
        cluster.awaitBootConfiguration(NS, "my-server-claim", "to record that the script was fetched",
                c -> Conditions.isTrue(c.getStatus().getConditions(), BootConditions.IPXE_SCRIPT_FETCHED));

        assertArrayEquals(kernel, getBytes("/images/" + uuid + "/kernel"), "the kernel layer, passed through");
        assertArrayEquals(rootfs, getBytes("/images/" + uuid + "/rootfs"), "the root filesystem layer, passed through");

        String ignitionUrl = kernelLine.substring(kernelLine.indexOf("ignition.config.url=") + "ignition.config.url=".length())
                .split(" ")[0];
        String token = ignitionUrl.substring(ignitionUrl.indexOf("?token=") + 7);
        double badTokens = count("ignition", "bad_token");
        double unknown = count("ignition", "unknown_server");
        assertEquals(404, get("/ignition/" + uuid).statusCode(), "no token");
        assertEquals(404, get("/ignition/" + uuid + "?token=" + token.substring(1) + "A").statusCode(), "a wrong token");
        assertEquals(404, get("/ignition/" + UUID.randomUUID() + "?token=" + token).statusCode(), "the token for another UUID");
        assertEquals(badTokens + 2, count("ignition", "bad_token"), "refused tokens are counted");
        assertEquals(unknown + 1, count("ignition", "unknown_server"), "unknown UUIDs are counted");
        assertFalse(Conditions.isTrue(cluster.getBootConfiguration(NS, "my-server-claim").getStatus().getConditions(),
                BootConditions.IGNITION_DATA_FETCHED), "refused requests do not count as fetched");

        HttpResponse<String> ignition = http.send(HttpRequest.newBuilder(URI.create(ignitionUrl)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ignition.statusCode());
        assertEquals(IGNITION, ignition.body());
        cluster.awaitBootConfiguration(NS, "my-server-claim", "to record that the Ignition was fetched",
                c -> Conditions.isTrue(c.getStatus().getConditions(), BootConditions.IGNITION_DATA_FETCHED));
        cluster.awaitUntil("the script to be withheld once the Ignition was fetched", () -> get("/ipxe/" + uuid).statusCode(),
                status -> status == 404);
        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(ignitionUrl)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode(), "the machine may fetch its Ignition again");

        String exposition = http.send(HttpRequest.newBuilder(metrics.toURI()).header("Accept", "text/plain; version=0.0.4").build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(exposition.contains("metal_boot_requests_total"), "the boot metrics are exposed");
        assertFalse(exposition.toLowerCase().contains(uuid.toLowerCase()), "no server UUID in any label");
        assertFalse(exposition.contains(token), "no token in any label");
    }

    @Test
    void imagesThatCannotBootSayWhy() {
        registry.push("tools/no-kernel", "v1", "", List.of(new Blob("application/vnd.oci.image.layer.v1.tar", bytes(64))));
        registry.push("os/kernel-only", "v1", "", List.of(new Blob(OciTestRegistry.KERNEL, bytes(64)),
                new Blob(OciTestRegistry.INITRAMFS, bytes(64))));
        createIgnitionSecret("ignition", IGNITION);
        Map<String, String> expected = Map.of(
                "missing-tag", ImageException.Reason.NOT_FOUND.conditionReason(),
                "no-kernel", ImageException.Reason.MISSING_LAYERS.conditionReason(),
                "not-allowed", ImageException.Reason.REGISTRY_NOT_ALLOWED.conditionReason(),
                "not-a-reference", ImageException.Reason.INVALID_REFERENCE.conditionReason(),
                "http-without-uki", BootConditions.UKI_MISSING,
                "unknown-method", BootConditions.UNKNOWN_BOOT_METHOD);
        configuration("missing-tag", registryHost + "/os/kernel-only:v2", null);
        configuration("no-kernel", registryHost + "/tools/no-kernel:v1", null);
        configuration("not-allowed", "ghcr.io/ironcore-dev/os-images/gardenlinux:1877.0", null);
        configuration("not-a-reference", "Not An Image!", null);
        configuration("http-without-uki", registryHost + "/os/kernel-only:v1", "HTTP");
        configuration("unknown-method", registryHost + "/os/kernel-only:v1", "HTTPS");

        expected.forEach((name, reason) -> {
            ServerBootConfiguration failed = cluster.awaitBootConfiguration(NS, name, "to be in Error with " + reason,
                    c -> stateIs(BootConfigurationState.ERROR).test(c) && reason.equals(reason(c, BootConditions.IMAGE_VALIDATION)));
            assertFalse(message(failed, BootConditions.IMAGE_VALIDATION).isBlank(), name + " has a message");
        });
        assertTrue(message(cluster.getBootConfiguration(NS, "missing-tag"), BootConditions.IMAGE_VALIDATION).contains("not found"));
        assertTrue(message(cluster.getBootConfiguration(NS, "not-allowed"), BootConditions.IMAGE_VALIDATION)
                .contains("not among the allowed registries"));
        assertTrue(message(cluster.getBootConfiguration(NS, "unknown-method"), BootConditions.IMAGE_VALIDATION)
                .contains(Metal.BOOT_METHOD_ANNOTATION));
        cluster.awaitUntil("a warning event for the missing image",
                () -> client.v1().events().inNamespace(NS).list().getItems().stream()
                        .anyMatch(e -> "ImageNotFound".equals(e.getReason()) && "missing-tag".equals(e.getInvolvedObject().getName())),
                Boolean::booleanValue);

        registry.push("os/kernel-only", "v2", "", List.of(new Blob(OciTestRegistry.KERNEL, bytes(64)),
                new Blob(OciTestRegistry.INITRAMFS, bytes(64))));
        cluster.awaitBootConfiguration(NS, "missing-tag", "to turn Ready once the image is pushed",
                stateIs(BootConfigurationState.READY));
    }

    @Test
    void ignitionSecretCreatedOrFixedLaterTurnsTheConfigurationReady() {
        registry.push("os/plain", "v1", "", List.of(new Blob(OciTestRegistry.KERNEL, bytes(64)),
                new Blob(OciTestRegistry.INITRAMFS, bytes(64))));
        configuration("late-secret", registryHost + "/os/plain:v1", null);
        ServerBootConfiguration missing = cluster.awaitBootConfiguration(NS, "late-secret", "to wait for its Secret",
                c -> stateIs(BootConfigurationState.ERROR).test(c)
                        && "IgnitionSecretMissing".equals(reason(c, BootConditions.IGNITION_VALIDATION)));
        assertEquals(BootConditions.IMAGE_RESOLVED, reason(missing, BootConditions.IMAGE_VALIDATION));

        createIgnitionSecret("ignition", "{\"ignition\": not json, \"password\": \"hunter2\"}");
        ServerBootConfiguration invalid = cluster.awaitBootConfiguration(NS, "late-secret", "to find the Ignition invalid",
                c -> "IgnitionInvalid".equals(reason(c, BootConditions.IGNITION_VALIDATION)));
        assertFalse(message(invalid, BootConditions.IGNITION_VALIDATION).contains("hunter2"), "the content is never quoted");
        assertEquals(BootConfigurationState.ERROR, invalid.getStatus().getState());

        TestCluster.edit(client.secrets().inNamespace(NS).withName("ignition"), s -> new SecretBuilder(s).withData(null)
                .withStringData(Map.of("ignition", IGNITION)).build());
        cluster.awaitBootConfiguration(NS, "late-secret", "to turn Ready once the Secret is fixed",
                stateIs(BootConfigurationState.READY));
    }

    @Test
    void anIgnoredConfigurationIsLeftAloneUntilTheAnnotationGoes() {
        registry.push("os/plain", "v1", "", List.of(new Blob(OciTestRegistry.KERNEL, bytes(64)),
                new Blob(OciTestRegistry.INITRAMFS, bytes(64))));
        createIgnitionSecret("ignition", IGNITION);
        annotatedConfiguration("ignored", registryHost + "/os/plain:v1", Map.of(Metal.OPERATION_ANNOTATION, "ignore"));
        configuration("control", registryHost + "/os/plain:v1", null);
        // Once the configuration created after it is Ready, the ignored one has had every chance to be checked.
        cluster.awaitBootConfiguration(NS, "control", "the configuration without the annotation to be Ready",
                stateIs(BootConfigurationState.READY));
        assertNull(cluster.getBootConfiguration(NS, "ignored").getStatus(), "the ignored configuration got no status");

        TestCluster.edit(client.resources(ServerBootConfiguration.class).inNamespace(NS).withName("ignored"), c -> {
            c.getMetadata().getAnnotations().remove(Metal.OPERATION_ANNOTATION);
            return c;
        });
        cluster.awaitBootConfiguration(NS, "ignored", "to be Ready once ignore is removed", stateIs(BootConfigurationState.READY));
    }

    @Test
    void multiArchitectureImagesBootTheAmd64Manifest() {
        String arm = registry.push("os/multi", "arm64", "", List.of(new Blob(OciTestRegistry.UKI, bytes(64))));
        String amd = registry.push("os/multi", "amd64", "", List.of(new Blob(OciTestRegistry.KERNEL, bytes(64)),
                new Blob(OciTestRegistry.INITRAMFS, bytes(64))));
        registry.pushIndex("os/multi", "v1", Map.of("arm64", arm, "amd64", amd));
        createIgnitionSecret("ignition", IGNITION);
        configuration("multi", registryHost + "/os/multi:v1", null);
        ServerBootConfiguration ready = cluster.awaitBootConfiguration(NS, "multi", "to be Ready",
                stateIs(BootConfigurationState.READY));
        assertTrue(message(ready, BootConditions.IMAGE_VALIDATION).contains(amd), message(ready, BootConditions.IMAGE_VALIDATION));
    }

    @Test
    void httpBootClaimGetsTheUefiHttpOverrideAndItsAnswer() throws Exception {
        byte[] uki = bytes(100_000);
        registry.push("os/uki", "v1", "", List.of(new Blob(OciTestRegistry.UKI, uki)));
        createIgnitionSecret("ignition", IGNITION);
        Server manifest = cluster.server("http-boot-server", Map.of());
        // A hand-written manifest may spell the UUID in capitals, firmware asks in lower case: one machine.
        manifest.getSpec().setSystemUUID(manifest.getSpec().getSystemUUID().toUpperCase(java.util.Locale.ROOT));
        Server server = cluster.create(manifest);
        String uuid = server.getSpec().getSystemUUID().toLowerCase(java.util.Locale.ROOT);
        assertFalse(uuid.equals(server.getSpec().getSystemUUID()), "the manifest's UUID has capitals");
        cluster.awaitServer("http-boot-server", "to be Available", s -> s.getStatus() != null
                && s.getStatus().getState() == dev.metalprov.api.v1alpha1.ServerState.AVAILABLE);
        ServerClaim claim = new ServerClaim();
        claim.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName("http-claim")
                .withAnnotations(Map.of(Metal.BOOT_METHOD_ANNOTATION, "HTTP")).build());
        ServerClaimSpec spec = new ServerClaimSpec();
        spec.setPower(Power.ON);
        spec.setServerRef(new LocalObjectReference("http-boot-server"));
        spec.setImage(registryHost + "/os/uki:v1");
        spec.setIgnitionSecretRef(new LocalObjectReference("ignition"));
        claim.setSpec(spec);
        cluster.create(claim);

        cluster.awaitServer("http-boot-server", "to be powered On", s -> s.getStatus().getPowerState() == ServerPowerState.ON);
        String ukiUrl = urls.base().orElseThrow() + "/images/" + uuid + "/uki";
        assertTrue(bmc.actions("http-boot-server").contains("BootOnce:UEFI_HTTP:" + ukiUrl), bmc.actions("http-boot-server").toString());
        HttpResponse<String> answer = awaitStatus("/httpboot/" + uuid, 200);
        JsonNode json = JSON.readTree(answer.body());
        assertEquals(ukiUrl, json.path("ukiURL").asText());
        assertTrue(json.path("ignitionURL").asText().startsWith(urls.base().orElseThrow() + "/ignition/" + uuid + "?token="));
        assertEquals(200, get("/httpboot/" + server.getSpec().getSystemUUID()).statusCode(), "found as the manifest spells it");
        assertEquals(404, get("/ipxe/" + uuid).statusCode(), "no iPXE script for an image without kernel and initramfs");
        assertArrayEquals(uki, getBytes("/images/" + uuid + "/uki"));
        assertEquals(IGNITION, http.send(HttpRequest.newBuilder(URI.create(json.path("ignitionURL").asText())).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private void configuration(String name, String image, String bootMethod) {
        annotatedConfiguration(name, image, bootMethod == null ? null : Map.of(Metal.BOOT_METHOD_ANNOTATION, bootMethod));
    }

    private void annotatedConfiguration(String name, String image, Map<String, String> annotations) {
        ServerBootConfiguration configuration = new ServerBootConfiguration();
        configuration.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName(name).withAnnotations(annotations).build());
        ServerBootConfigurationSpec spec = new ServerBootConfigurationSpec();
        spec.setServerRef(new LocalObjectReference("server-of-" + name));
        spec.setImage(image);
        spec.setIgnitionSecretRef(new LocalObjectReference("ignition"));
        configuration.setSpec(spec);
        cluster.create(configuration);
    }

    private void createIgnitionSecret(String name, String content) {
        cluster.create(new SecretBuilder().withNewMetadata().withNamespace(NS).withName(name).endMetadata()
                .withData(Map.of("ignition", Base64.getEncoder().encodeToString(content.getBytes(StandardCharsets.UTF_8)))).build());
    }

    private static Predicate<ServerBootConfiguration> stateIs(BootConfigurationState state) {
        return c -> c != null && c.getStatus() != null && c.getStatus().getState() == state;
    }

    private static String reason(ServerBootConfiguration configuration, String type) {
        return Conditions.reason(configuration.getStatus().getConditions(), type).orElse(null);
    }

    private static String message(ServerBootConfiguration configuration, String type) {
        return Conditions.find(configuration.getStatus().getConditions(), type).map(c -> c.getMessage()).orElse("");
    }

    private double count(String endpoint, String outcome) {
        return meters.get("metal.boot.requests").tag("endpoint", endpoint).tag("outcome", outcome).counter().count();
    }

    private HttpResponse<String> awaitStatus(String path, int status) {
        return cluster.awaitUntil("GET " + path + " to answer " + status, () -> get(path), r -> r.statusCode() == status);
    }

    private HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(urls.base().orElseThrow() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private byte[] getBytes(String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(urls.base().orElseThrow() + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode(), path);
        return response.body();
    }

    private byte[] bytes(int size) {
        byte[] content = new byte[size];
        random.nextBytes(content);
        return content;
    }
}
