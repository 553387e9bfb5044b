package dev.metalprov.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The tenants' roles of deploy/base/tenant-roles.yaml on the real API server: a tenant's
 * ServiceAccount bound to the built-in {@code edit} role in its namespace may claim servers there
 * and nowhere else, one bound to {@code view} may only read the claims, and neither reaches the
 * platform's cluster-scoped Servers, BMCs and BMCSecrets. The rules reach the built-in roles only
 * through the controller-manager's ClusterRole aggregation, which the last test shows by taking
 * the label away.
 */
@ExtendWith(EndToEnd.class)
class TenantRolesIT {

    private static final String TENANT = "tenant-roles-a";
    private static final String OTHER_TENANT = "tenant-roles-b";
    private static final String EDITOR_ROLE = "metal-operator-serverclaim-editor";
    private static final Duration AGGREGATION = Duration.ofSeconds(30);

    static ControlPlane plane;

    @BeforeAll
    static void tenants(EndToEnd.Environment environment) {
        plane = environment.plane;
        plane.kubectl("apply", "-f", "deploy/base/tenant-roles.yaml").orFail("applying the tenant roles");
        Yaml.apply(plane, namespace(TENANT), namespace(OTHER_TENANT), serviceAccount("editor"), serviceAccount("viewer"),
                roleBinding("editor", "edit"), roleBinding("viewer", "view"));
        // The aggregation controller copies the rules into edit and view a moment after they appear.
        awaitCanI("editor", "create", "serverclaims.metal.ironcore.dev", TENANT, "yes");
        awaitCanI("viewer", "list", "serverclaims.metal.ironcore.dev", TENANT, "yes");
    }

    @ParameterizedTest(name = "{0} {1} {2} in {3}: {4}")
    @CsvSource({
            // edit: the claims of its own namespace, all the way
            "editor, create, serverclaims.metal.ironcore.dev, tenant-roles-a, yes",
            "editor, update, serverclaims.metal.ironcore.dev, tenant-roles-a, yes",
            "editor, patch, serverclaims.metal.ironcore.dev, tenant-roles-a, yes",
            "editor, delete, serverclaims.metal.ironcore.dev, tenant-roles-a, yes",
            "editor, watch, serverclaims.metal.ironcore.dev, tenant-roles-a, yes",
            "editor, get, serverclaims.metal.ironcore.dev/status, tenant-roles-a, yes",
            // the status is the operator's
            "editor, update, serverclaims.metal.ironcore.dev/status, tenant-roles-a, no",
            "editor, patch, serverclaims.metal.ironcore.dev/status, tenant-roles-a, no",
            // another tenant's namespace, or all of them
            "editor, create, serverclaims.metal.ironcore.dev, tenant-roles-b, no",
            "editor, get, serverclaims.metal.ironcore.dev, tenant-roles-b, no",
            "editor, list, serverclaims.metal.ironcore.dev, '', no",
            // the platform's cluster-scoped kinds
            "editor, list, servers.metal.ironcore.dev, '', no",
            "editor, get, servers.metal.ironcore.dev, '', no",
            "editor, update, servers.metal.ironcore.dev, '', no",
            "editor, list, bmcs.metal.ironcore.dev, '', no",
            "editor, list, bmcsecrets.metal.ironcore.dev, '', no",
            "editor, get, bmcsecrets.metal.ironcore.dev, '', no",
            // view: read the claims, nothing more
            "viewer, get, serverclaims.metal.ironcore.dev, tenant-roles-a, yes",
            "viewer, list, serverclaims.metal.ironcore.dev, tenant-roles-a, yes",
            "viewer, watch, serverclaims.metal.ironcore.dev, tenant-roles-a, yes",
            "viewer, get, serverclaims.metal.ironcore.dev/status, tenant-roles-a, yes",
            "viewer, create, serverclaims.metal.ironcore.dev, tenant-roles-a, no",
            "viewer, delete, serverclaims.metal.ironcore.dev, tenant-roles-a, no",
            "viewer, list, serverclaims.metal.ironcore.dev, tenant-roles-b, no",
            "viewer, list, servers.metal.ironcore.dev, '', no",
            "viewer, list, bmcs.metal.ironcore.dev, '', no",
            "viewer, list, bmcsecrets.metal.ironcore.dev, '', no" })
    void aTenantMayDoWithClaimsWhatItsBuiltInRoleSays(String account, String verb, String resource, String namespace,
            String expected) {
        Processes.Result answer = canI(account, verb, resource, namespace);
        assertEquals(expected, answer.out().strip(), account + " " + verb + " " + resource + " in " + namespace + ": " + answer.err());
    }

