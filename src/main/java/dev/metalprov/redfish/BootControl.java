package dev.metalprov.redfish;

import java.util.concurrent.CompletableFuture;

import dev.metalprov.server.PowerAdapter.BootOverride;
import dev.metalprov.server.PowerAdapter.NetworkBoot;

/** The boot source of a system's next boot. */
public interface BootControl {

    /**
     * Asks for the next boot, and only that one, to be from the network, and answers the override
     * the BMC reads back afterwards: some BMCs accept the change and silently drop it, and judging
     * that is the caller's business.
     */
    CompletableFuture<BootOverride> bootOnce(String systemUri, NetworkBoot boot);
}
