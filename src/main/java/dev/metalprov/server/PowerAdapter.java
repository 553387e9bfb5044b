package dev.metalprov.server;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;

import dev.metalprov.api.v1alpha1.IndicatorLED;
import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.redfish.Inventory.SystemInventory;

/**
 * What the server lifecycle needs from a machine's BMC. Every call returns at once with a future:
 * the request runs off the caller's thread and completes the future with the answer, or
 * exceptionally with a {@link BmcException} whose reason and message say why. No caller ever
 * waits for a BMC, a retry or a backoff; a power action is one request, and the power state is
 * read back by a later call.
 */
public interface PowerAdapter {

    /** The power state the BMC reports now. */
    CompletableFuture<ServerPowerState> powerState(Machine machine);

    /**
     * The power state and, where the BMC reports one, the indicator LED, from one read of the
     * system. Adapters that cannot read the LED answer the power alone.
     */
    default CompletableFuture<SystemReading> read(Machine machine) {
        return powerState(machine).thenApply(power -> new SystemReading(power, null));
    }

    /**
     * Sets the system's indicator LED and answers the LED the BMC reads back afterwards, or null
     * when it reports none.
     */
    CompletableFuture<IndicatorLED> setIndicatorLED(Machine machine, IndicatorLED led);

    /** Asks the BMC for a power action; it carries it out in its own time. */
    CompletableFuture<Void> perform(Machine machine, PowerAction action);

    /**
     * Asks for the next boot, and only that one, to be from the network, and answers the override
     * the BMC reads back afterwards (some BMCs accept the change and silently drop it).
     */
    CompletableFuture<BootOverride> bootOnceFromNetwork(Machine machine, NetworkBoot boot);

    /** What the BMC knows of the machine, with the Redfish path of its system. */
    CompletableFuture<SystemInventory> readInventory(Machine machine);

    /** What one read of a system says: its power, and its indicator LED or null. */
    record SystemReading(ServerPowerState power, IndicatorLED indicatorLED) {
    }

    /** The power actions of a BMC (Redfish's ComputerSystem.Reset types). */
    enum PowerAction {
        ON,
        FORCE_ON,
        GRACEFUL_SHUTDOWN,
        FORCE_OFF,
        GRACEFUL_RESTART,
        FORCE_RESTART,
        POWER_CYCLE
    }

    /** How a machine boots from the network: PXE, or UEFI HTTP boot from a URI. */
    record NetworkBoot(Kind kind, String uri) {

        public enum Kind {
            PXE("Pxe"),
            UEFI_HTTP("UefiHttp");

            private final String target;

            Kind(String target) {
                this.target = target;
            }

            /** The Redfish {@code BootSourceOverrideTarget} of this kind. */
            public String target() {
                return target;
            }
        }

        public static NetworkBoot pxe() {
            return new NetworkBoot(Kind.PXE, null);
        }

        public static NetworkBoot uefiHttp(String uri) {
            return new NetworkBoot(Kind.UEFI_HTTP, uri);
        }
    }

    /**
     * The boot override a BMC reports: {@code BootSourceOverrideEnabled} ({@code Once},
     * {@code Continuous}, {@code Disabled}) and {@code BootSourceOverrideTarget}, as read back.
     */
    record BootOverride(String enabled, String target) {

        /** The machine will boot from the network as asked: the target matches and the override is on. */
        public boolean bootsFrom(NetworkBoot boot) {
            return boot.kind().target().equals(target) && (once() || continuous());
        }

        public boolean once() {
            return "once".equals(lower(enabled));
        }

        public boolean continuous() {
            return "continuous".equals(lower(enabled));
        }

        private static String lower(String value) {
            return value == null ? null : value.toLowerCase(Locale.ROOT);
        }

        @Override
        public String toString() {
            return enabled + "/" + target;
        }
    }
}
