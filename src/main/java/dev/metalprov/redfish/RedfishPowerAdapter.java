package dev.metalprov.redfish;

import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.metalprov.api.v1alpha1.IndicatorLED;
import dev.metalprov.api.v1alpha1.NetworkInterface;
import dev.metalprov.api.v1alpha1.Processor;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.api.v1alpha1.ServerStatus;
import dev.metalprov.server.BmcException;
import dev.metalprov.server.PowerAdapter;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * The power adapter over Redfish: {@code ComputerSystem.Reset} for power actions, the system's
 * {@code PowerState} to read them back, {@code Boot.BootSourceOverrideEnabled=Once} for the
 * one-time network boot, and the system's resources for the inventory.
 */
@ApplicationScoped
public class RedfishPowerAdapter implements PowerAdapter {

    @Inject
    BmcConnections connections;

    /** Systems found by UUID, so that each is looked up once per server. */
    private final Map<String, String> systemUris = new ConcurrentHashMap<>();

    @Override
    public ServerPowerState powerState(Server server) {
        Bmc bmc = connections.forServer(server);
        return bmc.powerState(systemUri(server, bmc));
    }

    @Override
    public void perform(Server server, PowerAction action) {
        Bmc bmc = connections.forServer(server);
        bmc.reset(systemUri(server, bmc), ResetType.valueOf(action.name()));
    }

    @Override
    public void bootOnceFromNetwork(Server server, NetworkBoot boot) {
        Bmc bmc = connections.forServer(server);
        bmc.bootOnce(systemUri(server, bmc), boot);
    }

    @Override
    public String readInventory(Server server) {
        Bmc bmc = connections.forServer(server);
        String uri = systemUri(server, bmc);
        Inventory.SystemInventory system = bmc.system(uri);
        ServerStatus status = server.getStatus();
        status.setManufacturer(system.manufacturer());
        status.setModel(system.model());
        status.setSku(system.sku());
        status.setSerialNumber(system.serialNumber());
        status.setBiosVersion(system.biosVersion());
        if (system.totalMemoryGiB() != null) {
            status.setTotalSystemMemory(new Quantity(BigDecimal.valueOf(system.totalMemoryGiB()).stripTrailingZeros().toPlainString(), "Gi"));
        }
        if (system.indicatorLED() != null) {
            java.util.Arrays.stream(IndicatorLED.values()).filter(l -> l.value().equals(system.indicatorLED())).findFirst()
                    .ifPresent(status::setIndicatorLED);
        }
        status.setProcessors(system.processors().stream().map(RedfishPowerAdapter::processor).toList());
        status.setNetworkInterfaces(system.nics().stream().map(RedfishPowerAdapter::networkInterface).toList());
        return uri;
    }

    /** The system's Redfish path: spec.systemURI, or the system whose UUID is the server's. */
    String systemUri(Server server, Bmc bmc) {
        if (server.getSpec().getSystemURI() != null && !server.getSpec().getSystemURI().isBlank()) {
            return server.getSpec().getSystemURI();
        }
        String name = server.getMetadata().getName();
        String cached = systemUris.get(name);
        if (cached != null) {
            return cached;
        }
        String uuid = server.getSpec().getSystemUUID();
        for (String uri : bmc.systemUris()) {
            if (uuid.equalsIgnoreCase(bmc.system(uri).uuid())) {
                systemUris.put(name, uri);
                return uri;
            }
        }
        throw new BmcException(BmcException.SYSTEM_NOT_FOUND, "the BMC reports no system with UUID " + uuid);
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
