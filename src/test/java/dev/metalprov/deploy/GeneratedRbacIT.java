package dev.metalprov.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Runs after {@code package}: the committed ClusterRole of deploy/base against the RBAC the
 * Quarkus Operator SDK derives from the reconcilers at build time (target/kubernetes/kubernetes.yml,
 * from @ControllerConfiguration and @RBACRule).
 *
 * <p>The SDK grants every verb on each watched kind and its status and finalizers; the committed
 * role narrows those to what the reconcilers do. So: the committed role grants nothing the SDK
 * does not derive, every {@code @RBACRule} is granted as declared, and each watched kind can be
 * listed and watched (its informer).
 */
class GeneratedRbacIT {

    private static final Path GENERATED = Path.of("target", "kubernetes", "kubernetes.yml");
    private static final Path COMMITTED = Kustomize.BASE.resolve("cluster-role.yaml");
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** One permission: verb on group/resource. */
    record Grant(String group, String resource, String verb) implements Comparable<Grant> {
        @Override
        public int compareTo(Grant other) {
            return toString().compareTo(other.toString());
        }

        @Override
        public String toString() {
            return verb + " " + (group.isEmpty() ? "" : group + "/") + resource;
        }
    }

    @Test
    void theCommittedClusterRoleIsTheDerivedOneNarrowed() throws IOException {
        List<ClusterRole> generated = generatedClusterRoles();
        assertFalse(generated.isEmpty(), "the build generated no ClusterRole into " + GENERATED);
        Set<Grant> derived = grants(generated.stream().flatMap(r -> r.getRules().stream()).toList());
        Set<Grant> committed = grants(((ClusterRole) SERIALIZATION.unmarshal(Files.readString(COMMITTED))).getRules());

        Set<Grant> beyond = new TreeSet<>(committed);
        beyond.removeAll(derived);
        assertEquals(Set.of(), beyond, COMMITTED + " grants what no reconciler declares; add an @RBACRule or drop the grant");

        Set<Grant> declared = new TreeSet<>();
        Set<Grant> informers = new TreeSet<>();
        for (PolicyRule rule : generated.stream().flatMap(r -> r.getRules().stream()).toList()) {
            if (isBlanketGrantOnAWatchedKind(rule)) {
                String kind = rule.getResources().get(0);
                for (String verb : List.of("get", "list", "watch")) {
                    informers.add(new Grant(rule.getApiGroups().get(0), kind, verb));
                }
            } else {
                declared.addAll(grants(List.of(rule)));
            }
        }
        Set<Grant> missing = new TreeSet<>(declared);
        missing.addAll(informers);
        missing.removeAll(committed);
        assertEquals(Set.of(), missing, COMMITTED + " lacks what the reconcilers declare (@RBACRule) or watch");
    }

    /** The SDK's rule for a reconciler's primary kind: the kind, its status and finalizers, every verb. */
    private static boolean isBlanketGrantOnAWatchedKind(PolicyRule rule) {
        List<String> resources = rule.getResources();
        return resources.size() == 3 && resources.get(1).equals(resources.get(0) + "/status")
                && resources.get(2).equals(resources.get(0) + "/finalizers");
    }

    private static List<ClusterRole> generatedClusterRoles() throws IOException {
        return java.util.Arrays.stream(Files.readString(GENERATED).split("(?m)^---\\s*$"))
                .filter(document -> !document.isBlank())
                .map(document -> (HasMetadata) SERIALIZATION.unmarshal(document))
                .filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast)
                .toList();
    }

    private static Set<Grant> grants(List<PolicyRule> rules) {
        return rules.stream()
                .flatMap(rule -> rule.getApiGroups().stream()
                        .flatMap(group -> rule.getResources().stream()
                                .flatMap(resource -> rule.getVerbs().stream().map(verb -> new Grant(group, resource, verb)))))
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