    /** Beyond the authorizer's word: the API server takes a claim from the editor and refuses it from the viewer. */
    @Test
    void theApiServerTakesAClaimFromTheEditorOnly() throws Exception {
        Path claim = Files.writeString(Files.createTempFile("tenant-claim", ".yaml"), """
                apiVersion: metal.ironcore.dev/v1alpha1
                kind: ServerClaim
                metadata:
                  name: tenant-claim
                  namespace: %s
                spec:
                  power: "On"
                  image: my-osimage:latest
                  serverRef:
                    name: some-server
                """.formatted(TENANT));
        plane.kubectl("create", "--dry-run=server", "-f", claim.toString(), "--as=" + user("editor"))
                .orFail("creating a claim as the tenant's editor");
        Processes.Result refused = plane.kubectl("create", "--dry-run=server", "-f", claim.toString(), "--as=" + user("viewer"));
        assertEquals(1, refused.exitCode(), "the viewer's create was refused: " + refused.out());
        assertTrue(refused.err().contains("forbidden"), refused.err());
    }

    /**
     * The editor's rights come from the aggregation label and nothing else: without
     * {@code aggregate-to-edit} on the editor role, {@code edit} loses the claims; with it back,
     * it has them again.
     */
    @Test
    void theRightsComeThroughTheAggregationLabel() {
        String label = "rbac.authorization.k8s.io/aggregate-to-edit";
        try {
            plane.kubectl("label", "clusterrole", EDITOR_ROLE, label + "-").orFail("removing the aggregation label");
            awaitCanI("editor", "create", "serverclaims.metal.ironcore.dev", TENANT, "no");
        } finally {
            plane.kubectl("label", "--overwrite", "clusterrole", EDITOR_ROLE, label + "=true").orFail("restoring the aggregation label");
        }
        awaitCanI("editor", "create", "serverclaims.metal.ironcore.dev", TENANT, "yes");
    }

    private static void awaitCanI(String account, String verb, String resource, String namespace, String expected) {
        Awaitility.await(account + " " + verb + " " + resource + " in " + namespace + " to be '" + expected + "'")
                .atMost(AGGREGATION).pollInterval(Duration.ofMillis(250))
                .until(() -> canI(account, verb, resource, namespace).out().strip().equals(expected));
    }

    /**
     * kubectl's answer for the account. A subresource ({@code kind/status}) goes in
     * {@code --subresource}: kubectl reads {@code kind/status} as the object named "status".
     */
    private static Processes.Result canI(String account, String verb, String resource, String namespace) {
        List<String> arguments = new ArrayList<>(List.of("auth", "can-i", verb));
        String[] parts = resource.split("/", 2);
        arguments.add(parts[0]);
        if (parts.length == 2) {
            arguments.add("--subresource=" + parts[1]);
        }
        arguments.add(namespace.isEmpty() ? "--all-namespaces" : "--namespace=" + namespace);
        arguments.add("--as=" + user(account));
        return plane.kubectl(arguments.toArray(String[]::new));
    }

    private static String user(String account) {
        return "system:serviceaccount:" + TENANT + ":" + account;
    }

    private static String namespace(String name) {
        return """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: %s
                """.formatted(name);
    }

    private static String serviceAccount(String name) {
        return """
                apiVersion: v1
                kind: ServiceAccount
                metadata:
                  name: %s
                  namespace: %s
                """.formatted(name, TENANT);
    }

    /** The tenant's account bound in its own namespace to one of Kubernetes' built-in ClusterRoles. */
    private static String roleBinding(String account, String builtInRole) {
        return """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata:
                  name: %s
                  namespace: %s
                roleRef:
                  apiGroup: rbac.authorization.k8s.io
                  kind: ClusterRole
                  name: %s
                subjects:
                  - kind: ServiceAccount
                    name: %s
                    namespace: %s
                """.formatted(account, TENANT, builtInRole, account, TENANT);
    }
}
