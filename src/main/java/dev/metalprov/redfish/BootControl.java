package dev.metalprov.redfish;

import dev.metalprov.server.PowerAdapter.NetworkBoot;

/** The boot source of a system's next boot. */
public interface BootControl {

    /**
     * Makes the next boot, and only that one, boot from the network, and reads the setting back:
     * some BMCs accept the change and silently drop it.
     */
    void bootOnce(String systemUri, NetworkBoot boot);
}
