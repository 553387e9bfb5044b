package dev.metalprov.metadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.metalprov.api.v1alpha1.NetworkInterface;
import dev.metalprov.api.v1alpha1.ObjectReference;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.claim.ClaimBindingPolicy;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * Which machine is asking, by the address its request comes from: the one server whose status
 * lists that address among its network interfaces, and the claim bound to it. Answered from the
 * claim reconciler's informer caches, so a request costs no API call. The claim counts only when
 * the binding holds both ways (the server names this incarnation of the claim, and the claim
 * names the server), so a retained server that still points at a deleted claim never sees the
 * user data of a new claim of the same name.
 */
@ApplicationScoped
public class MetadataCallers {

    static final String BY_ADDRESS = "byAddress";

    /** What an address is known as. */
    public sealed interface Caller {
    }

    /** No server lists the address. */
    public record Unknown() implements Caller {
    }

    /** More than one server lists it: answering either could hand out another tenant's data. */
    public record Ambiguous(List<String> servers) implements Caller {
    }

    /** The machine, and the claim bound to it if there is one. */
    public record Machine(Server server, Optional<ServerClaim> claim) implements Caller {
    }

    private volatile IndexerResourceCache<ServerClaim> claims;
    private volatile InformerEventSource<Server, ServerClaim> servers;

    /** Adds the address index to the claim reconciler's server informer; before it starts. */
    public static void indexByAddress(InformerEventSource<Server, ServerClaim> servers) {
        servers.addIndexers(Map.of(BY_ADDRESS, MetadataCallers::addressesOf));
    }

    public void attach(IndexerResourceCache<ServerClaim> claims, InformerEventSource<Server, ServerClaim> servers) {
        this.claims = claims;
        this.servers = servers;
    }

    /** Every address a server's status lists, in canonical form. */
    static List<String> addressesOf(Server server) {
        if (server.getStatus() == null || server.getStatus().getNetworkInterfaces() == null) {
            return List.of();
        }
        List<String> addresses = new ArrayList<>();
        for (NetworkInterface nic : server.getStatus().getNetworkInterfaces()) {
            if (nic == null) {
                continue;
            }
            Addresses.canonical(nic.getIp()).ifPresent(addresses::add);
            if (nic.getIps() != null) {
                nic.getIps().forEach(ip -> Addresses.canonical(ip).ifPresent(addresses::add));
            }
        }
        return addresses.stream().distinct().toList();
    }

    public Caller find(String remoteAddress) {
        Optional<String> address = Addresses.canonical(remoteAddress);
        if (address.isEmpty() || claims == null || servers == null) {
            return new Unknown();
        }
        List<Server> matching;
        try {
            matching = servers.byIndex(BY_ADDRESS, address.get());
        } catch (RuntimeException e) {
            // The operator has not started its informers yet: it knows no machine. (A standby replica
            // has: it runs its informers and only leaves event processing to the leader.)
            return new Unknown();
        }
        if (matching.isEmpty()) {
            return new Unknown();
        }
        if (matching.size() > 1) {
            return new Ambiguous(matching.stream().map(s -> s.getMetadata().getName()).sorted().toList());
        }
        Server server = matching.get(0);
        return new Machine(server, claimOf(server));
    }

    private Optional<ServerClaim> claimOf(Server server) {
        ObjectReference ref = server.getSpec() == null ? null : server.getSpec().getServerClaimRef();
        if (ref == null || ref.getName() == null || ref.getNamespace() == null) {
            return Optional.empty();
        }
        return claims.get(new ResourceID(ref.getName(), ref.getNamespace()))
                .filter(claim -> ClaimBindingPolicy.refersTo(ref, claim))
                .filter(claim -> claim.getSpec() != null && claim.getSpec().getServerRef() != null
                        && Objects.equals(claim.getSpec().getServerRef().getName(), server.getMetadata().getName()));
    }
}
