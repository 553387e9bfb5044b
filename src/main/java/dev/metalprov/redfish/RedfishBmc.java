package dev.metalprov.redfish;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import dev.metalprov.api.v1alpha1.IndicatorLED;
import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.server.BmcException;
import dev.metalprov.server.BmcFailures;
import dev.metalprov.server.PowerAdapter.BootOverride;
import dev.metalprov.server.PowerAdapter.NetworkBoot;
import dev.metalprov.server.PowerAdapter.SystemReading;

/** The capabilities of {@link Bmc} over Redfish, each a chain of requests that holds no thread. */
public class RedfishBmc implements Bmc {

    private static final Logger LOG = Logger.getLogger(RedfishBmc.class);

    private final RedfishClient client;

    public RedfishBmc(RedfishClient client) {
        this.client = client;
    }

    public BmcAccess access() {
        return client.access();
    }

    RedfishClient client() {
        return client;
    }

    @Override
    public CompletableFuture<ServerPowerState> powerState(String systemUri) {
        return client.get(systemUri).thenApply(system -> power(systemUri, system));
    }

    private static ServerPowerState power(String systemUri, JsonNode system) {
        String value = system.path("PowerState").asText(null);
        return Arrays.stream(ServerPowerState.values()).filter(s -> s.value().equals(value)).findFirst()
                .orElseThrow(() -> new BmcException(BmcException.INTERNAL_SERVER_ERROR,
                        systemUri + " reports the unknown PowerState " + value));
    }

    @Override
    public CompletableFuture<SystemReading> powerAndIndicator(String systemUri) {
        return client.get(systemUri).thenApply(system -> new SystemReading(power(systemUri, system), led(system)));
    }

    @Override
    public CompletableFuture<IndicatorLED> setIndicatorLed(String systemUri, IndicatorLED led) {
        return client.patch(systemUri, Map.of("IndicatorLED", led.value()))
                .thenCompose(patched -> client.get(systemUri))
                .thenApply(RedfishBmc::led);
    }

    private static IndicatorLED led(JsonNode system) {
        String value = text(system, "IndicatorLED");
        return value == null ? null : Arrays.stream(IndicatorLED.values()).filter(l -> l.value().equals(value)).findFirst().orElse(null);
    }

    @Override
    public CompletableFuture<Void> reset(String systemUri, ResetType type) {
        return client.get(systemUri)
                .thenCompose(system -> client.post(system.path("Actions").path("#ComputerSystem.Reset").path("target")
                        .asText(systemUri + "/Actions/ComputerSystem.Reset"), Map.of("ResetType", type.value())))
                .thenApply(answer -> null);
    }

    @Override
    public CompletableFuture<BootOverride> bootOnce(String systemUri, NetworkBoot boot) {
        Map<String, Object> override = new LinkedHashMap<>();
        override.put("BootSourceOverrideEnabled", "Once");
        override.put("BootSourceOverrideTarget", boot.kind().target());
        if (boot.kind() == NetworkBoot.Kind.UEFI_HTTP) {
            override.put("HttpBootUri", boot.uri());
        }
        return client.patch(systemUri, Map.of("Boot", override))
                .thenCompose(patched -> client.get(systemUri))
                .thenApply(system -> {
                    JsonNode applied = system.path("Boot");
                    BootOverride read = new BootOverride(text(applied, "BootSourceOverrideEnabled"),
                            text(applied, "BootSourceOverrideTarget"));
                    if (!read.bootsFrom(boot) || !read.once()) {
                        LOG.debugf("%s was asked for a one-time %s boot and reads back %s", systemUri, boot.kind().target(), read);
                    }
                    return read;
                });
    }

    @Override
    public CompletableFuture<List<String>> systemUris() {
        return client.get("/redfish/v1/Systems").thenApply(collection -> {
            List<String> uris = new ArrayList<>();
            collection.path("Members").forEach(m -> uris.add(m.path("@odata.id").asText()));
            return uris;
        });
    }

    @Override
    public CompletableFuture<String> systemUuid(String systemUri) {
        return client.get(systemUri).thenApply(system -> text(system, "UUID"));
    }

