package dev.metalprov.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** A baseboard management controller (a Redfish endpoint) that owns servers. Cluster-scoped. */
@Group(Metal.GROUP)
@Version(Metal.VERSION)
@Kind("BMC")
@Plural("bmcs")
@Singular("bmc")
@AdditionalPrinterColumn(name = "IP", jsonPath = ".spec.access.ip", type = Type.STRING)
@AdditionalPrinterColumn(name = "Manufacturer", jsonPath = ".status.manufacturer", type = Type.STRING)
@AdditionalPrinterColumn(name = "Model", jsonPath = ".status.model", type = Type.STRING)
@AdditionalPrinterColumn(name = "FirmwareVersion", jsonPath = ".status.firmwareVersion", type = Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "State", jsonPath = ".status.state", type = Type.STRING)
@AdditionalPrinterColumn(name = "PowerState", jsonPath = ".status.powerState", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class BMC extends CustomResource<BMCSpec, BMCStatus> {
}
