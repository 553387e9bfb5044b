package dev.metalprov.server;

import dev.metalprov.api.v1alpha1.IndicatorLED;
import dev.metalprov.server.PowerAdapter.NetworkBoot;
import dev.metalprov.server.PowerAdapter.PowerAction;

/** One request a state handler wants sent to a server's BMC. Each is one short exchange. */
public sealed interface BmcCommand {

    /** Read the power state back. */
    record ReadPower() implements BmcCommand {
    }

    /** Ask for a power action; the BMC carries it out in its own time. */
    record Power(PowerAction action) implements BmcCommand {
    }

    /** Set the one-time network boot for a boot configuration, and read the override back. */
    record BootOnce(NetworkBoot boot, String bootConfigurationUid) implements BmcCommand {
    }

    /** Read the system's inventory: who the machine is and what it has. */
    record ReadInventory() implements BmcCommand {
    }

    /** Set the system's indicator LED, and read it back. */
    record SetIndicatorLED(IndicatorLED led) implements BmcCommand {
    }

    BmcCommand READ_POWER = new ReadPower();
    BmcCommand READ_INVENTORY = new ReadInventory();

    static BmcCommand power(PowerAction action) {
        return new Power(action);
    }
}
