package dev.metalprov.redfish;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.server.BmcException;
import dev.metalprov.server.PowerAdapter;

/**
 * The power adapter over Redfish: {@code ComputerSystem.Reset} for power actions, the
 * system's {@code PowerState} to read them back, and {@code Boot.BootSourceOverrideEnabled=Once}
 * for the one-time network boot.
 */
@ApplicationScoped
public class RedfishPowerAdapter implements PowerAdapter {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(20);

    @Inject
    BmcAccessResolver resolver;

    /** Systems found by UUID, so that each is looked up once per server. */
    private final Map<String, String> systemUris = new ConcurrentHashMap<>();

    /** One HTTP client per BMC and credentials; a changed secret or address makes a new one. */
    private final Map<BmcAccess, RedfishClient> clients = new ConcurrentHashMap<>();

    @Override
    public ServerPowerState powerState(Server server) {
        RedfishClient client = client(server);
        JsonNode system = client.get(systemUri(server, client));
        return parsePowerState(system.path("PowerState").asText(null));
    }

    @Override
    public void powerOn(Server server) {
        reset(server, "On");
    }

    @Override
    public void powerOff(Server server, boolean force) {
        reset(server, force ? "ForceOff" : "GracefulShutdown");
    }

    @Override
    public void bootOnceFromNetwork(Server server, NetworkBoot boot) {
        RedfishClient client = client(server);
        Map<String, Object> override = boot.kind() == NetworkBoot.Kind.UEFI_HTTP
                ? Map.of("BootSourceOverrideEnabled", "Once", "BootSourceOverrideTarget", "UefiHttp", "HttpBootUri", boot.uri())
                : Map.of("BootSourceOverrideEnabled", "Once", "BootSourceOverrideTarget", "Pxe");
        client.patch(systemUri(server, client), Map.of("Boot", override));
    }

    private void reset(Server server, String resetType) {
        RedfishClient client = client(server);
        String system = systemUri(server, client);
        String target = client.get(system).path("Actions").path("#ComputerSystem.Reset").path("target")
                .asText(system + "/Actions/ComputerSystem.Reset");
        client.post(target, Map.of("ResetType", resetType));
    }

    /** The system's Redfish path: spec.systemURI, or the system whose UUID is the server's. */
    String systemUri(Server server, RedfishClient client) {
        if (server.getSpec().getSystemURI() != null && !server.getSpec().getSystemURI().isBlank()) {
            return server.getSpec().getSystemURI();
        }
        String name = server.getMetadata().getName();
        String cached = systemUris.get(name);
        if (cached != null) {
            return cached;
        }
        String uuid = server.getSpec().getSystemUUID();
        for (JsonNode member : client.get("/redfish/v1/Systems").path("Members")) {
            String path = member.path("@odata.id").asText();
            if (uuid.equalsIgnoreCase(client.get(path).path("UUID").asText())) {
                systemUris.put(name, path);
                return path;
            }
        }
        throw new BmcException(BmcException.SYSTEM_NOT_FOUND, "the BMC reports no system with UUID " + uuid);
    }

    private RedfishClient client(Server server) {
        return clients.computeIfAbsent(resolver.resolve(server), access -> new RedfishClient(access, CONNECT_TIMEOUT, READ_TIMEOUT));
    }

    static ServerPowerState parsePowerState(String value) {
        return Optional.ofNullable(value).flatMap(v -> java.util.Arrays.stream(ServerPowerState.values())
                .filter(s -> s.value().equals(v)).findFirst())
                .orElseThrow(() -> new BmcException(BmcException.INTERNAL_SERVER_ERROR, "unknown PowerState " + value));
    }
}
