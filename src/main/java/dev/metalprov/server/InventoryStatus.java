package dev.metalprov.server;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;

import dev.metalprov.api.v1alpha1.IndicatorLED;
import dev.metalprov.api.v1alpha1.NetworkInterface;
import dev.metalprov.api.v1alpha1.Processor;
import dev.metalprov.api.v1alpha1.ServerStatus;
import dev.metalprov.redfish.Inventory;
import dev.metalprov.redfish.Inventory.SystemInventory;
import io.fabric8.kubernetes.api.model.Quantity;

/** Writes what a BMC reported of a machine into the server's status. */
final class InventoryStatus {

    private InventoryStatus() {
    }

    static void apply(SystemInventory system, ServerStatus status) {
        status.setManufacturer(system.manufacturer());
        status.setModel(system.model());
        status.setSku(system.sku());
        status.setSerialNumber(system.serialNumber());
        status.setBiosVersion(system.biosVersion());
        if (system.totalMemoryGiB() != null) {
            status.setTotalSystemMemory(new Quantity(BigDecimal.valueOf(system.totalMemoryGiB()).stripTrailingZeros().toPlainString(), "Gi"));
        }
        if (system.indicatorLED() != null) {
            Arrays.stream(IndicatorLED.values()).filter(l -> l.value().equals(system.indicatorLED())).findFirst()
                    .ifPresent(status::setIndicatorLED);
        }
        // None reported is left out, as the status is stored: an empty list here would make every pass
        // look like a change and send a status patch that changes nothing.
        status.setProcessors(noneAsNull(system.processors().stream().map(InventoryStatus::processor).toList()));
        status.setNetworkInterfaces(noneAsNull(system.nics().stream().map(InventoryStatus::networkInterface).toList()));
    }

    private static <T> List<T> noneAsNull(List<T> items) {
        return items.isEmpty() ? null : items;
    }

    private static Processor processor(Inventory.ProcessorInfo p) {
        Processor processor = new Processor();
        processor.setId(p.id());
        processor.setType(p.type());
        processor.setArchitecture(p.architecture());
        processor.setInstructionSet(p.instructionSet());
        processor.setManufacturer(p.manufacturer());
        processor.setModel(p.model());
        processor.setMaxSpeedMHz(p.maxSpeedMHz());
        processor.setTotalCores(p.totalCores());
        processor.setTotalThreads(p.totalThreads());
        return processor;
    }

    private static NetworkInterface networkInterface(Inventory.NicInfo n) {
        NetworkInterface nic = new NetworkInterface();
        nic.setName(n.name());
        nic.setMacAddress(n.macAddress() == null ? "" : n.macAddress());
        nic.setIps(n.ips().isEmpty() ? null : n.ips());
        nic.setCarrierStatus(n.linkStatus());
        return nic;
    }
}
