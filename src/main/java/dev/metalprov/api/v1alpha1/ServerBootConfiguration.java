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

/** What a server must boot: the contract between the claim flow and the boot service. */
@Group(Metal.GROUP)
@Version(Metal.VERSION)
@Kind("ServerBootConfiguration")
@Plural("serverbootconfigurations")
@Singular("serverbootconfiguration")
@ShortNames("sbc")
@AdditionalPrinterColumn(name = "Server", jsonPath = ".spec.serverRef.name", type = Type.STRING)
@AdditionalPrinterColumn(name = "Image", jsonPath = ".spec.image", type = Type.STRING)
@AdditionalPrinterColumn(name = "State", jsonPath = ".status.state", type = Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = Type.STRING)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class ServerBootConfiguration
        extends CustomResource<ServerBootConfigurationSpec, ServerBootConfigurationStatus> implements Namespaced {
}