    @Override
    public CompletableFuture<SystemInventory> system(String systemUri) {
        return client.get(systemUri).thenCompose(system -> {
            CompletableFuture<List<ProcessorInfo>> processors = members(system.path("Processors"))
                    .thenCompose(links -> all(links, p -> new ProcessorInfo(p.path("Id").asText(), text(p, "ProcessorType"),
                            text(p, "ProcessorArchitecture"), text(p, "InstructionSet"), text(p, "Manufacturer"),
                            text(p, "Model"), integer(p, "MaxSpeedMHz"), integer(p, "TotalCores"), integer(p, "TotalThreads"))));
            CompletableFuture<List<NicInfo>> nics = members(system.path("EthernetInterfaces"))
                    .thenCompose(links -> all(links, n -> {
                        List<String> ips = new ArrayList<>();
                        n.path("IPv4Addresses").forEach(a -> ips.add(a.path("Address").asText()));
                        n.path("IPv6Addresses").forEach(a -> ips.add(a.path("Address").asText()));
                        return new NicInfo(n.path("Id").asText(n.path("Name").asText()), text(n, "MACAddress"),
                                ips.stream().filter(ip -> !ip.isBlank()).toList(), text(n, "LinkStatus"));
                    }));
            return processors.thenCombine(nics, (p, n) -> {
                JsonNode memory = system.path("MemorySummary").path("TotalSystemMemoryGiB");
                return new SystemInventory(systemUri, text(system, "UUID"), text(system, "Manufacturer"), text(system, "Model"),
                        text(system, "SKU"), text(system, "SerialNumber"), text(system, "BiosVersion"),
                        memory.isNumber() ? memory.asDouble() : null, text(system, "PowerState"), text(system, "IndicatorLED"),
                        p, n);
            });
        });
    }

    @Override
    public CompletableFuture<ManagerInfo> manager() {
        return client.get("/redfish/v1/Managers").thenCompose(collection -> {
            JsonNode managers = collection.path("Members");
            if (!managers.isArray() || managers.isEmpty()) {
                return CompletableFuture.failedFuture(new BmcException(BmcException.INTERNAL_SERVER_ERROR,
                        client.access().endpoint() + " lists no manager"));
            }
            return client.get(managers.get(0).path("@odata.id").asText()).thenApply(m -> new ManagerInfo(text(m, "UUID"),
                    text(m, "Manufacturer"), text(m, "Model"), text(m, "SerialNumber"), text(m, "FirmwareVersion"),
                    text(m, "PowerState")));
        });
    }

    @Override
    public void close() {
        client.close();
    }

    /** Every member of a list of links read (at once, within the endpoint's cap), in order. */
    private <T> CompletableFuture<List<T>> all(List<String> links, java.util.function.Function<JsonNode, T> read) {
        List<CompletableFuture<T>> reads = links.stream().map(link -> client.get(link).thenApply(read)).toList();
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
                .thenApply(done -> reads.stream().map(CompletableFuture::join).toList());
    }

    /** The member links of a linked collection; a BMC that links one it cannot serve has none. */
    private CompletableFuture<List<String>> members(JsonNode link) {
        String collection = link.path("@odata.id").asText("");
        if (collection.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        return client.get(collection).handle((json, error) -> {
            if (error == null) {
                List<String> members = new ArrayList<>();
                json.path("Members").forEach(m -> members.add(m.path("@odata.id").asText()));
                return CompletableFuture.completedFuture(members);
            }
            Throwable cause = BmcFailures.unwrap(error);
            if (cause instanceof BmcException e && !BmcException.AUTHENTICATION_FAILED.equals(e.reason())
                    && !BmcException.CONNECTION_FAILED.equals(e.reason()) && !BmcException.TLS_FAILED.equals(e.reason())) {
                LOG.debugf("%s cannot be read: %s", collection, e.getMessage());
                return CompletableFuture.completedFuture(List.<String> of());
            }
            return CompletableFuture.<List<String>> failedFuture(cause);
        }).thenCompose(f -> f);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() ? value.asText() : null;
    }

    private static Integer integer(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isNumber() ? value.asInt() : null;
    }
}
