package dev.metalprov.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Objects;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.metalprov.api.v1alpha1.BMC;
import dev.metalprov.api.v1alpha1.BMCState;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.common.Conditions;

/**
 * On the real API server with real Redfish: a BMC object yields its servers; input that is
 * valid but cannot be served (an unreachable BMC, an unknown server, a missing Ignition
 * Secret) shows up as a condition with its reason.
 */
@ExtendWith(EndToEnd.class)
class RuntimeConditionsIT {

    @Test
    void aBmcYieldsItsServersAndAnUnreachableOneSaysSo(EndToEnd.Environment environment) throws Exception {
        Yaml.apply(environment, Yaml.bmcSecret("pool-secret"),
                Yaml.bmc("pool", environment.poolRack.port(), "pool-secret", "rack: pool"),
                Yaml.bmc("unreachable", Processes.freePort(), "pool-secret", ""));
        var admin = environment.plane.admin();
        for (int n = 0; n < EndToEnd.POOL_RACK.size(); n++) {
            String name = "pool-system-" + n;
            Server server = SeedFlowIT.await(name + " to be Available", () -> admin.resources(Server.class).withName(name).get(),
                    s -> s != null && s.getStatus() != null && s.getStatus().getState() == ServerState.AVAILABLE);
            assertEquals("pool", server.getMetadata().getLabels().get("rack"));
        }
        BMC dead = SeedFlowIT.await("the unreachable BMC to report ConnectionFailed",
                () -> admin.resources(BMC.class).withName("unreachable").get(),
                b -> b.getStatus() != null && "ConnectionFailed".equals(Conditions.reason(b.getStatus().getConditions(), "Ready").orElse(null)));
        assertEquals(BMCState.ERROR, dead.getStatus().getState());
    }

    @Test
    void claimsThatCannotBeServedSayWhy(EndToEnd.Environment environment) throws Exception {
        environment.plane.kubectl("create", "namespace", "conditions").orFail("creating the namespace");
        Yaml.apply(environment, """
                apiVersion: metal.ironcore.dev/v1alpha1
                kind: ServerClaim
                metadata:
                  name: unknown-server
                  namespace: conditions
                spec:
                  power: "On"
                  serverRef:
                    name: no-such-server
                  image: my-osimage:latest
                ---
                apiVersion: metal.ironcore.dev/v1alpha1
                kind: ServerClaim
                metadata:
                  name: missing-ignition
                  namespace: conditions
                spec:
                  power: "On"
                  serverSelector:
                    matchLabels:
                      rack: pool
                  image: my-osimage:latest
                  ignitionSecretRef:
                    name: not-created
                """);
        var admin = environment.plane.admin();
        ServerClaim unknown = SeedFlowIT.await("the claim of an unknown server to say ServerNotFound",
                () -> admin.resources(ServerClaim.class).inNamespace("conditions").withName("unknown-server").get(),
                c -> c.getStatus() != null && "ServerNotFound".equals(Conditions.reason(c.getStatus().getConditions(), "Bound").orElse(null)));
        assertFalse(Conditions.find(unknown.getStatus().getConditions(), "Bound").orElseThrow().getMessage().isBlank());
        SeedFlowIT.await("the claim without its Ignition Secret to say IgnitionSecretMissing",
                () -> admin.resources(ServerClaim.class).inNamespace("conditions").withName("missing-ignition").get(),
                c -> c.getStatus() != null && "IgnitionSecretMissing"
                        .equals(Conditions.reason(c.getStatus().getConditions(), "BootConfigurationReady").orElse(null)));
        var events = admin.v1().events().inNamespace("conditions").list().getItems();
        assertFalse(events.stream().filter(e -> Objects.equals(e.getReason(), "ServerNotFound")).toList().isEmpty(),
                "an event tells the user too: " + events);
    }
}
