package dev.metalprov.boot;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.metalprov.api.v1alpha1.ObjectReference;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerBootConfiguration;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * Which boot configuration a machine asking by SMBIOS UUID is booting: the server with that
 * UUID, and the configuration its {@code spec.bootConfigurationRef} names, provided that
 * configuration names the server back. Answered from the boot reconciler's informer caches, so
 * a request to the boot server costs no API call.
 */
@ApplicationScoped
public class BootTargets {

    static final String BY_UUID = "bySystemUUID";

    /** A machine and what it boots. */
    public record Target(Server server, ServerBootConfiguration configuration) {
    }

    private volatile IndexerResourceCache<ServerBootConfiguration> configurations;
    private volatile InformerEventSource<Server, ServerBootConfiguration> servers;

    static void indexByUuid(InformerEventSource<Server, ServerBootConfiguration> servers) {
        servers.addIndexers(Map.of(BY_UUID, s -> s.getSpec() == null || s.getSpec().getSystemUUID() == null ? List.of()
                : List.of(s.getSpec().getSystemUUID().toLowerCase(Locale.ROOT))));
    }

    void attach(IndexerResourceCache<ServerBootConfiguration> configurations,
            InformerEventSource<Server, ServerBootConfiguration> servers) {
        this.configurations = configurations;
        this.servers = servers;
    }

    public Optional<Target> find(String uuid) {
        if (configurations == null || servers == null || uuid == null) {
            return Optional.empty();
        }
        List<Server> matching;
        try {
            matching = servers.byIndex(BY_UUID, uuid.toLowerCase(Locale.ROOT));
        } catch (RuntimeException e) {
            // The operator has not started its informers yet: it knows no machine. (A standby replica
            // has: it runs its informers and only leaves event processing to the leader.)
            return Optional.empty();
        }
        // Two servers claiming one UUID is a misconfiguration; serving either could hand out the wrong Ignition.
        if (matching.size() != 1) {
            return Optional.empty();
        }
        Server server = matching.get(0);
        ObjectReference ref = server.getSpec().getBootConfigurationRef();
        if (ref == null) {
            return Optional.empty();
        }
        return configurations.get(new ResourceID(ref.getName(), ref.getNamespace()))
                .filter(c -> c.getSpec() != null && c.getSpec().getServerRef() != null
                        && server.getMetadata().getName().equals(c.getSpec().getServerRef().getName()))
                .map(c -> new Target(server, c));
    }
}
