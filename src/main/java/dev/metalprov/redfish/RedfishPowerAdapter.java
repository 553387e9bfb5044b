package dev.metalprov.redfish;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.metalprov.api.v1alpha1.IndicatorLED;
import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.redfish.Inventory.SystemInventory;
import dev.metalprov.server.BmcException;
import dev.metalprov.server.BmcFailures;
import dev.metalprov.server.Machine;
import dev.metalprov.server.PowerAdapter;

/**
 * The power adapter over Redfish: {@code ComputerSystem.Reset} for power actions, the system's
 * {@code PowerState} to read them back, {@code Boot.BootSourceOverrideEnabled=Once} for the
 * one-time network boot, and the system's resources for the inventory. Every call returns at once.
 *
 * <p>A machine known only by its UUID is found through an index per BMC endpoint, shared by every
 * server behind it: one list of the systems and one GET per system, built again only when a UUID
 * is not in it, and then at most every {@link #REDISCOVERY} per endpoint.
 */
@ApplicationScoped
public class RedfishPowerAdapter implements PowerAdapter {

    /** The shortest time between two listings of one BMC's systems. */
    static final Duration REDISCOVERY = Duration.ofSeconds(30);

    @Inject
    BmcConnections connections;

    @Inject
    Clock clock;

    private final Map<URI, SystemIndex> indexes = new ConcurrentHashMap<>();

    @Override
    public CompletableFuture<ServerPowerState> powerState(Machine machine) {
        return onSystem(machine, Bmc::powerState);
    }

    @Override
    public CompletableFuture<SystemReading> read(Machine machine) {
        return onSystem(machine, Bmc::powerAndIndicator);
    }

    @Override
    public CompletableFuture<IndicatorLED> setIndicatorLED(Machine machine, IndicatorLED led) {
        return onSystem(machine, (bmc, uri) -> bmc.setIndicatorLed(uri, led));
    }

    @Override
    public CompletableFuture<Void> perform(Machine machine, PowerAction action) {
        return onSystem(machine, (bmc, uri) -> bmc.reset(uri, ResetType.valueOf(action.name())));
    }

    @Override
    public CompletableFuture<BootOverride> bootOnceFromNetwork(Machine machine, NetworkBoot boot) {
        return onSystem(machine, (bmc, uri) -> bmc.bootOnce(uri, boot));
    }

    @Override
    public CompletableFuture<SystemInventory> readInventory(Machine machine) {
        return onSystem(machine, Bmc::system);
    }

    /** Finds the machine's system, then does one thing with it; a failure to connect is a failed future too. */
    private <T> CompletableFuture<T> onSystem(Machine machine, BiFunction<Bmc, String, CompletableFuture<T>> action) {
        if (machine.access() == null) {
            return CompletableFuture.failedFuture(new BmcException(BmcException.CONFIGURATION_ERROR,
                    "server " + machine.server() + " has no BMC access"));
        }
        try {
            Bmc bmc = connections.connect(machine.access());
            return systemUri(machine, bmc).thenCompose(uri -> action.apply(bmc, uri)).whenComplete((value, error) -> {
                if (error != null && machine.systemUri() == null && BmcFailures.unwrap(error) instanceof BmcException e
                        && BmcException.SYSTEM_NOT_FOUND.equals(e.reason())) {
                    SystemIndex index = indexes.get(machine.access().endpoint());
                    if (index != null) {
                        index.forget(machine.systemUUID());
                    }
                }
            });
        } catch (BmcException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The system's Redfish path: the machine's, or the one whose UUID is the machine's. */
    CompletableFuture<String> systemUri(Machine machine, Bmc bmc) {
        if (machine.systemUri() != null && !machine.systemUri().isBlank()) {
            return CompletableFuture.completedFuture(machine.systemUri());
        }
        if (machine.systemUUID() == null || machine.systemUUID().isBlank()) {
            return CompletableFuture.failedFuture(new BmcException(BmcException.CONFIGURATION_ERROR, "server "
                    + machine.server() + " names neither a system URI nor a system UUID"));
        }
        return indexes.computeIfAbsent(machine.access().endpoint(), endpoint -> new SystemIndex()).find(bmc,
                machine.systemUUID());
    }

    /** The systems of one BMC endpoint by UUID, listed once and again only when a UUID is missing. */
    private final class SystemIndex {

        private Map<String, String> byUuid = Map.of();
        private Instant listedAt;
        private CompletableFuture<Map<String, String>> listing;

        CompletableFuture<String> find(Bmc bmc, String uuid) {
            String key = uuid.toLowerCase(Locale.ROOT);
            CompletableFuture<Map<String, String>> pending;
            synchronized (this) {
                String known = byUuid.get(key);
                if (known != null) {
                    return CompletableFuture.completedFuture(known);
                }
                if (listing == null) {
                    Instant now = clock.instant();
                    if (listedAt != null && listedAt.plus(REDISCOVERY).isAfter(now)) {
                        return CompletableFuture.failedFuture(notFound(uuid, " (its systems were listed "
                                + Duration.between(listedAt, now).toSeconds() + "s ago; they are listed again at most every "
                                + REDISCOVERY.toSeconds() + "s)"));
                    }
                    listedAt = now;
                    listing = list(bmc);
                    CompletableFuture<Map<String, String>> started = listing;
                    started.whenComplete((found, error) -> {
                        synchronized (this) {
                            if (error == null) {
                                byUuid = found;
                            } else {
                                // a listing that failed is no listing: the next lookup may try again
                                listedAt = null;
                            }
                            listing = null;
                        }
                    });
                }
                pending = listing;
            }
            return pending.thenApply(found -> {
                String uri = found.get(key);
                if (uri == null) {
                    throw notFound(uuid, "");
                }
                return uri;
            });
        }

        synchronized void forget(String uuid) {
            if (uuid == null) {
                return;
            }
            String key = uuid.toLowerCase(Locale.ROOT);
            if (byUuid.containsKey(key)) {
                Map<String, String> rest = new HashMap<>(byUuid);
                rest.remove(key);
                byUuid = Map.copyOf(rest);
            }
        }

        /** One GET of the collection and one of each system: its UUID, nothing of its inventory. */
        private CompletableFuture<Map<String, String>> list(Bmc bmc) {
            return bmc.systemUuids(Map.of()).thenApply(systems -> {
                Map<String, String> byUuid = new HashMap<>();
                systems.forEach((uri, systemUuid) -> {
                    if (systemUuid != null) {
                        byUuid.putIfAbsent(systemUuid.toLowerCase(Locale.ROOT), uri);
                    }
                });
                return Map.copyOf(byUuid);
            });
        }

        private BmcException notFound(String uuid, String note) {
            return new BmcException(BmcException.SYSTEM_NOT_FOUND, "the BMC reports no system with UUID " + uuid + note);
        }
    }
}
