package dev.metalprov.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.metalprov.api.v1alpha1.BMC;
import dev.metalprov.api.v1alpha1.ClaimPhase;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.common.Conditions;
import dev.metalprov.testing.FleetSimulator;
import dev.metalprov.testing.FleetSimulator.Endpoint;
import dev.metalprov.testing.FleetSimulator.Fault;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A rack outage on the real API server: 60 servers whose BMCs accept connections and never
 * answer must not hold up claims on healthy BMCs. The healthy claims' latency (created until
 * PowerStateReached) is measured twice in the same run, without and with the hung servers; the
 * hung servers say why they cannot be reached, and come back by themselves once their BMCs answer
 * again.
 *
 * <p>The hung servers are written with their BMC inline ({@code spec.bmc}) and only a
 * {@code systemUUID}, no {@code systemURI}: the operator has to ask the BMC for its systems to
 * find the machine, so every one of them starts with requests to a BMC that never answers.
 */
@ExtendWith(EndToEnd.class)
class BmcOutageIT {

    private static final int HEALTHY = 10;
    private static final int HUNG = 60;
    private static final String NAMESPACE = "outage";
    private static final String SECRET = "outage-secret";
    private static final Duration ROUND_DEADLINE = Duration.ofMinutes(2);
    /**
     * The outage round may take twice as long as the calm one, plus this much. The machine has
     * two cores shared by etcd, the API server, the operator, the registry, the simulator and the
     * test: with calm latencies of one to three seconds, a second of scheduling noise alone would
     * double a p50 without anything wrong in the operator. A BMC that holds a reconcile thread
     * costs a whole read timeout (tens of seconds), far above this floor.
     */
    private static final double NOISE_FLOOR_SECONDS = 2.0;

    @Test
    void hungBmcsDoNotHoldUpClaimsOnHealthyOnes(EndToEnd.Environment environment) throws Exception {
        KubernetesClient admin = environment.plane.admin();
        FleetSimulator fleet = new FleetSimulator(SushyEmulator.USERNAME, SushyEmulator.PASSWORD).powerTransition(Duration.ofMillis(500));
        List<Endpoint> hung = List.of();
        try {
            List<Endpoint> healthy = fleet.add(HEALTHY);
            hung = fleet.add(HUNG);
            List<String> documents = new ArrayList<>(List.of(Yaml.bmcSecret(SECRET)));
            for (int i = 0; i < HEALTHY; i++) {
                documents.add(Yaml.bmc("outage-healthy-" + i, healthy.get(i).port(), SECRET, "outage: healthy"));
            }
            Yaml.apply(environment, documents.toArray(String[]::new));
            until("the " + HEALTHY + " healthy servers to be Available", Duration.ofMinutes(2),
                    () -> available(admin, "healthy") == HEALTHY, () -> available(admin, "healthy") + " Available");
            environment.plane.kubectl("create", "namespace", NAMESPACE).orFail("creating the namespace");
            environment.plane.kubectl("create", "secret", "generic", "ignition", "-n", NAMESPACE,
                    "--from-literal=ignition={\"ignition\":{\"version\":\"3.4.0\"}}").orFail("creating the Ignition Secret");

            List<Double> calm = claimRound(environment, "calm");

            // The outage: 60 servers behind BMCs that take the connection and never answer.
            fleet.inject(hung, Fault.HANG);
            documents.clear();
            for (int i = 0; i < HUNG; i++) {
                documents.add(hungServer("outage-hung-" + i, hung.get(i)));
            }
            Yaml.apply(environment, documents.toArray(String[]::new));
            List<Endpoint> hungBmcs = hung;
            // The outage is only an outage once the operator is waiting on the hung BMCs.
            until("the operator to have asked at least half of the hung BMCs", Duration.ofMinutes(1),
                    () -> contacted(hungBmcs) >= HUNG / 2,
                    () -> "it asked " + contacted(hungBmcs) + " of " + HUNG + ", so its reconcile threads are held");

            // From here on each check is reported, and the later ones still run when an earlier one fails:
            // a slow outage round says nothing about whether the hung servers report and recover.
            List<AssertionError> failures = new ArrayList<>();
            check(failures, () -> {
                List<Double> outage = claimRound(environment, "outage");
                double calmP50 = median(calm);
                double outageP50 = median(outage);
                System.out.println("BmcOutageIT: healthy claims created until powered On, p50 without the outage "
                        + calmP50 + " s " + calm + ", with " + HUNG + " hung BMCs " + outageP50 + " s " + outage);
                assertTrue(outageP50 <= 2 * calmP50 + NOISE_FLOOR_SECONDS, "with " + HUNG + " hung BMCs the healthy claims took p50 "
                        + outageP50 + " s, without them " + calmP50 + " s (allowed: 2x + " + NOISE_FLOOR_SECONDS + " s); calm "
                        + calm + ", outage " + outage);
            }, "without the outage the claims took " + calm + " s");

            // Each hung server says that its BMC cannot be reached, naming the BMC.
            check(failures, () -> until("every hung server to report BMCReachable=False naming its BMC", Duration.ofMinutes(3),
                    () -> unreachableSaysWhy(admin, hungBmcs).size() == HUNG,
                    () -> unreachableSaysWhy(admin, hungBmcs).size() + " of " + HUNG + " do; e.g. "
                            + bmcReachable(admin, "outage-hung-0").map(BmcOutageIT::describe).orElse("no condition")), "");

            // The BMCs answer again: the servers come back by themselves, within the operator's backoff.
            fleet.lift(hung, Fault.HANG);
            check(failures, () -> until("every hung server to be Available again", Duration.ofMinutes(4),
                    () -> available(admin, "hung") == HUNG, () -> available(admin, "hung") + " of " + HUNG + " Available"), "");

            if (!failures.isEmpty()) {
                AssertionError all = new AssertionError(failures.size() + " of 3 checks failed: "
                        + failures.stream().map(Throwable::getMessage).reduce((a, b) -> a + "; " + b).orElseThrow());
                failures.forEach(all::addSuppressed);
                throw all;
            }
        } finally {
            fleet.lift(hung, Fault.HANG);
            cleanUp(admin);
            fleet.close();
        }
    }

