package dev.metalprov.redfish;

import java.util.concurrent.CompletableFuture;

import dev.metalprov.api.v1alpha1.IndicatorLED;
import dev.metalprov.server.PowerAdapter.SystemReading;

/** The indicator LED of one system, as upstream drives it: the system's {@code IndicatorLED} property. */
public interface IndicatorControl {

    /** Power and indicator LED of the system, from one read. */
    CompletableFuture<SystemReading> powerAndIndicator(String systemUri);

    /** Sets {@code IndicatorLED} and answers what the system reads back afterwards (null for none). */
    CompletableFuture<IndicatorLED> setIndicatorLed(String systemUri, IndicatorLED led);
}
