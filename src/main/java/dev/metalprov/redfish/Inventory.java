package dev.metalprov.redfish;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** What a BMC tells about the machines it manages and about itself. */
public interface Inventory {

    /** The {@code @odata.id} of every system the BMC manages: one request. */
    CompletableFuture<List<String>> systemUris();

    /** The UUID of one system: one request, no walk of its inventory. */
    CompletableFuture<String> systemUuid(String systemUri);

    /**
     * Each system's UUID by its path, in the order the BMC lists them: one request for the list,
     * and one per system that {@code known} (path to UUID, from an earlier call) does not hold.
     * A system that reports no UUID maps to null.
     */
    default CompletableFuture<Map<String, String>> systemUuids(Map<String, String> known) {
        return systemUris().thenCompose(uris -> {
            List<CompletableFuture<String>> uuids = uris.stream()
                    .map(uri -> known.containsKey(uri) ? CompletableFuture.completedFuture(known.get(uri)) : systemUuid(uri))
                    .toList();
            return CompletableFuture.allOf(uuids.toArray(CompletableFuture[]::new)).thenApply(done -> {
                Map<String, String> systems = new LinkedHashMap<>();
                for (int i = 0; i < uris.size(); i++) {
                    systems.put(uris.get(i), uuids.get(i).join());
                }
                return systems;
            });
        });
    }

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
