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

    /** Asks the BMC to power the system on. */
    void powerOn(Server server) throws BmcException;

    /** Asks the BMC to shut the system down: gracefully, or at once when {@code force} is set. */
    void powerOff(Server server, boolean force) throws BmcException;

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
