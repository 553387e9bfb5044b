package dev.metalprov.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.metalprov.api.v1alpha1.BootConfigurationState;
import dev.metalprov.api.v1alpha1.IndicatorLED;
import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.api.v1alpha1.ObjectReference;
import dev.metalprov.api.v1alpha1.Power;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerBootConfiguration;
import dev.metalprov.api.v1alpha1.ServerBootConfigurationStatus;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerClaimSpec;
import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.api.v1alpha1.ServerSpec;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.api.v1alpha1.ServerStatus;
import dev.metalprov.common.Conditions;
import dev.metalprov.common.OperatorConfig;
import dev.metalprov.redfish.Inventory.SystemInventory;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/**
 * The server's state handlers as plain Java: a clock the test moves, a BMC that answers at once
 * (or fails, or drops the boot override), and the real {@link BmcCommands} between them. Each
 * pass is what the reconciler does: the handler decides, a write changes the server, a status
 * pass takes the state, a command goes to the BMC.
 */
class ServerStatesTest {

    static final Duration POLL = Duration.ofSeconds(5);
    static final Duration GRACEFUL = Duration.ofSeconds(120);
    static final Duration RETRY = Duration.ofSeconds(60);
    static final Duration RELEASE = Duration.ofMinutes(5);

    final MovableClock clock = new MovableClock();
    final FakeBmc bmc = new FakeBmc();
    final BmcCommands commands = new BmcCommands();
    final PowerSequencer sequencer = new PowerSequencer(config());
    final Release release = new Release();
    final Map<ServerState, StateHandler> handlers = new HashMap<>();
    final OperationAnnotations operations = new OperationAnnotations();
    final ServerPlanner planner = new ServerPlanner();
    final List<Plan> plans = new ArrayList<>();

    Server server;
    ServerClaim claim;
    ServerBootConfiguration boot;

    @BeforeEach
    void setUp() {
        commands.adapter = bmc;
        commands.clock = clock;
        release.power = sequencer;
        release.config = config();
        operations.config = config();
        operations.power = sequencer;
        planner.operations = operations;
        planner.leds = new IndicatorLeds(config());
        planner.config = config();
        InitialState initial = new InitialState();
        initial.power = sequencer;
        initial.config = config();
        AvailableState available = new AvailableState();
        available.power = sequencer;
        ReservedState reserved = new ReservedState();
        reserved.power = sequencer;
        reserved.release = release;
        reserved.config = config();
        ReleasedState released = new ReleasedState();
        released.power = sequencer;
        ErrorState error = new ErrorState();
        error.release = release;
        error.config = config();
        ParkedState parked = new ParkedState();
        parked.power = sequencer;
        for (StateHandler handler : List.of(initial, available, reserved, released, error, parked)) {
            handlers.put(handler.state(), handler);
        }
        server = new Server();
        server.setMetadata(new ObjectMetaBuilder().withName("s1").withUid("uid-s1").build());
        ServerSpec spec = new ServerSpec();
        spec.setSystemUUID("5ca1ab1e-0000-4000-8000-000000000001");
        spec.setSystemURI("/redfish/v1/Systems/1");
        spec.setBmcRef(new dev.metalprov.api.v1alpha1.LocalObjectReference("bmc-1"));
        server.setSpec(spec);
        server.setStatus(new ServerStatus());
    }

    @Test
    void aShutdownIsGracefulFirstAndForcedOnlyAfterItsTimeout() {
        reservedWithDeletedClaim();
        bmc.power = ServerPowerState.ON;
        bmc.ignoresGracefulShutdown = true;

        passUntil("the graceful shutdown is asked", () -> bmc.actions.contains("GracefulShutdown"));
        clock.move(GRACEFUL.minusSeconds(10));
        pass();
        pass();
        assertFalse(bmc.actions.contains("ForceOff"), "not forced before the graceful shutdown timed out: " + bmc.actions);

        clock.move(Duration.ofSeconds(11));
        passUntil("the machine to be forced off", () -> bmc.actions.contains("ForceOff"));
        Plan released = passUntil("the release to be written", () -> last().write().isPresent());
        assertEquals(List.of("GracefulShutdown", "ForceOff"), bmc.actions);
        assertEquals("tenant/c-boot", released.write().get().deleteBootConfiguration().getNamespace() + "/"
                + released.write().get().deleteBootConfiguration().getName(), "the release drops the claim's boot configuration");
        passUntil("the server to be back in the pool", () -> state() == ServerState.AVAILABLE);
        assertEquals(null, server.getSpec().getServerClaimRef());
    }

