package dev.metalprov.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;

/**
 * What the CRD generator cannot say from the classes, added at build time
 * ({@code quarkus.operator-sdk.crd.post-processor}): a description of each kind for
 * {@code kubectl explain}, status conditions as a list keyed by type (so that server-side apply
 * and strategic merges treat each condition as one entry), and the columns in the order a
 * reader scans them, Age last (the generator sorts them by name).
 */
public class CrdPolish implements CRDPostProcessor {

    static final Map<String, String> DESCRIPTIONS = Map.of(
            "ServerClaim", "A tenant's request for one physical server: bound to an Available Server by name or label"
                    + " selector, booted over the network with spec.image and its Ignition, and powered as spec.power asks."
                    + " Deleting it powers the server off and recycles or retains it.",
            "Server", "A physical machine behind a Redfish BMC: discovered, kept powered Off and Available until a"
                    + " ServerClaim binds it, then powered as its claim asks. Its status holds what the BMC reports.",
            "ServerBootConfiguration", "What a bound server boots: the OS image and Ignition of its claim, which the boot"
                    + " service turns into an iPXE script or a UEFI HTTP boot answer. Ready once the boot service has both.",
            "BMC", "A baseboard management controller: where it is reached, with which protocol and credentials. The"
                    + " operator creates a Server for each system it reports.",
            "BMCSecret", "The user name and password of one or more BMCs, in data or stringData as in a Secret. Cluster"
                    + " scoped; only the operator and platform administrators read it.");

    /** Who or what first, then its state, then why, then Age; a column not listed goes just before Age. */
    static final List<String> COLUMN_ORDER = List.of("Server", "Claim", "UUID", "IP", "Manufacturer", "Model", "FirmwareVersion",
            "Image", "Power", "PowerState", "State", "Phase", "Ready", "Reason", "Age");

    @Override
    public HasMetadata process(HasMetadata resource, String crdSpecVersion) {
        if (!(resource instanceof CustomResourceDefinition crd)) {
            return resource;
        }
        String kind = crd.getSpec().getNames().getKind();
        for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
            JSONSchemaProps schema = version.getSchema().getOpenAPIV3Schema();
            if (DESCRIPTIONS.containsKey(kind)) {
                schema.setDescription(DESCRIPTIONS.get(kind));
            }
            conditionsKeyedByType(schema);
            ageLast(version);
        }
        return crd;
    }

    private static void conditionsKeyedByType(JSONSchemaProps schema) {
        JSONSchemaProps status = schema.getProperties() == null ? null : schema.getProperties().get("status");
        JSONSchemaProps conditions = status == null || status.getProperties() == null ? null : status.getProperties().get("conditions");
        if (conditions == null || conditions.getItems() == null || conditions.getItems().getSchema() == null) {
            return;
        }
        conditions.setXKubernetesListType("map");
        conditions.setXKubernetesListMapKeys(List.of("type"));
        JSONSchemaProps item = conditions.getItems().getSchema();
        // A list keyed by type needs the key in every entry; status is what a condition is.
        List<String> required = new ArrayList<>(item.getRequired() == null ? List.of() : item.getRequired());
        for (String field : List.of("type", "status")) {
            if (!required.contains(field)) {
                required.add(field);
            }
        }
        item.setRequired(required);
    }

    private static void ageLast(CustomResourceDefinitionVersion version) {
        if (version.getAdditionalPrinterColumns() == null) {
            return;
        }
        List<CustomResourceColumnDefinition> columns = new ArrayList<>(version.getAdditionalPrinterColumns());
        columns.sort(Comparator.comparing(column -> {
            int at = COLUMN_ORDER.indexOf(column.getName());
            return at < 0 ? COLUMN_ORDER.size() - 1 : at;
        }));
        version.setAdditionalPrinterColumns(columns);
    }
}
