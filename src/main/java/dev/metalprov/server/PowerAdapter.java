package dev.metalprov.server;

import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerPowerState;

/**
 * What the server lifecycle needs from a machine's BMC. Every call is one short request: an
 * action is issued and the caller reads the power state back on a later reconcile, so no
 * reconcile thread ever waits for a machine to finish powering on or off.
 */
public interface PowerAdapter {

    /** The power state the BMC reports now. */
    ServerPowerState powerState(Server server) throws BmcException;

    /** Asks the BMC for a power action; it carries it out in its own time. */
    void perform(Server server, PowerAction action) throws BmcException;

    /** Asks the BMC to power the system on. */
    default void powerOn(Server server) throws BmcException {
        perform(server, PowerAction.ON);
    }

    /** Asks the BMC to shut the system down: gracefully, or at once when {@code force} is set. */
    default void powerOff(Server server, boolean force) throws BmcException {
        perform(server, force ? PowerAction.FORCE_OFF : PowerAction.GRACEFUL_SHUTDOWN);
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

    /**
     * Reads what the BMC knows of the machine (manufacturer, model, serial, BIOS, memory,
     * processors, network interfaces, power) into the server's status, and answers the Redfish
     * path of the system, for spec.systemURI.
     */
    String readInventory(Server server) throws BmcException;

    /** Makes the next boot, and only that one, boot from the network. */
    void bootOnceFromNetwork(Server server, NetworkBoot boot) throws BmcException;

    /** How a machine boots from the network: PXE, or UEFI HTTP boot from a URI. */
    record NetworkBoot(Kind kind, String uri) {

        public enum Kind {
            PXE,
            UEFI_HTTP
        }

        public static NetworkBoot pxe() {
            return new NetworkBoot(Kind.PXE, null);
        }

        public static NetworkBoot uefiHttp(String uri) {
            return new NetworkBoot(Kind.UEFI_HTTP, uri);
        }
    }
}
