package dev.metalprov.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** A tenant's request for one Available server, with the OS image and Ignition to boot it with. */
@Group(Metal.GROUP)
@Version(Metal.VERSION)
@Kind("ServerClaim")
@Plural("serverclaims")
@Singular("serverclaim")
@ShortNames("scl")
@AdditionalPrinterColumn(name = "Server", jsonPath = ".spec.serverRef.name", type = Type.STRING)
@AdditionalPrinterColumn(name = "Image", jsonPath = ".spec.image", type = Type.STRING)
@AdditionalPrinterColumn(name = "Power", jsonPath = ".spec.power", type = Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = Type.STRING)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class ServerClaim extends CustomResource<ServerClaimSpec, ServerClaimStatus> implements Namespaced {
}