    @Test
    void aBootOverrideTheBmcDropsKeepsTheMachineOffWithACondition() {
        reservedWithLiveClaim();
        bmc.revertsOverride = true;

        passUntil("the override to be judged", () -> last().conditions().stream()
                .anyMatch(c -> c.type().equals(ServerConditions.NETWORK_BOOT) && !c.status()));
        assertEquals(ServerConditions.OVERRIDE_NOT_KEPT, Conditions.reason(server.getStatus().getConditions(),
                ServerConditions.NETWORK_BOOT).orElse(null));
        for (int i = 0; i < 5; i++) {
            clock.move(POLL);
            pass();
        }
        assertFalse(bmc.actions.contains("On"), "never powered on while the override is not kept: " + bmc.actions);

        bmc.revertsOverride = false;
        clock.move(RETRY);
        passUntil("the machine to be powered on", () -> bmc.actions.contains("On"));
        assertEquals(List.of("BootOnce", "BootOnce", "On"), bmc.actions.stream().filter(a -> !a.equals("Read")).toList());
        assertEquals("uid-boot", server.getMetadata().getAnnotations().get(Metal.NETWORK_BOOT_ANNOTATION));
        assertTrue(Conditions.isTrue(server.getStatus().getConditions(), ServerConditions.NETWORK_BOOT));
    }

    @Test
    void whatIsKeptOfAServerThatIsGoneIsDroppedAndTheOthersAreKept() {
        passUntil("the BMC's power to be known", () -> commands.observation(BmcCommands.key(server)).power() != null);
        String gone = BmcCommands.key(server);
        server.getMetadata().setUid("uid-s1-again");
        passUntil("the power of the server made again under its name to be known",
                () -> commands.observation(BmcCommands.key(server)).power() != null);

        commands.retainOnly(java.util.Set.of(BmcCommands.key(server)));
        assertEquals(Observation.NONE, commands.observation(gone), "the deleted server's observation is dropped");
        assertEquals(ServerPowerState.OFF, commands.observation(BmcCommands.key(server)).power(), "the live one's is kept");
    }

    @Test
    void aBmcThatNeverConfirmsOffQuarantinesTheServerAfterTheReleaseTimeoutAndItFinishesLater() {
        reservedWithDeletedClaim();
        bmc.power = ServerPowerState.ON;
        bmc.unreachable = true;

        passUntil("the BMC to fail", () -> commands.observation(BmcCommands.key(server)).failure() != null);
        clock.move(RELEASE.minusSeconds(1));
        pass();
        assertEquals(ServerState.RESERVED, state(), "not quarantined before the timeout");
        clock.move(Duration.ofSeconds(2));
        pass();
        assertEquals(ServerState.ERROR, state());
        assertTrue(Conditions.isTrue(server.getStatus().getConditions(), ServerConditions.QUARANTINED));
        assertTrue(server.getSpec().getServerClaimRef() != null, "the claim reference is kept while quarantined");
        claim = null; // the claim's finalizer went

        for (int i = 0; i < 5; i++) {
            clock.move(RETRY);
            pass();
            assertEquals(ServerState.ERROR, state(), "never recycled while the power-off is unconfirmed");
        }
        bmc.unreachable = false;
        clock.move(RETRY);
        passUntil("the quarantined server to be recycled", () -> state() == ServerState.AVAILABLE);
        assertEquals(ServerPowerState.OFF, bmc.power);
        assertFalse(Conditions.isTrue(server.getStatus().getConditions(), ServerConditions.QUARANTINED));
        assertEquals(null, server.getSpec().getServerClaimRef());
    }

