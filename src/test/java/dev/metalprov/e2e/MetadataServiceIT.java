package dev.metalprov.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.metalprov.api.v1alpha1.BMC;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.common.Conditions;
import dev.metalprov.testing.MetadataClient;
import dev.metalprov.testing.MetadataClient.Answer;
import dev.metalprov.testing.RedfishSimulator;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The metadata service of the packaged operator on the real API server. Three machines behind a
 * simulated BMC report their loopback addresses (127.0.0.23 to .25) in their Ethernet
 * interfaces, which the operator's inventory writes into their servers' status. Claims in two
 * namespaces bind them, naming user-data Secrets; one names an Opaque Secret instead. Each
 * machine, played by a socket bound to its address, reads its own metadata and user data with
 * the header; without the header, from an address no server lists, or through the Opaque Secret
 * it gets nothing, and never another claim's data. The answers are counted in the metrics.
 */
@ExtendWith(EndToEnd.class)
class MetadataServiceIT {

    private static final String TENANT_A = "metadata-a";
    private static final String TENANT_B = "metadata-b";
    private static final String RACK = "metadata-rack";
    private static final String USER_DATA_TYPE = "metal.ironcore.dev/user-data";
    private static final String CLOUD_A = "#cloud-config\nhostname: tenant-a\n";
    private static final String CLOUD_C = "#cloud-config\nhostname: tenant-c-only\n";
    private static final String OPAQUE_PASSWORD = "opaque-b-never-served";
    private static final String ADDRESS_A = "127.0.0.23";
    private static final String ADDRESS_B = "127.0.0.24";
    private static final String ADDRESS_C = "127.0.0.25";
    private static final String NOBODY = "127.0.0.26";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern COUNTER = Pattern.compile("^metal_metadata_requests_total\\{([^}]*)} (\\S+)", Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("(endpoint|outcome)=\"([a-z_]+)\"");

    private static RedfishSimulator rack;

    @BeforeAll
    static void startBmc() throws IOException {
        rack = new RedfishSimulator(SushyEmulator.USERNAME, SushyEmulator.PASSWORD);
        rack.newSystem("machine-a").uuid("3e7ad000-0000-4000-8000-0000000000a1").ipv4Address(ADDRESS_A).power("Off").add();
        rack.newSystem("machine-b").uuid("3e7ad000-0000-4000-8000-0000000000b2").ipv4Address(ADDRESS_B).power("Off").add();
        rack.newSystem("machine-c").uuid("3e7ad000-0000-4000-8000-0000000000c3").ipv4Address(ADDRESS_C).power("Off").add();
    }

    @AfterAll
    static void stopBmc() {
        rack.close();
    }

    @Test
    void eachMachineReadsItsOwnUserDataByItsAddressOnly(EndToEnd.Environment environment) throws Exception {
        KubernetesClient admin = environment.plane.admin();
        Yaml.apply(environment, Yaml.bmcSecret("metadata-secret"), Yaml.bmc(RACK, rack.port(), "metadata-secret", "metadata: rack"));
        Map<String, String> servers = new HashMap<>();
        until("the three machines to be Available with their addresses", () -> {
            servers.clear();
            admin.resources(Server.class).withLabel("metadata", "rack").list().getItems().stream()
                    .filter(s -> s.getStatus() != null && s.getStatus().getState() == ServerState.AVAILABLE)
                    .forEach(s -> s.getStatus().getNetworkInterfaces().stream()
                            .flatMap(nic -> nic.getIps() == null ? java.util.stream.Stream.empty() : nic.getIps().stream())
                            .forEach(ip -> servers.put(ip, s.getMetadata().getName())));
            return servers;
        }, found -> found.keySet().containsAll(List.of(ADDRESS_A, ADDRESS_B, ADDRESS_C)));

        for (String namespace : List.of(TENANT_A, TENANT_B)) {
            environment.plane.kubectl("create", "namespace", namespace).orFail("creating namespace " + namespace);
        }
        environment.plane.kubectl("create", "secret", "generic", "user-data-a", "-n", TENANT_A, "--type=" + USER_DATA_TYPE,
                "--from-literal=user-data=" + CLOUD_A, "--from-literal=hostname=tenant-a").orFail("creating user data a");
        environment.plane.kubectl("create", "secret", "generic", "user-data-c", "-n", TENANT_B, "--type=" + USER_DATA_TYPE,
                "--from-literal=user-data=" + CLOUD_C).orFail("creating user data c");
        environment.plane.kubectl("create", "secret", "generic", "opaque-b", "-n", TENANT_B,
                "--from-literal=password=" + OPAQUE_PASSWORD).orFail("creating the Opaque Secret");
        Yaml.apply(environment, claim(TENANT_A, "claim-a", servers.get(ADDRESS_A), "user-data-a"),
                claim(TENANT_B, "claim-b", servers.get(ADDRESS_B), "opaque-b"),
                claim(TENANT_B, "claim-c", servers.get(ADDRESS_C), "user-data-c"));

        for (String[] claim : new String[][] { { TENANT_A, "claim-a" }, { TENANT_B, "claim-c" } }) {
            until(claim[1] + " to be Bound with its user data ready", () -> claim(admin, claim[0], claim[1]),
                    c -> c != null && c.getStatus() != null && Conditions.isTrue(c.getStatus().getConditions(), "Bound")
                            && Conditions.isTrue(c.getStatus().getConditions(), "UserDataReady"));
        }
        ServerClaim refused = until("claim-b to refuse its Opaque Secret", () -> claim(admin, TENANT_B, "claim-b"),
                c -> c != null && c.getStatus() != null && "UserDataSecretWrongType".equals(
                        Conditions.reason(c.getStatus().getConditions(), "UserDataReady").orElse(null)));
        assertTrue(Conditions.isTrue(refused.getStatus().getConditions(), "Bound"), "the claim binds all the same");
        Event event = until("a warning event on claim-b", () -> admin.v1().events().inNamespace(TENANT_B).list().getItems()
                .stream().filter(e -> "claim-b".equals(e.getInvolvedObject().getName())
                        && "UserDataSecretWrongType".equals(e.getReason())).findFirst().orElse(null), Objects::nonNull);
        assertEquals("Warning", event.getType());
        assertFalse(event.getMessage().contains(OPAQUE_PASSWORD));

        MetadataClient machineA = machine(environment, ADDRESS_A);
        // The claims are Bound in the API server; the operator's caches follow within moments.
        until("machine A to be served its user data", () -> machineA.get("/v1/user-data"), answer -> answer.status() == 200);
        Map<String, Double> before = counters(environment);

        Answer userData = machineA.get("/v1/user-data");
        assertEquals(Map.of("user-data", CLOUD_A, "hostname", "tenant-a"), JSON.readValue(userData.body(), Map.class));
        assertEquals(CLOUD_A, machineA.get("/v1/user-data/user-data").body());
        assertEquals(servers.get(ADDRESS_A), machineA.get("/v1/server-name").body());
        Answer everything = machineA.get("/v1/");
        assertEquals(200, everything.status());
        assertEquals(CLOUD_A, JSON.readTree(everything.body()).path("user-data").path("user-data").asText());
        assertFalse(everything.body().contains("tenant-c-only"), "never another claim's user data");

        MetadataClient machineC = machine(environment, ADDRESS_C);
        assertEquals(CLOUD_C, machineC.get("/v1/user-data/user-data").body(), "the other tenant's machine gets its own");
        assertFalse(machineC.get("/v1/").body().contains("tenant-a"), "and nothing of tenant A's");

        Answer noHeader = machineA.get("/v1/user-data", false);
        assertEquals(403, noHeader.status(), "no header, no answer");
        assertFalse(noHeader.body().contains("tenant-a"));
        MetadataClient stranger = machine(environment, NOBODY);
        Answer unknown = stranger.get("/v1/user-data");
        assertEquals(404, unknown.status(), "an address no server lists gets nothing: " + unknown.body());
        assertEquals(404, stranger.get("/v1/").status());
        assertEquals(404, stranger.get("/v1/user-data/user-data").status());

        MetadataClient machineB = machine(environment, ADDRESS_B);
        Answer opaque = machineB.get("/v1/user-data");
        assertEquals(500, opaque.status(), "an Opaque Secret is refused, as upstream answers it");
        assertFalse(opaque.body().contains(OPAQUE_PASSWORD));
        assertFalse(machineB.get("/v1/").body().contains(OPAQUE_PASSWORD));
        assertEquals(servers.get(ADDRESS_B), machineB.get("/v1/server-name").body());

        Map<String, Double> after = counters(environment);
        assertEquals(1, delta(before, after, "user_data", "served"), "machine A's user data, asked for once with the header");
        assertEquals(2, delta(before, after, "metadata", "served"));
        assertEquals(2, delta(before, after, "user_data_key", "served"));
        assertEquals(2, delta(before, after, "field", "served"));
        assertEquals(1, delta(before, after, "user_data", "missing_header"));
        assertEquals(1, delta(before, after, "user_data", "unknown_caller"));
        assertEquals(1, delta(before, after, "metadata", "unknown_caller"));
        assertEquals(1, delta(before, after, "user_data_key", "unknown_caller"));
        assertEquals(1, delta(before, after, "user_data", "wrong_secret_type"));
        assertEquals(1, delta(before, after, "metadata", "wrong_secret_type"));
        String exposition = scrape(environment);
        assertFalse(exposition.contains("127.0.0.2"), "no address in any label");
        assertFalse(exposition.contains("claim-a") || exposition.contains("user-data-a"), "no claim or Secret in any label");
        System.out.println("MetadataServiceIT: metal_metadata_requests_total after the test: " + after);

        for (String[] claim : new String[][] { { TENANT_A, "claim-a" }, { TENANT_B, "claim-b" }, { TENANT_B, "claim-c" } }) {
            admin.resources(ServerClaim.class).inNamespace(claim[0]).withName(claim[1]).delete();
        }
        for (String[] claim : new String[][] { { TENANT_A, "claim-a" }, { TENANT_B, "claim-b" }, { TENANT_B, "claim-c" } }) {
            until(claim[1] + " to be released", () -> claim(admin, claim[0], claim[1]), Objects::isNull);
        }
        // Out of the pool again, so that no other test's claim binds these machines.
        admin.resources(BMC.class).withName(RACK).delete();
        servers.values().forEach(name -> admin.resources(Server.class).withName(name).delete());
    }

    private static String claim(String namespace, String name, String server, String userData) {
        return """
                apiVersion: metal.ironcore.dev/v1alpha1
                kind: ServerClaim
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  power: "Off"
                  serverRef:
                    name: %s
                  image: my-osimage:latest
                  userDataRef:
                    name: %s
                """.formatted(name, namespace, server, userData);
    }

    private static MetadataClient machine(EndToEnd.Environment environment, String address) {
        return new MetadataClient(address, "127.0.0.1", environment.metadataPort);
    }

    private static ServerClaim claim(KubernetesClient admin, String namespace, String name) {
        return admin.resources(ServerClaim.class).inNamespace(namespace).withName(name).get();
    }

    private static String scrape(EndToEnd.Environment environment) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(environment.operator.metrics())
                .header("Accept", "text/plain; version=0.0.4; charset=utf-8").build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static Map<String, Double> counters(EndToEnd.Environment environment) throws IOException, InterruptedException {
        Map<String, Double> counts = new java.util.TreeMap<>();
        String exposition = scrape(environment);
        Matcher m = COUNTER.matcher(exposition);
        while (m.find()) {
            Map<String, String> labels = new HashMap<>();
            Matcher label = LABEL.matcher(m.group(1));
            while (label.find()) {
                labels.put(label.group(1), label.group(2));
            }
            counts.put(labels.get("endpoint") + "/" + labels.get("outcome"), Double.parseDouble(m.group(2)));
        }
        assertFalse(counts.isEmpty(), "the request counter is exposed: " + exposition.lines()
                .filter(l -> l.contains("metadata")).toList());
        return counts;
    }

    private static long delta(Map<String, Double> before, Map<String, Double> after, String endpoint, String outcome) {
        String key = endpoint + "/" + outcome;
        assertTrue(after.containsKey(key), "counted: " + key + " in " + after);
        return Math.round(after.get(key) - before.getOrDefault(key, 0.0));
    }

    private static <T> T until(String what, java.util.function.Supplier<T> read, java.util.function.Predicate<T> condition) {
        return SeedFlowIT.await(what, read, condition);
    }
}
