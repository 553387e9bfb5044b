package dev.metalprov.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

/**
 * What each overlay of deploy/ installs, as kubectl kustomize renders it: the base (namespace,
 * CRDs, least-privilege RBAC, the Lease Role, a Deployment with probes, resources, a restricted
 * security context and leader election on, the metrics Service) and the boot service settings
 * of the overlay. The end-to-end suite applies them to a real API server.
 */
class OverlaysTest {

    private static final String NAMESPACE = "metal-system";
    private static final String NAME = "metal-operator";

    static List<Path> overlays() {
        return Kustomize.OVERLAYS;
    }

    /**
     * The image reference Quarkus' container-image build gives the image
     * ({@code quarkus.container-image.image} in application.properties, with the project's
     * version from pom.xml), which must have a registry host and a tag: the reference every
     * overlay's Deployment and the OLM bundle name.
     */
    static String shippedImage() {
        try {
            Matcher property = Pattern.compile("(?m)^quarkus\\.container-image\\.image=(.+)$")
                    .matcher(Files.readString(Path.of("src/main/resources/application.properties")));
            Matcher version = Pattern.compile("(?m)^  <version>(.+)</version>$").matcher(Files.readString(Path.of("pom.xml")));
            assertTrue(property.find() && version.find(), "quarkus.container-image.image and the project's version");
            String image = property.group(1).strip().replace("${quarkus.application.version}", version.group(1));
            assertTrue(image.matches("[a-z0-9.-]+\\.[a-z]+(:\\d+)?/[a-z0-9._/-]+:[A-Za-z0-9._-]+"), "fully qualified: " + image);
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void installsTheBase(Path overlay) {
        List<HasMetadata> objects = Kustomize.objects(overlay);
        Kustomize.find(objects, Namespace.class, NAMESPACE);
        assertEquals(5, objects.stream().filter(CustomResourceDefinition.class::isInstance).count(), "the five CRDs");
        Kustomize.find(objects, ServiceAccount.class, NAME);
        ClusterRoleBinding binding = Kustomize.find(objects, ClusterRoleBinding.class, NAME);
        assertEquals(NAME, binding.getRoleRef().getName());
        assertEquals(NAMESPACE, binding.getSubjects().get(0).getNamespace());
        Kustomize.find(objects, ClusterRole.class, NAME);
        Role lease = Kustomize.find(objects, Role.class, "metal-operator-leader-election");
        assertEquals("leases", lease.getRules().get(0).getResources().get(0));
        Kustomize.find(objects, RoleBinding.class, "metal-operator-leader-election");
        Service metrics = Kustomize.find(objects, Service.class, "metal-operator-metrics");
        Deployment deployment = Kustomize.find(objects, Deployment.class, NAME);
        assertEquals(deployment.getSpec().getTemplate().getMetadata().getLabels().get("app.kubernetes.io/name"),
                metrics.getSpec().getSelector().get("app.kubernetes.io/name"), "the metrics Service selects the operator's pods");
        for (HasMetadata object : objects) {
            if (!(object instanceof Namespace || object instanceof CustomResourceDefinition || object instanceof ClusterRole
                    || object instanceof ClusterRoleBinding)) {
                assertEquals(NAMESPACE, object.getMetadata().getNamespace(), object.getKind() + " " + object.getMetadata().getName());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void theDeploymentRunsAsUsersShouldRunIt(Path overlay) {
        Deployment deployment = Kustomize.find(Kustomize.objects(overlay), Deployment.class, NAME);
        var pod = deployment.getSpec().getTemplate().getSpec();
        assertEquals(NAME, pod.getServiceAccountName());
        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
        Container operator = pod.getContainers().get(0);
        assertEquals(shippedImage(), operator.getImage(), "the image Quarkus builds, fully qualified");
        assertFalse(operator.getSecurityContext().getAllowPrivilegeEscalation());
        assertTrue(operator.getSecurityContext().getReadOnlyRootFilesystem());
        assertEquals(List.of("ALL"), operator.getSecurityContext().getCapabilities().getDrop());
        assertEquals("/q/health/started", operator.getStartupProbe().getHttpGet().getPath());
        assertEquals("/q/health/live", operator.getLivenessProbe().getHttpGet().getPath());
        assertEquals("/q/health/ready", operator.getReadinessProbe().getHttpGet().getPath());
        Map<String, Quantity> requests = operator.getResources().getRequests();
        assertNotNull(requests.get("cpu"));
        assertNotNull(requests.get("memory"));
        assertNotNull(operator.getResources().getLimits().get("memory"));
        assertEquals(8080, port(operator, "http").orElseThrow().getContainerPort());
        assertEquals("true", env(operator, "METAL_LEADER_ELECTION_ENABLED").getValue(), "leader election is on");
        assertEquals("metadata.namespace", env(operator, "QUARKUS_KUBERNETES_CLIENT_NAMESPACE").getValueFrom().getFieldRef().getFieldPath(),
                "the Lease lives in the pod's own namespace");
    }

    @Test
    void theBuiltInBootServiceIsServedAndConfigured() {
        List<HasMetadata> objects = Kustomize.objects(Kustomize.BUILTIN_BOOT);
        Container operator = Kustomize.find(objects, Deployment.class, NAME).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("true", env(operator, "METAL_BOOT_ENABLED").getValue());
        assertEquals("8082", env(operator, "METAL_BOOT_PORT").getValue());
        assertEquals(8082, port(operator, "boot").orElseThrow().getContainerPort());
        assertTrue(env(operator, "METAL_BOOT_ADVERTISED_URL").getValue().startsWith("http"));
        assertEquals("ghcr.io", env(operator, "METAL_BOOT_ALLOWED_REGISTRIES").getValue());
        var tokenKey = env(operator, "METAL_BOOT_TOKEN_KEY").getValueFrom().getSecretKeyRef();
        assertEquals("metal-operator-boot", tokenKey.getName());
        assertEquals("token-key", tokenKey.getKey());
        assertTrue(tokenKey.getOptional(), "the operator starts before the Secret exists");
        Service boot = Kustomize.find(objects, Service.class, "metal-operator-boot");
        assertEquals(8082, boot.getSpec().getPorts().get(0).getPort());
        assertEquals("boot", boot.getSpec().getPorts().get(0).getTargetPort().getStrVal());
        ClusterRole role = Kustomize.find(objects, ClusterRole.class, "metal-operator-boot");
        assertEquals(List.of("serverbootconfigurations/status"), role.getRules().get(0).getResources());
        assertEquals(NAMESPACE, Kustomize.find(objects, ClusterRoleBinding.class, "metal-operator-boot").getSubjects().get(0).getNamespace());
    }

    @Test
    void theMetadataServiceIsServedBesideTheBuiltInBootService() {
        List<HasMetadata> objects = Kustomize.objects(Kustomize.BUILTIN_BOOT);
        Container operator = Kustomize.find(objects, Deployment.class, NAME).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("true", env(operator, "METAL_METADATA_ENABLED").getValue());
        assertEquals("10002", env(operator, "METAL_METADATA_PORT").getValue());
        assertEquals(10002, port(operator, "metadata").orElseThrow().getContainerPort());
        Service metadata = Kustomize.find(objects, Service.class, "metal-operator-metadata");
        assertEquals(10002, metadata.getSpec().getPorts().get(0).getPort());
        assertEquals("metadata", metadata.getSpec().getPorts().get(0).getTargetPort().getStrVal());
        assertEquals("metal-operator", metadata.getSpec().getSelector().get("app.kubernetes.io/name"));
    }

    @Test
    void anExternalBootServiceLeavesTheOperatorWithoutOne() {
        List<HasMetadata> objects = Kustomize.objects(Kustomize.EXTERNAL_BOOT);
        Container operator = Kustomize.find(objects, Deployment.class, NAME).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("false", env(operator, "METAL_BOOT_ENABLED").getValue());
        assertEquals("false", env(operator, "METAL_METADATA_ENABLED").getValue());
        assertTrue(port(operator, "boot").isEmpty());
        assertTrue(port(operator, "metadata").isEmpty());
        assertTrue(Kustomize.optional(objects, Service.class, "metal-operator-boot").isEmpty());
        assertTrue(Kustomize.optional(objects, ClusterRole.class, "metal-operator-boot").isEmpty(),
                "the status of boot configurations is the external service's to write");
    }

    @Test
    void theOverlaysDifferOnlyInTheBootService() {
        var builtIn = names(Kustomize.objects(Kustomize.BUILTIN_BOOT));
        var external = names(Kustomize.objects(Kustomize.EXTERNAL_BOOT));
        builtIn.removeAll(external);
        assertEquals(List.of("ClusterRole/metal-operator-boot", "ClusterRoleBinding/metal-operator-boot", "Service/metal-operator-boot",
                "Service/metal-operator-metadata"),
                builtIn.stream().sorted().toList());
    }

    private static java.util.Set<String> names(List<HasMetadata> objects) {
        return objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName())
                .collect(Collectors.toCollection(java.util.HashSet::new));
    }

    private static EnvVar env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in the container's environment"));
    }

    private static Optional<ContainerPort> port(Container container, String name) {
        return container.getPorts().stream().filter(p -> name.equals(p.getName())).findFirst();
    }
}
