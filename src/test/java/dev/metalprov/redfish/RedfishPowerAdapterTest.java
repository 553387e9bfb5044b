package dev.metalprov.redfish;

import static dev.metalprov.redfish.Futures.await;
import static dev.metalprov.redfish.Futures.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.redfish.Inventory.SystemInventory;
import dev.metalprov.server.BmcException;
import dev.metalprov.server.Machine;
import dev.metalprov.server.PowerAdapter.BootOverride;
import dev.metalprov.server.PowerAdapter.NetworkBoot;
import dev.metalprov.server.PowerAdapter.PowerAction;
import dev.metalprov.testing.RedfishSimulator;

/** The Redfish power adapter against a simulated BMC on loopback. */
class RedfishPowerAdapterTest {

    private static final String UUID = "38947555-7742-3448-3784-823347823834";

    private RedfishSimulator bmc;
    private RedfishPowerAdapter adapter;

    @BeforeEach
    void setUp() throws Exception {
        bmc = new RedfishSimulator("admin", "s3cret-pw");
        bmc.addSystem("other", "11111111-2222-3333-4444-555555555555", "Off");
        bmc.addSystem("437XR1138R2", UUID.toUpperCase(), "Off");
        adapter = new RedfishPowerAdapter();
        adapter.clock = Clock.systemUTC();
        adapter.connections = new BmcConnections(new RedfishClient.Settings(Duration.ofSeconds(2), Duration.ofSeconds(5), 2,
                Duration.ofMillis(10), Duration.ofMillis(20), 4), Clock.systemUTC(), null);
    }

    @AfterEach
    void tearDown() {
        try {
            adapter.connections.closeAll();
        } finally {
            bmc.close();
        }
    }

    @Test
    void findsTheSystemByUuidIgnoringCaseAndReadsItsPower() {
        assertEquals(ServerPowerState.OFF, await(adapter.powerState(machine())));
        assertTrue(bmc.requests().stream().filter(r -> !r.path().matches("/redfish/v1/?"))
                .allMatch(RedfishSimulator.Request::authenticated), "authenticated requests beyond the service root");
    }

    @Test
    void discoveryCostsOneListAndOneGetPerSystemForAllServersBehindTheBmc() {
        int n = 6;
        for (int i = 0; i < n - 2; i++) {
            bmc.newSystem("node-" + i).uuid(String.format("00000000-0000-4000-8000-%012d", i)).power("Off").add();
        }
        List<String> uuids = new ArrayList<>(List.of(UUID, "11111111-2222-3333-4444-555555555555"));
        for (int i = 0; i < n - 2; i++) {
            uuids.add(String.format("00000000-0000-4000-8000-%012d", i));
        }
        bmc.clearRequests();
        List<CompletableFuture<SystemInventory>> found = new ArrayList<>();
        for (String uuid : uuids) {
            found.add(adapter.readInventory(new Machine("s-" + uuid, access(), null, uuid)));
        }
        for (int i = 0; i < n; i++) {
            assertEquals(uuids.get(i).toLowerCase(), await(found.get(i)).uuid().toLowerCase());
        }
        bmc.clearRequests();
        for (String uuid : uuids) {
            await(adapter.powerState(new Machine("again-" + uuid, access(), null, uuid)));
        }
        List<RedfishSimulator.Request> gets = bmc.requests().stream().filter(r -> r.method().equals("GET")).toList();
        assertEquals(n, gets.size(), "with the index built, a power read is one GET: " + gets);

        // From scratch: N servers behind one BMC cost the list and one GET per system, N+1 in all.
        RedfishPowerAdapter fresh = new RedfishPowerAdapter();
        fresh.clock = Clock.systemUTC();
        fresh.connections = adapter.connections;
        List<CompletableFuture<String>> uris = new ArrayList<>();
        bmc.clearRequests();
        for (String uuid : uuids) {
            uris.add(fresh.systemUri(new Machine("s-" + uuid, access(), null, uuid), adapter.connections.connect(access())));
        }
        uris.forEach(Futures::await);
        List<RedfishSimulator.Request> discovery = bmc.requests().stream().filter(r -> r.method().equals("GET")).toList();
        assertEquals(n + 1, discovery.size(), "discovery GETs: " + discovery);
        assertEquals(1, discovery.stream().filter(r -> r.path().equals("/redfish/v1/Systems")).count());
        assertTrue(discovery.stream().noneMatch(r -> r.path().contains("Processors") || r.path().contains("EthernetInterfaces")),
                "no inventory walk to find a UUID");
    }

