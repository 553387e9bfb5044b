package dev.metalprov.redfish;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** What a BMC tells about the machines it manages and about itself. */
public interface Inventory {

    /** The {@code @odata.id} of every system the BMC manages: one request. */
    CompletableFuture<List<String>> systemUris();

    /** The UUID of one system: one request, no walk of its inventory. */
    CompletableFuture<String> systemUuid(String systemUri);

    /** The whole inventory of one system (processors, network interfaces): a request per part. */
    CompletableFuture<SystemInventory> system(String systemUri);

    CompletableFuture<ManagerInfo> manager();

    /** A system as the BMC describes it. */
    record SystemInventory(String uri, String uuid, String manufacturer, String model, String sku, String serialNumber,
            String biosVersion, Double totalMemoryGiB, String powerState, String indicatorLED,
            List<ProcessorInfo> processors, List<NicInfo> nics) {
    }

    record ProcessorInfo(String id, String type, String architecture, String instructionSet, String manufacturer,
            String model, Integer maxSpeedMHz, Integer totalCores, Integer totalThreads) {
    }

    record NicInfo(String name, String macAddress, List<String> ips, String linkStatus) {
    }

    record ManagerInfo(String uuid, String manufacturer, String model, String serialNumber, String firmwareVersion,
            String powerState) {
    }
}
