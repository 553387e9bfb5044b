package dev.metalprov.server;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The last power action issued per server and when, so that a reconcile reading the power back
 * does not ask the BMC again while a transition is under way, and knows when a graceful
 * shutdown has run out of time. Lost on restart, which costs at most one repeated request.
 */
@ApplicationScoped
public class PowerRequests {

    public enum Action {
        ON,
        GRACEFUL_OFF,
        FORCE_OFF
    }

    public record Request(Action action, Instant issuedAt) {
    }

    private final Map<String, Request> requests = new ConcurrentHashMap<>();

    public Optional<Request> last(String server) {
        return Optional.ofNullable(requests.get(server));
    }

    public void issued(String server, Action action, Instant now) {
        requests.put(server, new Request(action, now));
    }

    /** The server reached the power it was asked for. */
    public void settled(String server) {
        requests.remove(server);
    }
}
