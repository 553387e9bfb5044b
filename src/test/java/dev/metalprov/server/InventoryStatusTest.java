package dev.metalprov.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.metalprov.api.v1alpha1.ServerStatus;
import dev.metalprov.redfish.Inventory.NicInfo;
import dev.metalprov.redfish.Inventory.ProcessorInfo;
import dev.metalprov.redfish.Inventory.SystemInventory;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The inventory a BMC reports, as the server's status. A pass compares the status before and after
 * it and patches only on a difference. The benchmark's fleet servers, whose BMCs report neither
 * processors nor NICs, got a status patch on nearly every pass that changed nothing: the pass set
 * empty lists, the patch the SDK computed left them out, so the status stored never had them and
 * the next pass saw a difference again (half of the servers' status patches in an audit log).
 */
class InventoryStatusTest {

    private final KubernetesSerialization serialization = new KubernetesSerialization();

    @Test
    void aBmcThatReportsNoProcessorsOrNicsLeavesThemOutOfTheStatus() {
        ServerStatus status = new ServerStatus();
        InventoryStatus.apply(inventory(List.of(), List.of()), status);

        assertNull(status.getProcessors());
        assertNull(status.getNetworkInterfaces());
        String written = serialization.asJson(status);
        assertFalse(written.contains("processors") || written.contains("networkInterfaces"), written);
    }

    @Test
    void theSameInventoryAppliedAgainChangesNothing() {
        for (var inventory : List.of(inventory(List.of(), List.of()), inventory(
                List.of(new ProcessorInfo("CPU1", "CPU", "x86", "x86-64", "Contoso", "C1", 3000, 16, 32)),
                List.of(new NicInfo("NIC1", "aa:bb:cc:dd:ee:01", List.of("10.0.0.5"), "LinkUp"))))) {
            ServerStatus first = new ServerStatus();
            InventoryStatus.apply(inventory, first);
            // What the next pass reads: the status read back from JSON.
            ServerStatus stored = serialization.unmarshal(serialization.asJson(first), ServerStatus.class);
            String before = serialization.asJson(stored);

            InventoryStatus.apply(inventory, stored);

            assertEquals(before, serialization.asJson(stored), "a pass that learns nothing new has nothing to write");
        }
    }

    private static SystemInventory inventory(List<ProcessorInfo> processors, List<NicInfo> nics) {
        return new SystemInventory("/redfish/v1/Systems/1", "uuid-1", "Contoso", "Fleet 1U", null, "SN1", null, 64.0, "Off",
                null, processors, nics);
    }
}