    @Test
    void parkPowersAFreeServerOffMarksItDurablyAndUnparkReturnsItToThePool() {
        server.getStatus().setState(ServerState.AVAILABLE);
        bmc.power = ServerPowerState.ON;
        annotate(Operations.PARK);
        passUntil("the park to be written", () -> parkedMark() != null);
        assertEquals(ServerPowerState.OFF, bmc.power, "powered off before it is marked parked");
        assertEquals("true", parkedMark(), "upstream's durable mark, an annotation with the value true");
        assertEquals(null, operation(), "the park operation is removed with the same write");
        passUntil("the server to be Parked", () -> state() == ServerState.PARKED);
        assertTrue(Conditions.isTrue(server.getStatus().getConditions(), ServerConditions.PARKED));

        annotate(Operations.UNPARK);
        passUntil("the mark and the operation to go", () -> parkedMark() == null && operation() == null);
        passUntil("the server to be back in the pool", () -> state() == ServerState.AVAILABLE);
        assertFalse(server.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals(ServerConditions.PARKED)));
    }

    @Test
    void aClaimedServerIsParkedWithItsClaimAndUnparkedBackToReserved() {
        reservedWithLiveClaim();
        passUntil("the claimed server to be powered on", () -> bmc.power == ServerPowerState.ON);
        annotate(Operations.PARK);
        passUntil("the server to be Parked", () -> state() == ServerState.PARKED);
        assertEquals(ServerPowerState.OFF, bmc.power);
        assertEquals("c", server.getSpec().getServerClaimRef().getName(), "the claim is kept");
        assertTrue(server.getSpec().getBootConfigurationRef() != null, "and its boot configuration");

        annotate(Operations.UNPARK);
        passUntil("the server to be Reserved again", () -> state() == ServerState.RESERVED);
        passUntil("the claim to power it on again", () -> bmc.power == ServerPowerState.ON);
        assertEquals("c", server.getSpec().getServerClaimRef().getName());
    }

    @Test
    void aParkAskedInAStateThatCannotParkIsKeptAndDoneOnceItCan() {
        server.getStatus().setState(ServerState.INITIAL);
        bmc.power = ServerPowerState.ON;
        annotate(Operations.PARK);
        Plan deferred = pass();
        assertTrue(deferred.conditions().stream().anyMatch(c -> c.type().equals(ServerConditions.PARKED) && !c.status()
                && c.reason().equals(ServerConditions.PARK_DEFERRED)), deferred.toString());
        assertEquals(Operations.PARK, operation(), "the park is kept, not done and not dropped");
        assertEquals(null, parkedMark());

        passUntil("discovery to finish and the park to be done", () -> state() == ServerState.PARKED);
        assertTrue(plans.stream().anyMatch(p -> p.next() == ServerState.AVAILABLE), "it went through Available first");
        assertEquals("true", parkedMark());
        assertEquals(null, operation());
    }

    @Test
    void aParkedServerStaysParkedWhenItsStatusIsWiped() {
        server.getStatus().setState(ServerState.AVAILABLE);
        annotate(Operations.PARK);
        passUntil("the server to be Parked", () -> state() == ServerState.PARKED);
        int calls = bmc.calls;

        server.setStatus(new ServerStatus());
        Plan after = pass();
        assertEquals(ServerState.PARKED, after.next(), "the mark, not the status, says it is parked");
        assertEquals(ServerState.PARKED, state());
        assertFalse(bmc.actions.stream().skip(0).anyMatch(a -> a.equals("On")), bmc.actions.toString());
        assertTrue(bmc.calls - calls <= 1, "at most a read of the power");
    }

    @Test
    void aParkedServerIsNotPoweredOffAgainAfterAnOutsidePowerOnAndDropsResets() {
        server.getStatus().setState(ServerState.AVAILABLE);
        annotate(Operations.PARK);
        passUntil("the server to be Parked", () -> state() == ServerState.PARKED);
        List<String> before = List.copyOf(bmc.actions);

        bmc.power = ServerPowerState.ON; // someone updating the firmware powers it on
        for (int i = 0; i < 40; i++) {
            clock.move(POLL);
            pass();
        }
        assertEquals(before, bmc.actions, "no power action while parked");
        assertEquals(ServerPowerState.ON, bmc.power);
        assertEquals(ServerPowerState.ON, commands.observation(BmcCommands.key(server)).power(), "its power is still read");

        annotate("hard-restart-server");
        Plan dropped = pass();
        assertTrue(dropped.notes().stream().anyMatch(n -> n.warning() && n.reason().equals("ParkedOperationDropped")),
                dropped.toString());
        assertEquals(null, operation(), "the reset is dropped");
        pass();
        assertEquals(before, bmc.actions, "and never sent");
        assertEquals(ServerState.PARKED, state());
    }

    @Test
    void theDeprecatedSpecPowerIsClearedAsUpstreamDoesAndNothingIsPowered() {
        server.getStatus().setState(ServerState.AVAILABLE);
        server.getSpec().setPower(Power.ON);
        Plan cleared = pass();
        assertTrue(cleared.write().isPresent(), cleared.toString());
        assertEquals(null, server.getSpec().getPower());
        for (int i = 0; i < 5; i++) {
            clock.move(POLL);
            pass();
        }
        assertEquals(List.of(), bmc.actions, "spec.power never powered anything");
    }

    @Test
    void aServerWithoutABmcWaitsInInitialWithAConditionAndTouchesNoBmc() {
        server.getSpec().setBmcRef(null);
        server.setStatus(new ServerStatus());
        for (int i = 0; i < 10; i++) {
            Plan plan = pass();
            assertTrue(plan.command().isEmpty(), plan.toString());
            assertTrue(plan.recheck().orElseThrow().compareTo(Duration.ofMinutes(1)) >= 0, "no hot loop: " + plan);
            clock.move(POLL);
        }
        assertEquals(ServerState.INITIAL, state());
        assertEquals(ServerConditions.NO_BMC, Conditions.reason(server.getStatus().getConditions(),
                ServerConditions.BMC_REACHABLE).orElse(null));
        assertEquals(0, bmc.calls, "no BMC is asked");

        server.getSpec().setBmcRef(new dev.metalprov.api.v1alpha1.LocalObjectReference("bmc-1"));
        passUntil("the server to be discovered once it has a BMC", () -> state() == ServerState.AVAILABLE);
    }

    @Test
    void theIndicatorLedIsSetOverTheBmcAndReadBack() {
        server.getStatus().setState(ServerState.AVAILABLE);
        server.getSpec().setIndicatorLED(IndicatorLED.BLINKING);
        passUntil("the LED to be set", () -> bmc.led == IndicatorLED.BLINKING);
        passUntil("the LED to be reported", () -> last().conditions().stream()
                .anyMatch(c -> c.type().equals(ServerConditions.INDICATOR_LED) && c.status()));
        assertEquals(IndicatorLED.BLINKING, commands.observation(BmcCommands.key(server)).led());

        bmc.led = IndicatorLED.OFF; // pressed on the chassis
        clock.move(Duration.ofSeconds(60));
        passUntil("the LED to be set again", () -> bmc.led == IndicatorLED.BLINKING);
        assertEquals(2, bmc.actions.stream().filter(a -> a.equals("IndicatorLED:Blinking")).count(), bmc.actions.toString());
    }

    @Test
    void aBmcThatRefusesTheLedSaysSoWithoutErrorAndIsAskedAgainOnlyAfterTheRetryInterval() {
        server.getStatus().setState(ServerState.AVAILABLE);
        server.getSpec().setIndicatorLED(IndicatorLED.LIT);
        bmc.refusesLed = true;
        passUntil("the refusal to be reported", () -> last().conditions().stream()
                .anyMatch(c -> c.type().equals(ServerConditions.INDICATOR_LED) && !c.status()
                        && c.reason().equals(ServerConditions.LED_REFUSED)));
        for (int i = 0; i < 18; i++) { // 90 s: one retry interval (60 s) and a half
            clock.move(Duration.ofSeconds(5));
            pass();
        }
        assertEquals(ServerState.AVAILABLE, state(), "an LED is no reason for Error");
        assertEquals(2, bmc.actions.stream().filter(a -> a.startsWith("IndicatorLED")).count(),
                "asked again after the retry interval, not on every pass: " + bmc.actions);
    }

    @Test
    void aPowerOperationIsSentOnceAndThenItsAnnotationRemoved() {
        server.getStatus().setState(ServerState.AVAILABLE);
        bmc.power = ServerPowerState.ON;
        annotate("force-off-server");
        passUntil("the annotation to be removed", () -> !server.getMetadata().getAnnotations().containsKey(Metal.OPERATION_ANNOTATION));
        assertEquals(List.of("ForceOff"), bmc.actions.stream().filter(a -> !a.equals("Read")).toList());
    }

    @Test
    void aFailingBmcIsAskedAgainAfterItsBackoffOrAtOnceWhenItsBmcTurnsReady() {
        Instant failed = Instant.parse("2026-01-01T00:00:10.500Z");
        Observation.Failure third = new Observation.Failure(BmcException.CONNECTION_FAILED, "connection refused", failed, 3);
        Duration first = Duration.ofSeconds(5);
        Duration ceiling = Duration.ofMinutes(5);
        assertEquals(failed.plusSeconds(20), third.retryAt(first, ceiling, Optional.empty()), "5 s doubled twice");
        assertEquals(failed.plusSeconds(20), third.retryAt(first, ceiling, Optional.of(failed.minusSeconds(60))),
                "a BMC Ready since before the failure says nothing new");
        assertEquals(failed, third.retryAt(first, ceiling, Optional.of(failed.plusSeconds(3))), "Ready again after the failure");
        assertEquals(failed, third.retryAt(first, ceiling, Optional.of(Instant.parse("2026-01-01T00:00:10Z"))),
                "Ready in the failure's second, as condition times have whole seconds");
        Observation.Failure many = new Observation.Failure(BmcException.CONNECTION_FAILED, "connection refused", failed, 40);
        assertEquals(failed.plus(ceiling), many.retryAt(first, ceiling, Optional.empty()), "never beyond the ceiling");
    }

    // --- the passes ---

    Plan pass() {
        Situation situation = new Situation(server, commands.observation(BmcCommands.key(server)),
                Optional.ofNullable(claim), Optional.ofNullable(boot).filter(b -> b.getStatus() != null
                        && b.getStatus().getState() == BootConfigurationState.READY), null, clock.instant());
        Plan plan = planner.plan(situation, handlers::get);
        plans.add(plan);
        if (plan.write().isPresent()) {
            server = plan.write().get().change().apply(server);
            return plan;
        }
        ServerStatus status = server.getStatus();
        plan.conditions().forEach(c -> status.setConditions(Conditions.with(status.getConditions(), c.type(), c.status(),
                c.reason(), c.message(), 1L, clock.instant())));
        plan.clearedConditions().forEach(type -> status.setConditions(Conditions.without(status.getConditions(), type)));
        status.setState(plan.next());
        plan.command().ifPresent(command -> commands.submit(BmcCommands.key(server),
                new Machine("s1", null, server.getSpec().getSystemURI(), server.getSpec().getSystemUUID()), command));
        return plan;
    }

    /** Passes, with the clock moving on by the poll interval, until the condition holds (at most 50). */
    Plan passUntil(String what, java.util.function.BooleanSupplier condition) {
        for (int i = 0; i < 50; i++) {
            Plan plan = pass();
            if (condition.getAsBoolean()) {
                return plan;
            }
            clock.move(POLL);
        }
        throw new AssertionError("expected " + what + "; plans: " + plans.subList(Math.max(0, plans.size() - 5), plans.size()));
    }

    Plan last() {
        return plans.get(plans.size() - 1);
    }

    ServerState state() {
        return server.getStatus().getState();
    }

    String operation() {
        return server.getMetadata().getAnnotations() == null ? null : server.getMetadata().getAnnotations().get(Metal.OPERATION_ANNOTATION);
    }

    String parkedMark() {
        return server.getMetadata().getAnnotations() == null ? null : server.getMetadata().getAnnotations().get(Metal.PARKED_ANNOTATION);
    }

    void annotate(String operation) {
        Map<String, String> annotations = server.getMetadata().getAnnotations() == null ? new HashMap<>()
                : new HashMap<>(server.getMetadata().getAnnotations());
        annotations.put(Metal.OPERATION_ANNOTATION, operation);
        server.getMetadata().setAnnotations(annotations);
    }

    void reservedWithLiveClaim() {
        claim = new ServerClaim();
        claim.setMetadata(new ObjectMetaBuilder().withNamespace("tenant").withName("c").withUid("uid-c").build());
        ServerClaimSpec spec = new ServerClaimSpec();
        spec.setPower(Power.ON);
        claim.setSpec(spec);
        ObjectReference ref = new ObjectReference();
        ref.setNamespace("tenant");
        ref.setName("c");
        ref.setUid("uid-c");
        server.getSpec().setServerClaimRef(ref);
        ObjectReference bootRef = new ObjectReference();
        bootRef.setNamespace("tenant");
        bootRef.setName("c-boot");
        server.getSpec().setBootConfigurationRef(bootRef);
        boot = new ServerBootConfiguration();
        boot.setMetadata(new ObjectMetaBuilder().withNamespace("tenant").withName("c-boot").withUid("uid-boot").build());
        ServerBootConfigurationStatus status = new ServerBootConfigurationStatus();
        status.setState(BootConfigurationState.READY);
        boot.setStatus(status);
        server.getStatus().setState(ServerState.RESERVED);
    }

    void reservedWithDeletedClaim() {
        reservedWithLiveClaim();
        claim.getMetadata().setDeletionTimestamp(clock.instant().toString());
    }

    static OperatorConfig config() {
        Map<String, Object> values = Map.of("powerPollInterval", POLL, "powerResyncInterval", Duration.ofSeconds(60),
                "gracefulShutdownTimeout", GRACEFUL, "powerActionRetryInterval", RETRY, "releaseTimeout", RELEASE,
                "errorBackoff", Duration.ofSeconds(5), "maxErrorBackoff", Duration.ofMinutes(5));
        return (OperatorConfig) Proxy.newProxyInstance(OperatorConfig.class.getClassLoader(), new Class<?>[] { OperatorConfig.class },
                (proxy, method, args) -> {
                    Object value = values.get(method.getName());
                    if (value == null) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return value;
                });
    }

    static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void move(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** One machine's BMC that answers at once: power moves when asked, unless told to misbehave. */
    static final class FakeBmc implements PowerAdapter {
        ServerPowerState power = ServerPowerState.OFF;
        boolean ignoresGracefulShutdown;
        boolean revertsOverride;
        boolean unreachable;
        IndicatorLED led = IndicatorLED.OFF;
        /** Refuses to set the LED, as a BMC that has none answers a PATCH of it. */
        boolean refusesLed;
        int calls;
        final List<String> actions = new ArrayList<>();

        private <T> CompletableFuture<T> answer(java.util.function.Supplier<T> value) {
            calls++;
            if (unreachable) {
                return CompletableFuture.failedFuture(new BmcException(BmcException.CONNECTION_FAILED, "connection refused"));
            }
            return CompletableFuture.completedFuture(value.get());
        }

        @Override
        public CompletableFuture<ServerPowerState> powerState(Machine machine) {
            return answer(() -> power);
        }

        @Override
        public CompletableFuture<SystemReading> read(Machine machine) {
            return answer(() -> new SystemReading(power, led));
        }

        @Override
        public CompletableFuture<IndicatorLED> setIndicatorLED(Machine machine, IndicatorLED value) {
            if (refusesLed) {
                calls++;
                actions.add("IndicatorLED:" + value);
                return CompletableFuture.failedFuture(new BmcException(BmcException.INTERNAL_SERVER_ERROR,
                        "/redfish/v1/Systems/1 answered HTTP 400: PropertyUnknown IndicatorLED"));
            }
            return answer(() -> {
                actions.add("IndicatorLED:" + value);
                led = value;
                return led;
            });
        }

        @Override
        public CompletableFuture<Void> perform(Machine machine, PowerAction action) {
            return answer(() -> {
                actions.add(switch (action) {
                    case ON -> "On";
                    case GRACEFUL_SHUTDOWN -> "GracefulShutdown";
                    case FORCE_OFF -> "ForceOff";
                    default -> action.name();
                });
                if (action == PowerAction.ON) {
                    power = ServerPowerState.ON;
                } else if (action == PowerAction.FORCE_OFF || (action == PowerAction.GRACEFUL_SHUTDOWN && !ignoresGracefulShutdown)) {
                    power = ServerPowerState.OFF;
                }
                return null;
            });
        }

        @Override
        public CompletableFuture<BootOverride> bootOnceFromNetwork(Machine machine, NetworkBoot boot) {
            return answer(() -> {
                actions.add("BootOnce");
                return new BootOverride(revertsOverride ? "Disabled" : "Once", boot.kind().target());
            });
        }

        @Override
        public CompletableFuture<SystemInventory> readInventory(Machine machine) {
            return answer(() -> new SystemInventory(machine.systemUri(), machine.systemUUID(), "Contoso", "1U", null, "SN", null, 64.0,
                    power.value(), null, List.of(), List.of()));
        }
    }
}
