package dev.metalprov.server;

/** The condition types of a Server and the reasons they carry. */
public final class ServerConditions {

    /** Whether the operator can reach the server's BMC; reasons are those of {@link BmcException}, or Connected. */
    public static final String BMC_REACHABLE = "BMCReachable";
    public static final String CONNECTED = "Connected";

    /** Whether the BMC keeps the one-time network boot a claimed server needs before it is powered on. */
    public static final String NETWORK_BOOT = "NetworkBoot";
    public static final String OVERRIDE_CONFIRMED = "OverrideConfirmed";
    public static final String OVERRIDE_NOT_KEPT = "BootOverrideNotKept";

    /** A released server whose BMC never confirmed power Off: kept out of the pool until it does. */
    public static final String QUARANTINED = "Quarantined";
    public static final String POWER_OFF_UNCONFIRMED = "PowerOffUnconfirmed";

    /** Whether the system's indicator LED is as spec.indicatorLED asks. */
    public static final String INDICATOR_LED = "IndicatorLED";
    public static final String LED_APPLIED = "IndicatorLEDApplied";
    public static final String LED_REFUSED = "IndicatorLEDRefused";
    public static final String LED_NOT_KEPT = "IndicatorLEDNotKept";

    /**
     * Parking: True while the server is parked; False while a park waits for a state it can be
     * done in (ParkDeferred) or for the power-off it needs (Parking).
     */
    public static final String PARKED = "Parked";
    public static final String PARKED_REASON = "Parked";
    public static final String PARK_DEFERRED = "ParkDeferred";
    public static final String PARKING = "Parking";
    public static final String UNPARKING = "Unparking";

    /** A server that names no BMC (neither spec.bmcRef nor spec.bmc), reported on BMCReachable. */
    public static final String NO_BMC = "NoBMC";

    private ServerConditions() {
    }
}
