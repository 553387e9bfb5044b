package dev.metalprov.server;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.metalprov.api.v1alpha1.Server;

import org.jboss.logging.Logger;

import dev.metalprov.server.BmcCommand.BootOnce;
import dev.metalprov.server.BmcCommand.Power;
import dev.metalprov.server.BmcCommand.ReadInventory;
import dev.metalprov.server.BmcCommand.SetIndicatorLED;
import dev.metalprov.server.Observation.LedRequest;
import dev.metalprov.server.Observation.OverrideReading;

/**
 * Sends the state handlers' requests to the BMCs off the reconcile threads, and keeps what came
 * back as each server's {@link Observation}. At most one exchange per server is in flight; when
 * it completes, the server is woken up to be reconciled again with the answer. A reconcile thread
 * therefore never waits for a BMC, however slow or dead it is.
 */
@ApplicationScoped
public class BmcCommands {

    private static final Logger LOG = Logger.getLogger(BmcCommands.class);

    @Inject
    PowerAdapter adapter;

    @Inject
    Clock clock;

    private final Map<String, Observation> observations = new ConcurrentHashMap<>();
    private volatile Consumer<String> wake = server -> {
    };

    /**
     * Who to tell, by server name, that an answer has come. Observations are kept by
     * {@link #key(Server) key}: a server deleted and made again under its name starts afresh.
     */
    public void onAnswer(Consumer<String> wake) {
        this.wake = wake;
    }

    public Observation observation(String key) {
        return observations.getOrDefault(key, Observation.NONE);
    }

    /** The key of a server's observation: its name and uid. */
    public static String key(Server server) {
        return server.getMetadata().getName() + "@" + server.getMetadata().getUid();
    }

    /**
     * Sends the command unless an exchange with this server's BMC is already in flight (its
     * answer wakes the server anyway). Answers whether it was sent.
     */
    public boolean submit(String key, Machine machine, BmcCommand command) {
        String server = key;
        boolean[] sent = { false };
        observations.compute(server, (name, current) -> {
            Observation now = current == null ? Observation.NONE : current;
            if (now.busy()) {
                return now;
            }
            sent[0] = true;
            return now.withBusy(true);
        });
        if (!sent[0]) {
            return false;
        }
        Instant issued = clock.instant();
        CompletableFuture<?> exchange;
        try {
            exchange = send(server, machine, command, issued);
        } catch (RuntimeException e) {
            exchange = CompletableFuture.failedFuture(e);
        }
        exchange.whenComplete((ignored, error) -> {
            if (error != null) {
                BmcException failure = BmcFailures.of(error);
                update(server, o -> o.withFailure(failure.reason(), failure.getMessage(), clock.instant()));
                LOG.debugf("%s: %s failed: %s", machine, command, failure.getMessage());
            }
            update(server, o -> o.withBusy(false));
            wake.accept(machine.server());
        });
        return true;
    }

    private CompletableFuture<?> send(String server, Machine machine, BmcCommand command, Instant issued) {
        if (command instanceof Power power) {
            return adapter.perform(machine, power.action())
                    .thenAccept(done -> update(server, o -> o.withAction(power.action(), issued)));
        }
        if (command instanceof BootOnce boot) {
            return adapter.bootOnceFromNetwork(machine, boot.boot())
                    .thenAccept(readBack -> update(server, o -> o.withOverride(
                            new OverrideReading(boot.bootConfigurationUid(), boot.boot(), readBack, clock.instant()))));
        }
        if (command instanceof ReadInventory) {
            return adapter.readInventory(machine).thenAccept(inventory -> update(server, o -> o.withInventory(inventory)));
        }
        if (command instanceof SetIndicatorLED led) {
            return adapter.setIndicatorLED(machine, led.led()).handle((readBack, error) -> {
                if (error == null) {
                    update(server, o -> o.withLedRequest(new LedRequest(led.led(), readBack, null, clock.instant())));
                    return null;
                }
                BmcException failure = BmcFailures.of(error);
                if (BmcFailures.unreachable(failure)) {
                    // The BMC itself failed: that is the server's failure, as for any other request.
                    throw failure;
                }
                // The BMC answered and refused (no LED, or not settable): the LED's business only.
                update(server, o -> o.withLedRequest(new LedRequest(led.led(), null, failure.getMessage(), clock.instant())));
                return null;
            });
        }
        return adapter.read(machine).thenAccept(reading -> update(server,
                o -> o.withReading(reading.power(), reading.indicatorLED(), clock.instant())));
    }

    /**
     * Drops what is known of servers that no longer exist, keeping only these keys. An exchange
     * still in flight for a dropped one leaves a small entry behind when it ends; the next
     * sweep takes that too.
     */
    public void retainOnly(Set<String> keys) {
        observations.keySet().retainAll(keys);
    }

    /** Forgets a boot override once its boot configuration is released, so the next claim sets its own. */
    public void forgetOverride(String key) {
        String server = key;
        update(server, o -> o.withOverride(null));
    }

    private void update(String server, java.util.function.UnaryOperator<Observation> change) {
        observations.compute(server, (name, current) -> change.apply(current == null ? Observation.NONE : current));
    }
}
