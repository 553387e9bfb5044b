package dev.metalprov.claim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.metalprov.api.v1alpha1.ClaimPhase;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerClaimStatus;
import dev.metalprov.common.Conditions;
import dev.metalprov.common.OperatorConfig;
import dev.metalprov.server.Operations;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;

/**
 * Binding goes first. In a burst of claims the API server is the limit, and every write that
 * follows a bind (the server's Reserved status, its network boot and power-on, the built-in boot
 * service's answer, the claim's later conditions) takes a share of it from the binds still to
 * come. So while claims wait for the operator's first answer, those passes are held: each
 * controller's {@link Holder} keeps them, and they are woken together once no claim waits, or go
 * on by themselves after {@code metal.binding-first-max-hold}. A bound server on real hardware
 * takes minutes to boot; a bind is what a tenant waits for first.
 *
 * <p>A claim waits from its creation until the operator answers it: Bound, or Unbound for a reason
 * other than a lost race (a claim that lost its race tries again at once, and the servers woken
 * too early would crowd its next try). A claim nobody answers (the operator fails on it, or it is left alone with the ignore
 * annotation) must not hold the fleet: ignored and deleted claims do not count, and a claim older
 * than the longest hold counts only while binds still go on (one within {@link #bindsGoOnWindow()}).
 *
 * <p>Why binds going on count: all controllers share the SDK's reconcile threads, in the order
 * events come. A burst that takes longer than the longest hold (10,000 claims took over two
 * minutes) released every held pass at once while the last claims were still racing; each of
 * those passes writes, and the last claims' next tries queued behind them for 95 seconds. A
 * stuck claim still holds nothing for long: with no bind for that window, the limit is as before.
 * And no pass waits longer than {@link #CEILING_IN_LIMITS} times the limit, binds or not: a claim
 * that kept losing races while others were bound would otherwise hold the fleet's power-on for as
 * long as that lasted.
 */
@ApplicationScoped
public class BindingFirst {

    private static final Logger LOG = Logger.getLogger(BindingFirst.class);

    static final String UNANSWERED = "unanswered";
    /** How often held passes look whether binding is over. */
    static final Duration CHECK_INTERVAL = Duration.ofMillis(200);
    /** How long one look at the claims stands: every held pass asks, thousands in a burst. */
    private static final Duration LOOK_STANDS = Duration.ofMillis(100);
    /** How long after a bind binding counts as going on, at the least. */
    static final Duration BINDS_GO_ON = Duration.ofSeconds(10);
    /** How many of a claim's retries after a lost race the window spans at the least. */
    static final int RETRIES_IN_WINDOW = 5;
    /** A held pass goes on after this many times the limit, whatever else. */
    static final int CEILING_IN_LIMITS = 5;

    @Inject
    OperatorConfig config;

    @Inject
    Clock clock;

    private volatile Supplier<List<ServerClaim>> unanswered = List::of;
    private final Map<String, Holder> holders = new ConcurrentHashMap<>();
    private final AtomicBoolean checkScheduled = new AtomicBoolean();
    private volatile Look look;
    /** When a claim was last bound; null before the first bind. */
    private volatile Instant lastBind;

    private record Look(Instant at, boolean waiting) {
    }

    /** Reads the claims that wait through an index of this informer (added here, before it starts). */
    public void attach(IndexerResourceCache<ServerClaim> claims) {
        claims.addIndexers(Map.of(UNANSWERED, claim -> awaitsAnswer(claim) ? List.of(UNANSWERED) : List.of()));
        attach(() -> claims.byIndex(UNANSWERED, UNANSWERED));
    }

    void attach(Supplier<List<ServerClaim>> claimsAwaitingAnswer) {
        unanswered = claimsAwaitingAnswer;
        look = null;
    }

    Supplier<List<ServerClaim>> claimsAwaitingAnswer() {
        return unanswered;
    }

    /** Whether the holder of this name holds the pass of this resource now. */
    boolean holds(String holderName, ResourceID id) {
        Holder holder = holders.get(holderName);
        return holder != null && holder.since.containsKey(id);
    }

    static boolean awaitsAnswer(ServerClaim claim) {
        ServerClaimStatus status = claim.getStatus();
        boolean unanswered = status == null || status.getPhase() == null
                || status.getPhase() == ClaimPhase.UNBOUND && Conditions.reason(status.getConditions(), ClaimConditions.BOUND)
                        .filter(ClaimConditions.BIND_CONFLICT::equals).isPresent();
        return unanswered && claim.getMetadata().getDeletionTimestamp() == null && !Operations.ignored(claim);
    }

    /**
     * The holder of one controller's passes; {@code wake} sends the event that reconciles a held
     * resource again. A controller that starts anew replaces its holder of the same name.
     */
    public Holder holder(String name, Consumer<ResourceID> wake) {
        Holder holder = new Holder(wake);
        holders.put(name, holder);
        return holder;
    }

