package dev.metalprov.redfish;

import java.util.concurrent.CompletableFuture;

import dev.metalprov.api.v1alpha1.ServerPowerState;

/** Power of one system: read it, and ask for a change that the BMC carries out in its own time. */
public interface PowerControl {

    CompletableFuture<ServerPowerState> powerState(String systemUri);

    CompletableFuture<Void> reset(String systemUri, ResetType type);
}
