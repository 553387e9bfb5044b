package dev.metalprov.redfish;

import dev.metalprov.api.v1alpha1.ServerPowerState;

/** Power of one system: read it, and ask for a change that the BMC carries out in its own time. */
public interface PowerControl {

    ServerPowerState powerState(String systemUri);

    void reset(String systemUri, ResetType type);
}