    /** How many passes the holder of this name holds now; zero for a holder not (yet) made. */
    public int held(String holderName) {
        Holder holder = holders.get(holderName);
        return holder == null ? 0 : holder.heldNow();
    }

    /** A claim was bound: binding goes on. */
    public void bound() {
        lastBind = clock.instant();
    }

    private boolean bindsGoOn(Instant now) {
        Instant last = lastBind;
        return last != null && now.isBefore(last.plus(bindsGoOnWindow()));
    }

    /**
     * How long after a bind binding counts as going on: several of a claim's retries after a lost
     * race ({@code metal.release-check-interval} apart), so that the last claims of a burst are
     * not taken for stuck ones, and at least {@link #BINDS_GO_ON}.
     */
    Duration bindsGoOnWindow() {
        Duration retries = config.releaseCheckInterval().multipliedBy(RETRIES_IN_WINDOW);
        return retries.compareTo(BINDS_GO_ON) > 0 ? retries : BINDS_GO_ON;
    }

    /** Whether some claim still waits for its first answer. */
    boolean claimsWaiting() {
        return waiting(clock.instant());
    }

    private boolean waiting(Instant now) {
        Look last = look;
        if (last != null && now.isBefore(last.at().plus(LOOK_STANDS)) && !now.isBefore(last.at())) {
            return last.waiting();
        }
        Instant oldest = bindsGoOn(now) ? Instant.MIN : now.minus(config.bindingFirstMaxHold());
        boolean waiting = unanswered.get().stream().anyMatch(claim -> createdAfter(claim, oldest));
        look = new Look(now, waiting);
        return waiting;
    }

    private static boolean createdAfter(ServerClaim claim, Instant oldest) {
        String created = claim.getMetadata().getCreationTimestamp();
        // Without a creation time there is no telling how long it has waited: it holds nothing.
        return created != null && Instant.parse(created).isAfter(oldest);
    }

    private void scheduleCheck() {
        if (checkScheduled.compareAndSet(false, true)) {
            Executor later = CompletableFuture.delayedExecutor(CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            later.execute(this::check);
        }
    }

    /** Wakes every held pass once no claim waits; looks again later while one does. */
    private void check() {
        checkScheduled.set(false);
        if (waiting(clock.instant())) {
            if (holders.values().stream().anyMatch(Holder::holdsAny)) {
                scheduleCheck();
            }
            return;
        }
        int woken = holders.values().stream().mapToInt(Holder::wakeAll).sum();
        if (woken > 0) {
            LOG.infof("no claim waits for its bind any more: %d held passes go on", woken);
        }
    }

    /** The passes of one controller held for binding. */
    public final class Holder {
        private final Consumer<ResourceID> wake;
        /** When each held resource was first held: the limit counts from there. */
        private final Map<ResourceID, Instant> since = new ConcurrentHashMap<>();
        /**
         * Those of them whose pass went on at its limit. Their first hold is kept, so that their next
         * pass is not held for a whole new limit; they are not held now.
         */
        private final Set<ResourceID> goneOn = ConcurrentHashMap.newKeySet();

        private Holder(Consumer<ResourceID> wake) {
            this.wake = wake;
        }

        /**
         * Empty when the pass of this resource may go on; otherwise it is held, and the time left
         * until it goes on anyway (to look again then, should no wake come).
         */
        public Optional<Duration> hold(ResourceID id) {
            Instant now = clock.instant();
            Duration limit = config.bindingFirstMaxHold();
            if (limit.isZero() || !waiting(now)) {
                forget(id);
                return Optional.empty();
            }
            Instant first = since.computeIfAbsent(id, key -> now);
            Duration left = Duration.between(now, first.plus(limit));
            // Registered first, then the check: a check that starts after this sees the resource.
            scheduleCheck();
            if (left.isNegative() || left.isZero()) {
                // Past the limit, a pass still waits while binds go on, up to the ceiling, and looks
                // again when they may have stopped.
                Duration toCeiling = Duration.between(now, first.plus(limit.multipliedBy(CEILING_IN_LIMITS)));
                if (bindsGoOn(now) && !toCeiling.isNegative() && !toCeiling.isZero()) {
                    goneOn.remove(id);
                    Duration window = bindsGoOnWindow();
                    return Optional.of(window.compareTo(toCeiling) < 0 ? window : toCeiling);
                }
                goneOn.add(id);
                return Optional.empty();
            }
            return Optional.of(left);
        }

        private void forget(ResourceID id) {
            since.remove(id);
            goneOn.remove(id);
        }

        private int heldNow() {
            return (int) since.keySet().stream().filter(id -> !goneOn.contains(id)).count();
        }

        private boolean holdsAny() {
            return !since.isEmpty();
        }

        private int wakeAll() {
            int woken = 0;
            for (ResourceID id : since.keySet()) {
                boolean held = !goneOn.remove(id);
                if (since.remove(id) != null && held) {
                    wake.accept(id);
                    woken++;
                }
            }
            return woken;
        }
    }
}
