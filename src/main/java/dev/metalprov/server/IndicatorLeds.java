package dev.metalprov.server;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.metalprov.api.v1alpha1.IndicatorLED;
import dev.metalprov.common.OperatorConfig;
import dev.metalprov.server.Observation.LedRequest;

/**
 * Brings the system's indicator LED to {@code spec.indicatorLED}, as upstream does for Available
 * and Reserved servers: when the BMC last reported another state, the LED is set (the system's
 * {@code IndicatorLED}) in a pass that sends nothing else, and read back. A BMC that refuses, or
 * does not keep what it accepted, is asked again only after the power action retry interval, and
 * says so in the {@code IndicatorLED} condition; it never puts the server in Error.
 * {@code Unknown} asks for nothing: it is what a BMC reports, not a state an LED can be set to.
 */
@ApplicationScoped
public class IndicatorLeds {

    @Inject
    OperatorConfig config;

    public IndicatorLeds() {
    }

    IndicatorLeds(OperatorConfig config) {
        this.config = config;
    }

    /** The LED a BMC reports, or null for none or a value outside the enum. */
    static IndicatorLED parse(String value) {
        return value == null ? null : Arrays.stream(IndicatorLED.values()).filter(l -> l.value().equals(value)).findFirst().orElse(null);
    }

    /** The plan, with the LED request added when the LED is not as wanted and the plan sends nothing else. */
    Plan apply(Situation s, Plan plan) {
        IndicatorLED wanted = s.server().getSpec().getIndicatorLED();
        if (wanted == null || wanted == IndicatorLED.UNKNOWN) {
            return plan.clearCondition(ServerConditions.INDICATOR_LED);
        }
        Observation bmc = s.bmc();
        if (bmc.led() == wanted) {
            return plan.condition(ServerConditions.INDICATOR_LED, true, ServerConditions.LED_APPLIED,
                    "the BMC reports the indicator LED " + wanted);
        }
        LedRequest last = bmc.ledRequest();
        boolean askedForThis = last != null && last.asked() == wanted;
        if (askedForThis && last.refusal() != null) {
            plan.condition(ServerConditions.INDICATOR_LED, false, ServerConditions.LED_REFUSED,
                    "the BMC refused to set the indicator LED to " + wanted + ": " + last.refusal());
        } else if (askedForThis && last.readBack() != wanted) {
            plan.condition(ServerConditions.INDICATOR_LED, false, ServerConditions.LED_NOT_KEPT, "the BMC accepted the indicator LED "
                    + wanted + " but reads back " + (last.readBack() == null ? "none" : last.readBack()));
        }
        if (askedForThis) {
            Instant again = last.at().plus(config.powerActionRetryInterval());
            if (again.isAfter(s.now())) {
                return plan.recheckAfter(earliest(plan, Duration.between(s.now(), again)));
            }
        }
        if (plan.command().isPresent() || plan.write().isPresent() || s.failure().isPresent()) {
            // One request per pass; the LED waits for a pass with nothing else to send.
            return plan;
        }
        return plan.send(new BmcCommand.SetIndicatorLED(wanted)).recheckAfter(earliest(plan, config.powerPollInterval()));
    }

    private static Duration earliest(Plan plan, Duration candidate) {
        return plan.recheck().filter(current -> current.compareTo(candidate) < 0).orElse(candidate);
    }
}
