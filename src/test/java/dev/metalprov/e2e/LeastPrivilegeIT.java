package dev.metalprov.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The operator runs (in the other tests) with exactly what deploy/base grants its
 * ServiceAccount; here the API server's own authorizer says what that is, and what it is not,
 * and the operator shows that the Lease Role suffices for leader election.
 */
@ExtendWith(EndToEnd.class)
class LeastPrivilegeIT {

    private static final String OPERATOR = "system:serviceaccount:" + OperatorProcess.NAMESPACE + ":" + OperatorProcess.SERVICE_ACCOUNT;

    @ParameterizedTest(name = "{0} {1} {2}: {3}")
    @CsvSource({
            // what the reconcilers need
            "watch, serverclaims.metal.ironcore.dev, --all-namespaces, yes",
            "update, servers.metal.ironcore.dev, '', yes",
            "patch, servers.metal.ironcore.dev/status, '', yes",
            "create, serverbootconfigurations.metal.ironcore.dev, -n=tenant, yes",
            "get, secrets, -n=tenant, yes",
            "create, events, -n=tenant, yes",
            "update, leases.coordination.k8s.io, -n=metal-system, yes",
            // what it has no business doing
            "list, secrets, -n=kube-system, no",
            "watch, secrets, --all-namespaces, no",
            "delete, customresourcedefinitions.apiextensions.k8s.io, '', no",
            "delete, servers.metal.ironcore.dev, '', no",
            "delete, serverclaims.metal.ironcore.dev, -n=tenant, no",
            "update, bmcsecrets.metal.ironcore.dev, '', no",
            "create, pods, -n=metal-system, no",
            "create, clusterrolebindings.rbac.authorization.k8s.io, '', no",
            "update, leases.coordination.k8s.io, -n=kube-system, no",
            "delete, leases.coordination.k8s.io, -n=metal-system, no",
            "list, leases.coordination.k8s.io, -n=metal-system, no",
            "patch, serverbootconfigurations.metal.ironcore.dev, -n=tenant, no",
            // the built-in boot overlay (applied here) lets the boot service write the status, by update only
            "update, serverbootconfigurations.metal.ironcore.dev/status, -n=tenant, yes",
            "patch, serverbootconfigurations.metal.ironcore.dev/status, -n=tenant, no" })
    void theServiceAccountMayOnlyDoWhatTheOperatorNeeds(String verb, String resource, String scope, String expected,
            EndToEnd.Environment environment) {
        Processes.Result result = scope.isEmpty()
                ? environment.plane.kubectl("auth", "can-i", verb, resource, "--as=" + OPERATOR)
                : environment.plane.kubectl("auth", "can-i", verb, resource, scope, "--as=" + OPERATOR);
        assertEquals(expected, result.out().strip(), verb + " " + resource + " " + scope + ": " + result.err());
    }

    @Test
    void theOperatorHoldsItsLeaseAndRenewsIt(EndToEnd.Environment environment) {
        var lease = environment.plane.admin().leases().inNamespace(OperatorProcess.NAMESPACE).withName("metal-operator-leader");
        Awaitility.await("the operator to hold the Lease").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> lease.get() != null && lease.get().getSpec().getHolderIdentity() != null);
        var first = lease.get().getSpec().getRenewTime();
        Awaitility.await("the operator to renew the Lease").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> !first.equals(lease.get().getSpec().getRenewTime()));
    }
}
