package dev.metalprov.server;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.metalprov.api.v1alpha1.IndicatorLED;
import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.common.FailureBackoff;
import dev.metalprov.redfish.Inventory.SystemInventory;
import dev.metalprov.server.PowerAdapter.BootOverride;
import dev.metalprov.server.PowerAdapter.NetworkBoot;
import dev.metalprov.server.PowerAdapter.PowerAction;

/**
 * What the operator last learned from one server's BMC, and what it last asked of it. State
 * handlers decide from this, never from a live request. Kept in memory: after a restart it is
 * empty, and the handlers read what they need again.
 *
 * @param power the power state last read, or null before the first read
 * @param powerReadAt when it was read
 * @param lastAction the power action last issued, and when
 * @param override the boot override last set and what the BMC read back
 * @param inventory the inventory last read
 * @param failure the last failed exchange, while no exchange has succeeded since
 * @param busy whether an exchange is in flight
 * @param led the indicator LED last read, or null when the BMC has not reported one
 * @param ledRequest the indicator LED last asked for, and what came of it
 */
public record Observation(ServerPowerState power, Instant powerReadAt, IssuedAction lastAction, OverrideReading override,
        SystemInventory inventory, Failure failure, boolean busy, IndicatorLED led, LedRequest ledRequest) {

    public static final Observation NONE = new Observation(null, null, null, null, null, null, false, null, null);

    /**
     * An indicator LED state asked of the BMC: what it read back afterwards, or why it refused.
     * A refusal is kept here, not as the BMC's failure: a BMC that cannot set its LED still powers
     * and boots the machine.
     */
    public record LedRequest(IndicatorLED asked, IndicatorLED readBack, String refusal, Instant at) {

        public boolean kept() {
            return refusal == null && asked == readBack;
        }
    }

    /** A power action the BMC accepted. */
    public record IssuedAction(PowerAction action, Instant at) {
    }

    /** The one-time network boot asked for a boot configuration, and the override the BMC read back. */
    public record OverrideReading(String bootConfigurationUid, NetworkBoot asked, BootOverride readBack, Instant at) {

        public boolean confirmed() {
            return readBack != null && readBack.bootsFrom(asked);
        }
    }

    /** Why the last exchange failed, and how many in a row did. */
    public record Failure(String reason, String message, Instant at, int consecutive) {

        /**
         * When the BMC may be asked again: after a backoff that doubles with each failure in a row,
         * or at once when the BMC object turned Ready after this failure (it answers again).
         */
        public Instant retryAt(Duration first, Duration ceiling, Optional<Instant> bmcReadySince) {
            // Condition times have whole seconds: a Ready in the failure's second counts as after it.
            if (bmcReadySince.filter(ready -> !ready.isBefore(at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))).isPresent()) {
                return at;
            }
            return at.plus(FailureBackoff.after(consecutive, first, ceiling));
        }
    }

    /** The power read after the last action was issued, if any: the BMC's answer to that action. */
    public boolean powerReadSince(Instant instant) {
        return powerReadAt != null && !powerReadAt.isBefore(instant);
    }

    /** Whether the power was read within the given time before now. */
    public boolean powerFresh(Instant now, Duration maxAge) {
        return powerReadAt != null && powerReadAt.plus(maxAge).isAfter(now);
    }

    /** Whether this action was issued within the given time before now. */
    public boolean issuedWithin(PowerAction action, Instant now, Duration window) {
        return lastAction != null && lastAction.action() == action && lastAction.at().plus(window).isAfter(now);
    }

    /** A read of the system: its power, and its LED when the BMC reports one. */
    Observation withReading(ServerPowerState value, IndicatorLED readLed, Instant at) {
        return new Observation(value, at, lastAction, override, inventory, null, busy, readLed == null ? led : readLed,
                ledRequest);
    }

    Observation withAction(PowerAction action, Instant at) {
        return new Observation(power, powerReadAt, new IssuedAction(action, at), override, inventory, null, busy, led, ledRequest);
    }

    Observation withOverride(OverrideReading reading) {
        return new Observation(power, powerReadAt, lastAction, reading, inventory, null, busy, led, ledRequest);
    }

    Observation withInventory(SystemInventory value) {
        IndicatorLED read = value == null ? null : IndicatorLeds.parse(value.indicatorLED());
        return new Observation(power, powerReadAt, lastAction, override, value, null, busy, read == null ? led : read, ledRequest);
    }

    /** The answer to an LED request: the LED read back, or the BMC's refusal (which is not a failure of the BMC). */
    Observation withLedRequest(LedRequest request) {
        return new Observation(power, powerReadAt, lastAction, override, inventory, request.refusal() == null ? null : failure,
                busy, request.readBack() == null ? led : request.readBack(), request);
    }

    Observation withFailure(String reason, String message, Instant at) {
        int consecutive = failure == null ? 1 : failure.consecutive() + 1;
        return new Observation(power, powerReadAt, lastAction, override, inventory, new Failure(reason, message, at, consecutive),
                busy, led, ledRequest);
    }

    Observation withBusy(boolean value) {
        return new Observation(power, powerReadAt, lastAction, override, inventory, failure, value, led, ledRequest);
    }
}