    @Test
    void anUnknownUuidListsTheSystemsAgainAtMostEveryThirtySeconds() {
        await(adapter.powerState(machine()));
        bmc.clearRequests();
        Machine unknown = new Machine("unknown", access(), null, "00000000-0000-0000-0000-000000000000");
        assertEquals(BmcException.SYSTEM_NOT_FOUND, failure(adapter.powerState(unknown)).reason());
        assertEquals(BmcException.SYSTEM_NOT_FOUND, failure(adapter.powerState(unknown)).reason());
        assertEquals(0, bmc.requests().stream().filter(r -> r.path().equals("/redfish/v1/Systems")).count(),
                "listed a moment ago: not again");
    }

    @Test
    void aGivenSystemUriIsUsedAsItIs() {
        await(adapter.powerState(new Machine("s", access(), "/redfish/v1/Systems/437XR1138R2", null)));
        assertEquals(0, bmc.requests().stream().filter(r -> r.path().equals("/redfish/v1/Systems")).count());
    }

    @Test
    void powerOnIsIssuedAsResetAndReadBackLater() {
        Machine machine = machine();
        await(adapter.perform(machine, PowerAction.ON));
        var reset = bmc.requests().stream().filter(r -> r.method().equals("POST") && r.path().endsWith("Reset")).findFirst()
                .orElseThrow();
        assertEquals("/redfish/v1/Systems/437XR1138R2/Actions/ComputerSystem.Reset", reset.path());
        assertEquals("{\"ResetType\":\"On\"}", reset.body());
        assertEquals(ServerPowerState.ON, await(adapter.powerState(machine)), "the transition shows on the next read");

        await(adapter.perform(machine, PowerAction.GRACEFUL_SHUTDOWN));
        assertTrue(bmc.requests().get(bmc.requests().size() - 1).body().contains("GracefulShutdown"));
        await(adapter.perform(machine, PowerAction.FORCE_OFF));
        assertTrue(bmc.requests().get(bmc.requests().size() - 1).body().contains("ForceOff"));
    }

    @Test
    void networkBootIsSetForTheNextBootOnly() {
        BootOverride override = await(adapter.bootOnceFromNetwork(machine(), NetworkBoot.pxe()));
        assertTrue(override.once() && override.bootsFrom(NetworkBoot.pxe()), override.toString());
        var boot = bmc.system("437XR1138R2").path("Boot");
        assertEquals("Once", boot.path("BootSourceOverrideEnabled").asText());
        assertEquals("Pxe", boot.path("BootSourceOverrideTarget").asText());
        assertEquals("Off", bmc.system("other").path("PowerState").asText(), "other systems untouched");
    }

    @Test
    void aDroppedOverrideIsAnsweredNotThrown() {
        bmc.revertBootOverride(true);
        BootOverride override = await(adapter.bootOnceFromNetwork(machine(), NetworkBoot.pxe()));
        assertFalse(override.bootsFrom(NetworkBoot.pxe()), "the caller judges: " + override);
    }

    @Test
    void uefiHttpBootSetsTheTargetAndTheBootUri() {
        String uri = "http://boot.example:8082/images/38947555-7742-3448-3784-823347823834/uki";
        await(adapter.bootOnceFromNetwork(machine(), NetworkBoot.uefiHttp(uri)));
        var boot = bmc.system("437XR1138R2").path("Boot");
        assertEquals("Once", boot.path("BootSourceOverrideEnabled").asText());
        assertEquals("UefiHttp", boot.path("BootSourceOverrideTarget").asText());
        assertEquals(uri, boot.path("HttpBootUri").asText());
    }

    @Test
    void aWrongPasswordIsAnAuthenticationFailureThatNamesNoSecret() {
        bmc.setPassword("rotated");
        BmcException e = failure(adapter.powerState(machine()));
        assertEquals(BmcException.AUTHENTICATION_FAILED, e.reason());
        assertFalse(e.getMessage().contains("s3cret-pw"), e.getMessage());
    }

    @Test
    void anUnknownUuidAndAnUnreachableBmcGiveTheirReasons() {
        Machine unknown = new Machine("unknown", access(), null, "00000000-0000-0000-0000-000000000000");
        assertEquals(BmcException.SYSTEM_NOT_FOUND, failure(adapter.powerState(unknown)).reason());

        bmc.close();
        BmcException e = failure(adapter.powerState(new Machine("s", access(), "/redfish/v1/Systems/437XR1138R2", null)));
        assertEquals(BmcException.CONNECTION_FAILED, e.reason());
        assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
    }

    private BmcAccess access() {
        return new BmcAccess(bmc.endpoint(), "admin", "s3cret-pw", false);
    }

    private Machine machine() {
        return new Machine("s-" + System.nanoTime(), access(), null, UUID);
    }
}
