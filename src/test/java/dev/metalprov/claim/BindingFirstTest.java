package dev.metalprov.claim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.metalprov.api.v1alpha1.ClaimPhase;
import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerClaimStatus;
import dev.metalprov.common.Conditions;
import dev.metalprov.common.OperatorConfig;
import dev.metalprov.server.Operations;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

class BindingFirstTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration LIMIT = Duration.ofMinutes(2);

    /** The claims the operator knows; the index of claims awaiting an answer is this list filtered. */
    private final List<ServerClaim> claims = new CopyOnWriteArrayList<>();
    private final BlockingQueue<ResourceID> woken = new LinkedBlockingQueue<>();
    private final BindingFirst bindingFirst = new BindingFirst();
    private final ResourceID server = new ResourceID("server-1");

    @BeforeEach
    void setUp() {
        bindingFirst.config = config(LIMIT);
        at(START);
        bindingFirst.attach(() -> claims.stream().filter(BindingFirst::awaitsAnswer).toList());
    }

    @Test
    void aPassWaitsWhileAClaimAwaitsItsBindAndIsWokenOnceItIsAnswered() throws InterruptedException {
        ServerClaim claim = claim("new", START);
        claims.add(claim);
        BindingFirst.Holder holder = bindingFirst.holder("server", woken::add);

        Optional<Duration> held = holder.hold(server);
        assertEquals(Optional.of(LIMIT), held, "held, to look again at the limit at the latest");

        answer(claim, ClaimPhase.BOUND);
        at(START.plusSeconds(1));
        assertEquals(server, woken.poll(10, TimeUnit.SECONDS), "woken once no claim waits");
        assertEquals(Optional.empty(), holder.hold(server), "with nothing waiting, the pass goes on");
    }

    @Test
    void aPassIsHeldNoLongerThanTheLimitWhenNoOneAnswersAClaim() {
        claims.add(claim("stuck", START));
        BindingFirst.Holder holder = bindingFirst.holder("server", woken::add);

        assertEquals(Optional.of(LIMIT), holder.hold(server));
        at(START.plusSeconds(90));
        assertEquals(Optional.of(Duration.ofSeconds(30)), holder.hold(server), "the limit counts from the first hold");
        at(START.plus(LIMIT).minusMillis(1));
        assertTrue(bindingFirst.claimsWaiting());
        at(START.plus(LIMIT).plusSeconds(1));
        assertFalse(bindingFirst.claimsWaiting(), "a claim older than the limit holds nothing");
        assertEquals(Optional.empty(), holder.hold(server));
    }

    @Test
    void aPassHeldToItsLimitGoesOnWhileOthersAreStillHeld() {
        BindingFirst.Holder holder = bindingFirst.holder("server", woken::add);
        claims.add(claim("first", START));
        holder.hold(server);
        at(START.plus(LIMIT).minusSeconds(1));
        claims.add(claim("second", START.plus(LIMIT).minusSeconds(1)));

        ResourceID other = new ResourceID("server-2");
        assertEquals(Optional.of(LIMIT), holder.hold(other));
        at(START.plus(LIMIT));
        assertTrue(bindingFirst.claimsWaiting());
        assertEquals(Optional.empty(), holder.hold(server), "held since the start: it goes on");
        assertEquals(Optional.of(Duration.ofSeconds(119)), holder.hold(other), "held a second: it still waits");
    }

    @Test
    void aClaimOlderThanTheLimitStillWaitsWhileBindsGoOn() {
        claims.add(claim("last-of-a-burst", START));
        at(START.plus(LIMIT).plusSeconds(1));
        assertFalse(bindingFirst.claimsWaiting(), "no bind yet: older than the limit, it holds nothing");
        bindingFirst.bound();
        at(START.plus(LIMIT).plusSeconds(2));
        assertTrue(bindingFirst.claimsWaiting(), "another claim was just bound: the burst is still being bound");
        at(START.plus(LIMIT).plusSeconds(1).plus(BindingFirst.BINDS_GO_ON).plusSeconds(1));
        assertFalse(bindingFirst.claimsWaiting(), "no bind since: taken for stuck, it holds nothing");
    }

    @Test
    void aPassPastItsLimitWaitsWhileBindsGoOnAndGoesOnOnceTheyStop() {
        claims.add(claim("last-of-a-burst", START.plusSeconds(30)));
        BindingFirst.Holder holder = bindingFirst.holder("server", woken::add);
        assertEquals(Optional.of(LIMIT), holder.hold(server));

        Instant pastTheLimit = START.plus(LIMIT).plusSeconds(5);
        at(pastTheLimit);
        bindingFirst.bound();
        assertEquals(Optional.of(BindingFirst.BINDS_GO_ON), holder.hold(server), "binds go on: it looks again later");
        at(pastTheLimit.plus(BindingFirst.BINDS_GO_ON));
        assertEquals(Optional.empty(), holder.hold(server), "no bind since: it goes on, the claim still unanswered");
        assertTrue(bindingFirst.claimsWaiting(), "the claim itself is still young enough to count");
    }

    @Test
    void bindsGoOnForSeveralRetriesOfALostRaceHoweverLongTheyAreApart() {
        assertEquals(BindingFirst.BINDS_GO_ON, bindingFirst.bindsGoOnWindow(), "retries two seconds apart: the least window");
        bindingFirst.config = config(LIMIT, Duration.ofSeconds(30));
        assertEquals(Duration.ofSeconds(150), bindingFirst.bindsGoOnWindow());

        claims.add(claim("last-of-a-burst", START));
        at(START.plus(LIMIT).plusSeconds(1));
        bindingFirst.bound();
        at(START.plus(LIMIT).plusSeconds(1).plusSeconds(60));
        assertTrue(bindingFirst.claimsWaiting(), "a minute after the last bind: fewer than five retries 30 s apart");
        at(START.plus(LIMIT).plusSeconds(1).plusSeconds(151));
        assertFalse(bindingFirst.claimsWaiting(), "five retries later with no bind: taken for stuck");
    }

    @Test
    void noPassWaitsLongerThanTheCeilingWhateverBindsGoOn() {
        claims.add(claim("keeps-losing", START));
        BindingFirst.Holder holder = bindingFirst.holder("server", woken::add);
        assertEquals(Optional.of(LIMIT), holder.hold(server));

        Instant ceiling = START.plus(LIMIT.multipliedBy(BindingFirst.CEILING_IN_LIMITS));
        at(ceiling.minusSeconds(4));
        bindingFirst.bound();
        assertEquals(Optional.of(Duration.ofSeconds(4)), holder.hold(server), "binds go on: it waits, but not past the ceiling");
        assertEquals(1, bindingFirst.held("server"));
        at(ceiling);
        bindingFirst.bound();
        assertTrue(bindingFirst.claimsWaiting(), "the claim still counts: binds go on");
        assertEquals(Optional.empty(), holder.hold(server), "at the ceiling it goes on, binds or not");
    }

    @Test
    void aPassThatWentOnAtItsLimitIsNotCountedAsHeld() {
        claims.add(claim("stuck", START));
        claims.add(claim("young", START.plus(LIMIT)));
        BindingFirst.Holder holder = bindingFirst.holder("server", woken::add);
        ResourceID other = new ResourceID("server-2");
        holder.hold(server);
        at(START.plus(LIMIT).minusSeconds(1));
        holder.hold(other);
        assertEquals(2, bindingFirst.held("server"));

        at(START.plus(LIMIT).plusSeconds(1));
        assertTrue(bindingFirst.claimsWaiting(), "the young claim still waits");
        assertEquals(Optional.empty(), holder.hold(server), "past its limit, no bind going on: it goes on");
        assertEquals(1, bindingFirst.held("server"), "only the pass still held counts");

        bindingFirst.bound();
        assertEquals(Optional.of(BindingFirst.BINDS_GO_ON), holder.hold(server), "binds go on again: held again");
        assertEquals(2, bindingFirst.held("server"));
    }

    @Test
    void onlyClaimsWithoutAnAnswerWait() {
        assertTrue(BindingFirst.awaitsAnswer(claim("fresh", START)));
        ServerClaim bound = claim("bound", START);
        answer(bound, ClaimPhase.BOUND);
        assertFalse(BindingFirst.awaitsAnswer(bound));
        ServerClaim unbound = claim("nothing-free", START);
        answer(unbound, ClaimPhase.UNBOUND, ClaimConditions.NO_MATCHING_SERVER);
        assertFalse(BindingFirst.awaitsAnswer(unbound), "answered, though not bound: it waits for a server, not for the operator");
        ServerClaim lost = claim("lost-a-race", START);
        answer(lost, ClaimPhase.UNBOUND, ClaimConditions.BIND_CONFLICT);
        assertTrue(BindingFirst.awaitsAnswer(lost), "it lost a race for a server and tries again at once");
        ServerClaim deleted = claim("deleted", START);
        deleted.getMetadata().setDeletionTimestamp(START.toString());
        assertFalse(BindingFirst.awaitsAnswer(deleted));
        ServerClaim ignored = claim("ignored", START);
        ignored.getMetadata().setAnnotations(Map.of(Metal.OPERATION_ANNOTATION, Operations.IGNORE));
        assertFalse(BindingFirst.awaitsAnswer(ignored), "left alone on purpose, it is never answered");
    }

    @Test
    void aLimitOfZeroNeverHolds() {
        bindingFirst.config = config(Duration.ZERO);
        claims.add(claim("new", START));
        assertEquals(Optional.empty(), bindingFirst.holder("server", woken::add).hold(server));
    }

    private void at(Instant now) {
        bindingFirst.clock = Clock.fixed(now, ZoneOffset.UTC);
    }

    private static ServerClaim claim(String name, Instant created) {
        ServerClaim claim = new ServerClaim();
        claim.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("tenant").withCreationTimestamp(created.toString())
                .build());
        return claim;
    }

    private static void answer(ServerClaim claim, ClaimPhase phase) {
        answer(claim, phase, ClaimConditions.SERVER_BOUND);
    }

    private static void answer(ServerClaim claim, ClaimPhase phase, String boundReason) {
        ServerClaimStatus status = new ServerClaimStatus();
        status.setPhase(phase);
        status.setConditions(Conditions.with(null, ClaimConditions.BOUND, phase == ClaimPhase.BOUND, boundReason, "", 1L, START));
        claim.setStatus(status);
    }

    private static OperatorConfig config(Duration maxHold) {
        return config(maxHold, Duration.ofSeconds(2));
    }

    private static OperatorConfig config(Duration maxHold, Duration releaseCheckInterval) {
        return (OperatorConfig) Proxy.newProxyInstance(OperatorConfig.class.getClassLoader(), new Class<?>[] { OperatorConfig.class },
                (proxy, method, args) -> switch (method.getName()) {
                    case "bindingFirstMaxHold" -> maxHold;
                    case "releaseCheckInterval" -> releaseCheckInterval;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
