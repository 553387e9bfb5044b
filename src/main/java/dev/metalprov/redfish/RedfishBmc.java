package dev.metalprov.redfish;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.server.BmcException;
import dev.metalprov.server.PowerAdapter.NetworkBoot;

/** The capabilities of {@link Bmc} over Redfish. */
public class RedfishBmc implements Bmc {

    private static final Logger LOG = Logger.getLogger(RedfishBmc.class);

    private final RedfishClient client;

    public RedfishBmc(RedfishClient client) {
        this.client = client;
    }

    public BmcAccess access() {
        return client.access();
    }

    @Override
    public ServerPowerState powerState(String systemUri) {
        String value = client.get(systemUri).path("PowerState").asText(null);
        return Arrays.stream(ServerPowerState.values()).filter(s -> s.value().equals(value)).findFirst()
                .orElseThrow(() -> new BmcException(BmcException.INTERNAL_SERVER_ERROR,
                        systemUri + " reports the unknown PowerState " + value));
    }

    @Override
    public void reset(String systemUri, ResetType type) {
        String target = client.get(systemUri).path("Actions").path("#ComputerSystem.Reset").path("target")
                .asText(systemUri + "/Actions/ComputerSystem.Reset");
        client.post(target, Map.of("ResetType", type.value()));
    }

    @Override
    public void bootOnce(String systemUri, NetworkBoot boot) {
        Map<String, Object> override = new LinkedHashMap<>();
        override.put("BootSourceOverrideEnabled", "Once");
        override.put("BootSourceOverrideTarget", boot.kind() == NetworkBoot.Kind.UEFI_HTTP ? "UefiHttp" : "Pxe");
        if (boot.kind() == NetworkBoot.Kind.UEFI_HTTP) {
            override.put("HttpBootUri", boot.uri());
        }
        client.patch(systemUri, Map.of("Boot", override));
        JsonNode applied = client.get(systemUri).path("Boot");
        String target = applied.path("BootSourceOverrideTarget").asText();
        if (!override.get("BootSourceOverrideTarget").equals(target)) {
            throw new BmcException(BmcException.INTERNAL_SERVER_ERROR, systemUri + " accepted the one-time "
                    + override.get("BootSourceOverrideTarget") + " boot but reads back "
                    + applied.path("BootSourceOverrideEnabled").asText() + "/" + target);
        }
        String enabled = applied.path("BootSourceOverrideEnabled").asText();
        if (!"Once".equals(enabled)) {
            // Some BMCs (sushy-tools' emulator among them) keep every override continuous: the
            // machine boots from the network as asked, but will again on every boot.
            LOG.warnf("%s keeps the %s boot override %s rather than Once", systemUri, target, enabled);
        }
    }

    @Override
    public List<String> systemUris() {
        List<String> uris = new ArrayList<>();
        client.get("/redfish/v1/Systems").path("Members").forEach(m -> uris.add(m.path("@odata.id").asText()));
        return uris;
    }

    @Override
    public SystemInventory system(String systemUri) {
        JsonNode system = client.get(systemUri);
        List<ProcessorInfo> processors = new ArrayList<>();
        for (JsonNode member : members(system.path("Processors"))) {
            JsonNode p = client.get(member.path("@odata.id").asText());
            processors.add(new ProcessorInfo(p.path("Id").asText(), text(p, "ProcessorType"), text(p, "ProcessorArchitecture"),
                    text(p, "InstructionSet"), text(p, "Manufacturer"), text(p, "Model"), integer(p, "MaxSpeedMHz"),
                    integer(p, "TotalCores"), integer(p, "TotalThreads")));
        }
        List<NicInfo> nics = new ArrayList<>();
        for (JsonNode member : members(system.path("EthernetInterfaces"))) {
            JsonNode n = client.get(member.path("@odata.id").asText());
            List<String> ips = new ArrayList<>();
            n.path("IPv4Addresses").forEach(a -> ips.add(a.path("Address").asText()));
            n.path("IPv6Addresses").forEach(a -> ips.add(a.path("Address").asText()));
            nics.add(new NicInfo(n.path("Id").asText(n.path("Name").asText()), text(n, "MACAddress"),
                    ips.stream().filter(ip -> !ip.isBlank()).toList(), text(n, "LinkStatus")));
        }
        JsonNode memory = system.path("MemorySummary").path("TotalSystemMemoryGiB");
        return new SystemInventory(systemUri, text(system, "UUID"), text(system, "Manufacturer"), text(system, "Model"),
                text(system, "SKU"), text(system, "SerialNumber"), text(system, "BiosVersion"),
                memory.isNumber() ? memory.asDouble() : null, text(system, "PowerState"), text(system, "IndicatorLED"),
                processors, nics);
    }

    @Override
    public ManagerInfo manager() {
        JsonNode managers = client.get("/redfish/v1/Managers").path("Members");
        if (!managers.isArray() || managers.isEmpty()) {
            throw new BmcException(BmcException.INTERNAL_SERVER_ERROR, client.access().endpoint() + " lists no manager");
        }
        JsonNode m = client.get(managers.get(0).path("@odata.id").asText());
        return new ManagerInfo(text(m, "UUID"), text(m, "Manufacturer"), text(m, "Model"), text(m, "SerialNumber"),
                text(m, "FirmwareVersion"), text(m, "PowerState"));
    }

    @Override
    public void close() {
        client.close();
    }

    /** The members of a linked collection; a BMC that links one it cannot serve has none. */
    private List<JsonNode> members(JsonNode link) {
        String collection = link.path("@odata.id").asText("");
        if (collection.isEmpty()) {
            return List.of();
        }
        List<JsonNode> members = new ArrayList<>();
        try {
            client.get(collection).path("Members").forEach(members::add);
        } catch (BmcException e) {
            if (BmcException.AUTHENTICATION_FAILED.equals(e.reason()) || BmcException.CONNECTION_FAILED.equals(e.reason())) {
                throw e;
            }
            LOG.debugf("%s cannot be read: %s", collection, e.getMessage());
        }
        return members;
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
