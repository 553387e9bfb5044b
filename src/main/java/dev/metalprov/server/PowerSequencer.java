package dev.metalprov.server;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.common.OperatorConfig;
import dev.metalprov.server.PowerAdapter.PowerAction;

/**
 * Moves a machine toward the power it should have, one request at a time, from what its BMC last
 * said: it reads the power, asks for a change, reads back after the poll interval, asks again only
 * after the retry interval, and turns a graceful shutdown into a forced one after its timeout.
 * It decides; {@link BmcCommands} sends. Nothing here waits.
 */
@ApplicationScoped
public class PowerSequencer {

    @Inject
    OperatorConfig config;

    /**
     * Where the machine stands against the wanted power.
     *
     * @param reached the BMC confirmed the wanted power after the last action
     * @param command what to send now, if anything
     * @param recheck when to look again
     */
    public record Step(boolean reached, Optional<BmcCommand> command, Duration recheck) {
    }

    public PowerSequencer() {
    }

    PowerSequencer(OperatorConfig config) {
        this.config = config;
    }

    /** Toward On: the caller has made sure the machine may be powered on. */
    public Step on(Observation bmc, Instant now) {
        return toward(true, bmc, now);
    }

    /** Toward Off: graceful first, forced once the graceful shutdown has run out of time. */
    public Step off(Observation bmc, Instant now) {
        return toward(false, bmc, now);
    }

    private Step toward(boolean on, Observation bmc, Instant now) {
        if (bmc.power() == null) {
            return read(bmc, now);
        }
        var last = bmc.lastAction();
        if (last != null && !bmc.powerReadSince(last.at())) {
            // An action is under way and its outcome has not been read yet.
            return read(bmc, now);
        }
        ServerPowerState power = bmc.power();
        if (on ? power == ServerPowerState.ON : power == ServerPowerState.OFF) {
            return refresh(bmc, now);
        }
        if (on) {
            if (power == ServerPowerState.POWERING_ON || bmc.issuedWithin(PowerAction.ON, now, config.powerActionRetryInterval())) {
                return read(bmc, now);
            }
            return send(PowerAction.ON);
        }
        PowerAction lastAction = last == null ? null : last.action();
        if (lastAction == PowerAction.GRACEFUL_SHUTDOWN) {
            if (!last.at().plus(config.gracefulShutdownTimeout()).isAfter(now)) {
                return send(PowerAction.FORCE_OFF);
            }
            return read(bmc, now);
        }
        if (lastAction == PowerAction.FORCE_OFF) {
            return bmc.issuedWithin(PowerAction.FORCE_OFF, now, config.powerActionRetryInterval()) ? read(bmc, now)
                    : send(PowerAction.FORCE_OFF);
        }
        if (power == ServerPowerState.POWERING_OFF) {
            // Someone else is shutting it down; see where that goes before asking.
            return read(bmc, now);
        }
        return send(PowerAction.GRACEFUL_SHUTDOWN);
    }

    private Step send(PowerAction action) {
        return new Step(false, Optional.of(BmcCommand.power(action)), config.powerPollInterval());
    }

    /** Reads the power again once the poll interval since the last read has passed. */
    private Step read(Observation bmc, Instant now) {
        Duration poll = config.powerPollInterval();
        if (bmc.powerFresh(now, poll) && (bmc.lastAction() == null || bmc.powerReadSince(bmc.lastAction().at()))) {
            return new Step(false, Optional.empty(), Duration.between(now, bmc.powerReadAt().plus(poll)));
        }
        Instant due = bmc.lastAction() == null ? now : bmc.lastAction().at().plus(poll);
        if (due.isAfter(now)) {
            return new Step(false, Optional.empty(), Duration.between(now, due));
        }
        return new Step(false, Optional.of(BmcCommand.READ_POWER), poll);
    }

    /** Reached: the power is read again only on the resync interval, as BMCs send no events. */
    private Step refresh(Observation bmc, Instant now) {
        Duration resync = config.powerResyncInterval();
        if (bmc.powerFresh(now, resync)) {
            return new Step(true, Optional.empty(), Duration.between(now, bmc.powerReadAt().plus(resync)));
        }
        return new Step(true, Optional.of(BmcCommand.READ_POWER), resync);
    }

    /** Keeps the power as it is, reading it on the resync interval: for servers nobody powers. */
    public Step watch(Observation bmc, Instant now) {
        if (bmc.power() == null) {
            return new Step(false, Optional.of(BmcCommand.READ_POWER), config.powerPollInterval());
        }
        return refresh(bmc, now);
    }
}
