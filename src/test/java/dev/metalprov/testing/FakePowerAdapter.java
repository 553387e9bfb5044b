package dev.metalprov.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import dev.metalprov.redfish.Inventory;
import dev.metalprov.redfish.Inventory.SystemInventory;
import dev.metalprov.server.Machine;
import dev.metalprov.api.v1alpha1.IndicatorLED;
import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.server.BmcException;
import dev.metalprov.server.PowerAdapter;
import io.quarkus.test.Mock;

/**
 * A stand-in for the BMCs of the servers in a test: machines that start Off, take one read to
 * finish a power transition (as a real BMC takes a while), can be made unreachable or stuck,
 * and remember every request in order.
 */
@Mock
@ApplicationScoped
public class FakePowerAdapter implements PowerAdapter {

    public record Call(String server, String action) {
    }

    private final Map<String, ServerPowerState> power = new ConcurrentHashMap<>();
    private final Map<String, ServerPowerState> pending = new ConcurrentHashMap<>();
    private final Set<String> unreachable = ConcurrentHashMap.newKeySet();
    private final Set<String> ignoresGracefulShutdown = ConcurrentHashMap.newKeySet();
    private final List<Call> calls = new ArrayList<>();
    private final Map<String, Integer> reads = new ConcurrentHashMap<>();
    private final Map<String, IndicatorLED> leds = new ConcurrentHashMap<>();

    /** Answers come from another thread, as a real BMC's do. */
    private final ExecutorService answers = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "fake-bmc");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<String> revertsBootOverride = ConcurrentHashMap.newKeySet();
    private final Map<String, List<String>> addresses = new ConcurrentHashMap<>();

    private <T> CompletableFuture<T> answer(Machine machine, Function<String, T> call) {
        return CompletableFuture.supplyAsync(() -> call.apply(reachable(machine)), answers);
    }

    @Override
    public CompletableFuture<ServerPowerState> powerState(Machine machine) {
        return answer(machine, this::readPower);
    }

    private ServerPowerState readPower(String name) {
        reads.merge(name, 1, Integer::sum);
        ServerPowerState next = pending.remove(name);
        if (next != null) {
            power.put(name, next);
        }
        return power.getOrDefault(name, ServerPowerState.OFF);
    }

    @Override
    public CompletableFuture<Void> perform(Machine machine, PowerAction action) {
        return answer(machine, name -> {
            act(name, action);
            return null;
        });
    }

    private void act(String name, PowerAction action) {
        record(name, switch (action) {
            case ON -> "On";
            case FORCE_ON -> "ForceOn";
            case GRACEFUL_SHUTDOWN -> "GracefulShutdown";
            case FORCE_OFF -> "ForceOff";
            case GRACEFUL_RESTART -> "GracefulRestart";
            case FORCE_RESTART -> "ForceRestart";
            case POWER_CYCLE -> "PowerCycle";
        });
        if (action == PowerAction.GRACEFUL_SHUTDOWN && ignoresGracefulShutdown.contains(name)) {
            return;
        }
        ServerPowerState now = power.getOrDefault(name, ServerPowerState.OFF);
        switch (action) {
            case ON, FORCE_ON -> transition(name, now, ServerPowerState.ON, ServerPowerState.POWERING_ON);
            case GRACEFUL_SHUTDOWN, FORCE_OFF -> transition(name, now, ServerPowerState.OFF, ServerPowerState.POWERING_OFF);
            default -> transition(name, ServerPowerState.OFF, ServerPowerState.ON, ServerPowerState.POWERING_ON);
        }
    }

    private void transition(String name, ServerPowerState now, ServerPowerState target, ServerPowerState via) {
        if (now != target) {
            power.put(name, via);
            pending.put(name, target);
        }
    }

    @Override
    public CompletableFuture<SystemInventory> readInventory(Machine machine) {
        return answer(machine, name -> {
            record(name, "Inventory");
            return new SystemInventory("/redfish/v1/Systems/" + name, machine.systemUUID(), "Contoso", "Fake 1U", null, "SN-" + name,
                    null, 64.0, power.getOrDefault(name, ServerPowerState.OFF).value(), null, List.of(),
                    addresses.containsKey(name) ? List.of(new Inventory.NicInfo("NIC1", "52:54:00:00:aa:01", addresses.get(name), "LinkUp"))
                            : List.of());
        });
    }

    @Override
    public CompletableFuture<SystemReading> read(Machine machine) {
        return answer(machine, name -> new SystemReading(readPower(name), leds.get(name)));
    }

    @Override
    public CompletableFuture<IndicatorLED> setIndicatorLED(Machine machine, IndicatorLED led) {
        return answer(machine, name -> {
            record(name, "IndicatorLED:" + led);
            leds.put(name, led);
            return led;
        });
    }

    /** The indicator LED of a server's system, as set from outside (someone pressing the button). */
    public void setLed(String server, IndicatorLED led) {
        leds.put(server, led);
    }

    public IndicatorLED led(String server) {
        return leds.get(server);
    }

    @Override
    public CompletableFuture<BootOverride> bootOnceFromNetwork(Machine machine, NetworkBoot boot) {
        return answer(machine, name -> {
            record(name, "BootOnce:" + boot.kind() + (boot.uri() == null ? "" : ":" + boot.uri()));
            return revertsBootOverride.contains(name) ? new BootOverride("Disabled", boot.kind().target())
                    : new BootOverride("Once", boot.kind().target());
        });
    }

    /** The BMC of this server accepts the one-time network boot but reads back Disabled. */
    public void revertBootOverride(String server, boolean reverts) {
        if (reverts) {
            revertsBootOverride.add(server);
        } else {
            revertsBootOverride.remove(server);
        }
    }

    /** The addresses this server's one network interface reports from now on (read with the inventory). */
    public void addresses(String server, String... ips) {
        addresses.put(server, List.of(ips));
    }

    public void setPower(String server, ServerPowerState state) {
        power.put(server, state);
        pending.remove(server);
    }

    public ServerPowerState power(String server) {
        return power.getOrDefault(server, ServerPowerState.OFF);
    }

    public void setUnreachable(String server, boolean down) {
        if (down) {
            unreachable.add(server);
        } else {
            unreachable.remove(server);
        }
    }

    public void ignoreGracefulShutdown(String server) {
        ignoresGracefulShutdown.add(server);
    }

    /** How often the power of a server was read. */
    public int reads(String server) {
        return reads.getOrDefault(server, 0);
    }

    public synchronized List<Call> calls(String server) {
        return calls.stream().filter(c -> c.server().equals(server)).toList();
    }

    public synchronized List<String> actions(String server) {
        return calls(server).stream().map(Call::action).toList();
    }

    public synchronized void reset() {
        power.clear();
        pending.clear();
        unreachable.clear();
        ignoresGracefulShutdown.clear();
        revertsBootOverride.clear();
        addresses.clear();
        calls.clear();
        reads.clear();
        leds.clear();
    }

    private synchronized void record(String server, String action) {
        calls.add(new Call(server, action));
    }

    private String reachable(Machine machine) {
        String name = machine.server();
        if (unreachable.contains(name)) {
            throw new BmcException(BmcException.CONNECTION_FAILED, "connection to the BMC of " + name + " refused");
        }
        return name;
    }
}