    /** Runs one check and keeps its failure, with what else is worth knowing about it. */
    private static void check(List<AssertionError> failures, Runnable check, String context) {
        try {
            check.run();
        } catch (AssertionError e) {
            failures.add(context.isEmpty() ? e : new AssertionError(e.getMessage() + " (" + context + ")", e));
        }
    }

    /** Creates the claims of one round on the healthy servers, waits until all are powered On, and releases them. */
    private static List<Double> claimRound(EndToEnd.Environment environment, String round) {
        KubernetesClient admin = environment.plane.admin();
        Map<String, Instant> created = new HashMap<>();
        Map<String, Instant> on = new HashMap<>();
        List<String> claims = new ArrayList<>();
        for (int i = 0; i < HEALTHY; i++) {
            claims.add("""
                    apiVersion: metal.ironcore.dev/v1alpha1
                    kind: ServerClaim
                    metadata:
                      name: %s-%d
                      namespace: %s
                    spec:
                      power: "On"
                      serverSelector:
                        matchLabels:
                          outage: healthy
                      image: my-osimage:latest
                      ignitionSecretRef:
                        name: ignition
                    """.formatted(round, i, NAMESPACE));
        }
        // One create per claim, each stamped when it is sent: kubectl apply of a list would stamp them all alike.
        for (String claim : claims) {
            ServerClaim object = admin.getKubernetesSerialization().unmarshal(claim, ServerClaim.class);
            created.put(object.getMetadata().getName(), Instant.now());
            admin.resource(object).create();
        }
        until("the " + round + " round's " + HEALTHY + " claims to reach their power state", ROUND_DEADLINE, () -> {
            Instant now = Instant.now();
            for (ServerClaim claim : admin.resources(ServerClaim.class).inNamespace(NAMESPACE).list().getItems()) {
                if (claim.getMetadata().getName().startsWith(round + "-") && claim.getStatus() != null
                        && Conditions.isTrue(claim.getStatus().getConditions(), "PowerStateReached")) {
                    on.putIfAbsent(claim.getMetadata().getName(), now);
                }
            }
            return on.size() == HEALTHY;
        }, () -> on.size() + " of " + HEALTHY + " powered On, " + bound(admin, round) + " Bound");
        List<Double> latencies = new ArrayList<>();
        created.forEach((name, at) -> latencies.add(Duration.between(at, on.get(name)).toMillis() / 1000.0));
        latencies.sort(Double::compare);

        admin.resources(ServerClaim.class).inNamespace(NAMESPACE).delete();
        until("the healthy servers to be Available again after the " + round + " round", Duration.ofMinutes(2),
                () -> admin.resources(ServerClaim.class).inNamespace(NAMESPACE).list().getItems().isEmpty()
                        && available(admin, "healthy") == HEALTHY,
                () -> available(admin, "healthy") + " of " + HEALTHY + " Available");
        return latencies;
    }

