package dev.metalprov.redfish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.api.v1alpha1.ServerSpec;
import dev.metalprov.server.BmcException;
import dev.metalprov.server.PowerAdapter.NetworkBoot;
import dev.metalprov.testing.RedfishSimulator;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

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
        adapter.connections = new BmcConnections();
        adapter.connections.clock = java.time.Clock.systemUTC();
        adapter.connections.resolver = new BmcAccessResolver() {
            @Override
            public BmcAccess resolve(Server server) {
                return new BmcAccess(bmc.endpoint(), "admin", "s3cret-pw", false);
            }
        };
    }

    @AfterEach
    void tearDown() {
        bmc.close();
    }

    @Test
    void findsTheSystemByUuidIgnoringCaseAndReadsItsPower() {
        assertEquals(ServerPowerState.OFF, adapter.powerState(server()));
        assertTrue(bmc.requests().stream().filter(r -> !r.path().matches("/redfish/v1/?"))
                .allMatch(RedfishSimulator.Request::authenticated), "authenticated requests beyond the service root");
    }

    @Test
    void powerOnIsIssuedAsResetAndReadBackLater() {
        Server server = server();
        adapter.powerOn(server);
        var reset = bmc.requests().stream().filter(r -> r.method().equals("POST") && r.path().endsWith("Reset")).findFirst()
                .orElseThrow();
        assertEquals("/redfish/v1/Systems/437XR1138R2/Actions/ComputerSystem.Reset", reset.path());
        assertEquals("{\"ResetType\":\"On\"}", reset.body());
        assertEquals(ServerPowerState.ON, adapter.powerState(server), "the transition shows on the next read");

        adapter.powerOff(server, false);
        assertTrue(bmc.requests().get(bmc.requests().size() - 1).body().contains("GracefulShutdown"));
        adapter.powerOff(server, true);
        assertTrue(bmc.requests().get(bmc.requests().size() - 1).body().contains("ForceOff"));
    }

    @Test
    void networkBootIsSetForTheNextBootOnly() {
        adapter.bootOnceFromNetwork(server(), NetworkBoot.pxe());
        var boot = bmc.system("437XR1138R2").path("Boot");
        assertEquals("Once", boot.path("BootSourceOverrideEnabled").asText());
        assertEquals("Pxe", boot.path("BootSourceOverrideTarget").asText());
        assertEquals("Off", bmc.system("other").path("PowerState").asText(), "other systems untouched");
    }

    @Test
    void uefiHttpBootSetsTheTargetAndTheBootUri() {
        String uri = "http://boot.example:8082/images/38947555-7742-3448-3784-823347823834/uki";
        adapter.bootOnceFromNetwork(server(), NetworkBoot.uefiHttp(uri));
        var boot = bmc.system("437XR1138R2").path("Boot");
        assertEquals("Once", boot.path("BootSourceOverrideEnabled").asText());
        assertEquals("UefiHttp", boot.path("BootSourceOverrideTarget").asText());
        assertEquals(uri, boot.path("HttpBootUri").asText());
    }

    @Test
    void aWrongPasswordIsAnAuthenticationFailureThatNamesNoSecret() {
        bmc.setPassword("rotated");
        BmcException e = assertThrows(BmcException.class, () -> adapter.powerState(server()));
        assertEquals(BmcException.AUTHENTICATION_FAILED, e.reason());
        assertFalse(e.getMessage().contains("s3cret-pw"), e.getMessage());
    }

    @Test
    void anUnknownUuidAndAnUnreachableBmcGiveTheirReasons() {
        Server unknown = server();
        unknown.getSpec().setSystemUUID("00000000-0000-0000-0000-000000000000");
        assertEquals(BmcException.SYSTEM_NOT_FOUND, assertThrows(BmcException.class, () -> adapter.powerState(unknown)).reason());

        bmc.close();
        assertEquals(BmcException.CONNECTION_FAILED, assertThrows(BmcException.class, () -> adapter.powerState(server())).reason());
    }

    private static Server server() {
        Server server = new Server();
        server.setMetadata(new ObjectMetaBuilder().withName("s-" + System.nanoTime()).build());
        ServerSpec spec = new ServerSpec();
        spec.setSystemUUID(UUID);
        server.setSpec(spec);
        return server;
    }
}
