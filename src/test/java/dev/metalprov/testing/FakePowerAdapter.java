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

    @Override
    public ServerPowerState powerState(Server server) {
        String name = reachable(server);
        ServerPowerState next = pending.remove(name);
        if (next != null) {
            power.put(name, next);
        }
        return power.getOrDefault(name, ServerPowerState.OFF);
    }

    @Override
    public void powerOn(Server server) {
        String name = reachable(server);
        record(name, "On");
        if (power.getOrDefault(name, ServerPowerState.OFF) != ServerPowerState.ON) {
            power.put(name, ServerPowerState.POWERING_ON);
            pending.put(name, ServerPowerState.ON);
        }
    }

    @Override
    public void powerOff(Server server, boolean force) {
        String name = reachable(server);
        record(name, force ? "ForceOff" : "GracefulShutdown");
        if (!force && ignoresGracefulShutdown.contains(name)) {
            return;
        }
        if (power.getOrDefault(name, ServerPowerState.OFF) != ServerPowerState.OFF) {
            power.put(name, ServerPowerState.POWERING_OFF);
            pending.put(name, ServerPowerState.OFF);
        }
    }

    @Override
    public void bootOnceFromNetwork(Server server, NetworkBoot boot) {
        record(reachable(server), "BootOnce:" + boot.kind());
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
