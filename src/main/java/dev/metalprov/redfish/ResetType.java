package dev.metalprov.redfish;

/** The Redfish {@code ComputerSystem.Reset} types the operator issues. */
public enum ResetType {
    ON("On"),
    FORCE_ON("ForceOn"),
    GRACEFUL_SHUTDOWN("GracefulShutdown"),
    FORCE_OFF("ForceOff"),
    GRACEFUL_RESTART("GracefulRestart"),
    FORCE_RESTART("ForceRestart"),
    POWER_CYCLE("PowerCycle");

    private final String value;

    ResetType(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }
}
