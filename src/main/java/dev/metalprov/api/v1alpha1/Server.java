package dev.metalprov.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** One physical machine, reached through a BMC. Cluster-scoped. */
@Group(Metal.GROUP)
@Version(Metal.VERSION)
@Kind("Server")
@Plural("servers")
@Singular("server")
@ShortNames("srv")
@AdditionalPrinterColumn(name = "UUID", jsonPath = ".spec.systemUUID", type = Type.STRING)
@AdditionalPrinterColumn(name = "Manufacturer", jsonPath = ".status.manufacturer", type = Type.STRING)
@AdditionalPrinterColumn(name = "Model", jsonPath = ".status.model", type = Type.STRING)
@AdditionalPrinterColumn(name = "PowerState", jsonPath = ".status.powerState", type = Type.STRING)
@AdditionalPrinterColumn(name = "State", jsonPath = ".status.state", type = Type.STRING)
@AdditionalPrinterColumn(name = "Claim", jsonPath = ".spec.serverClaimRef.name", type = Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = Type.STRING)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class Server extends CustomResource<ServerSpec, ServerStatus> {
}