    private static String hungServer(String name, Endpoint bmc) {
        return """
                apiVersion: metal.ironcore.dev/v1alpha1
                kind: Server
                metadata:
                  name: %s
                  labels:
                    outage: hung
                spec:
                  systemUUID: %s
                  bmc:
                    protocol:
                      name: Redfish
                      port: %d
                      scheme: http
                    address: 127.0.0.1
                    bmcSecretRef:
                      name: %s
                """.formatted(name, bmc.systemUuid(), bmc.port(), SECRET);
    }

    private static long contacted(List<Endpoint> bmcs) {
        return bmcs.stream().filter(b -> b.requests() > 0).count();
    }

    private static long bound(KubernetesClient admin, String round) {
        return admin.resources(ServerClaim.class).inNamespace(NAMESPACE).list().getItems().stream()
                .filter(c -> c.getMetadata().getName().startsWith(round + "-") && c.getStatus() != null
                        && c.getStatus().getPhase() == ClaimPhase.BOUND)
                .count();
    }

    private static long available(KubernetesClient admin, String group) {
        return admin.resources(Server.class).withLabel("outage", group).list().getItems().stream()
                .filter(s -> s.getStatus() != null && s.getStatus().getState() == ServerState.AVAILABLE).count();
    }

    /** The hung servers whose BMCReachable condition is False with a reason and a message that names their BMC. */
    private static List<String> unreachableSaysWhy(KubernetesClient admin, List<Endpoint> bmcs) {
        List<String> servers = new ArrayList<>();
        for (int i = 0; i < bmcs.size(); i++) {
            String name = "outage-hung-" + i;
            String address = "127.0.0.1:" + bmcs.get(i).port();
            bmcReachable(admin, name)
                    .filter(c -> "False".equals(c.getStatus()) && c.getReason() != null && !c.getReason().isBlank()
                            && !"Connected".equals(c.getReason()) && c.getMessage() != null && c.getMessage().contains(address))
                    .ifPresent(c -> servers.add(name));
        }
        return servers;
    }

    private static Optional<Condition> bmcReachable(KubernetesClient admin, String server) {
        Server found = admin.resources(Server.class).withName(server).get();
        if (found == null || found.getStatus() == null) {
            return Optional.empty();
        }
        return Conditions.find(found.getStatus().getConditions(), "BMCReachable");
    }

    private static String describe(Condition condition) {
        return condition.getStatus() + " " + condition.getReason() + ": " + condition.getMessage();
    }

    private static double median(List<Double> sorted) {
        return sorted.get((int) Math.ceil(0.5 * sorted.size()) - 1);
    }

    /** Leaves nothing behind for the other classes: no claims, no servers of this test, no BMCs. */
    private static void cleanUp(KubernetesClient admin) {
        try {
            admin.resources(ServerClaim.class).inNamespace(NAMESPACE).delete();
            admin.resources(BMC.class).withLabel("outage").delete();
            admin.resources(Server.class).withLabel("outage").delete();
            until("the outage's servers and claims to be gone", Duration.ofMinutes(2),
                    () -> admin.resources(Server.class).withLabel("outage").list().getItems().isEmpty()
                            && admin.resources(ServerClaim.class).inNamespace(NAMESPACE).list().getItems().isEmpty(),
                    () -> admin.resources(Server.class).withLabel("outage").list().getItems().size() + " servers left");
        } catch (RuntimeException | AssertionError e) {
            // An operator that is still stuck does not get to keep these objects for the next classes.
            System.err.println("BmcOutageIT: the operator did not finish the clean-up, removing finalizers: " + e.getMessage());
            try {
                admin.resources(ServerClaim.class).inNamespace(NAMESPACE).list().getItems().forEach(c -> admin
                        .resources(ServerClaim.class).inNamespace(NAMESPACE).withName(c.getMetadata().getName())
                        .edit(o -> { o.getMetadata().setFinalizers(List.of()); return o; }));
                admin.resources(Server.class).withLabel("outage").list().getItems().forEach(s -> admin.resources(Server.class)
                        .withName(s.getMetadata().getName()).edit(o -> { o.getMetadata().setFinalizers(List.of()); return o; }));
            } catch (RuntimeException again) {
                System.err.println("BmcOutageIT: clean-up incomplete: " + again.getMessage());
            }
        }
    }

    /** Waits for the condition, checked every 250 ms, and fails with the progress made when the deadline passes. */
    private static void until(String what, Duration deadline, BooleanSupplier condition, Supplier<String> progress) {
        try {
            org.awaitility.Awaitility.await(what).atMost(deadline).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(condition::getAsBoolean);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            String state;
            try {
                state = progress.get();
            } catch (RuntimeException unknown) {
                state = "progress unknown: " + unknown.getMessage();
            }
            throw new AssertionError("not within " + deadline.toSeconds() + " s: " + what + " (" + state + ")", e);
        }
    }
}
