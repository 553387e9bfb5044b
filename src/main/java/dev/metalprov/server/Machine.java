package dev.metalprov.server;

import dev.metalprov.redfish.BmcAccess;

/**
 * A server's machine as the BMC layer addresses it: how to reach its BMC, and which system it is
 * there. {@code systemUri} may be null for a server known only by its UUID; the adapter then finds
 * the system by UUID. Built by the reconcilers from their informer caches, never by a live read.
 */
public record Machine(String server, BmcAccess access, String systemUri, String systemUUID) {

    @Override
    public String toString() {
        return "Machine[" + server + " at " + access + (systemUri == null ? "" : " " + systemUri) + "]";
    }
}
