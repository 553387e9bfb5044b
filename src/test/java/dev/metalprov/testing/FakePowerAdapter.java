package dev.metalprov.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.metalprov.api.v1alpha1.Server;
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

    @Override
    public ServerPowerState powerState(Server server) {
        String name = reachable(server);
        reads.merge(name, 1, Integer::sum);
        ServerPowerState next = pending.remove(name);
        if (next != null) {
            power.put(name, next);
        }
        return power.getOrDefault(name, ServerPowerState.OFF);
    }

    @Override
    public void perform(Server server, PowerAction action) {
        String name = reachable(server);
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
    public String readInventory(Server server) {
        String name = reachable(server);
        record(name, "Inventory");
        var status = server.getStatus();
        status.setManufacturer("Contoso");
        status.setModel("Fake 1U");
        status.setSerialNumber("SN-" + name);
        status.setTotalSystemMemory(new io.fabric8.kubernetes.api.model.Quantity("64Gi"));
        return "/redfish/v1/Systems/" + name;
    }

    @Override
    public void bootOnceFromNetwork(Server server, NetworkBoot boot) {
        record(reachable(server), "BootOnce:" + boot.kind() + (boot.uri() == null ? "" : ":" + boot.uri()));
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
        calls.clear();
        reads.clear();
    }

    private synchronized void record(String server, String action) {
        calls.add(new Call(server, action));
    }

    private String reachable(Server server) {
        String name = server.getMetadata().getName();
        if (unreachable.contains(name)) {
            throw new BmcException(BmcException.CONNECTION_FAILED, "connection to the BMC of " + name + " refused");
        }
        return name;
    }
}
