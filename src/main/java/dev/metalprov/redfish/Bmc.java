package dev.metalprov.redfish;

/** One BMC, as the small capabilities the operator uses, composed. */
public interface Bmc extends PowerControl, BootControl, IndicatorControl, Inventory, AutoCloseable {

    @Override
    void close();
}
