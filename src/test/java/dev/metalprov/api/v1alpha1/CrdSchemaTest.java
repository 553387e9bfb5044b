package dev.metalprov.api.v1alpha1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;

/**
 * The committed CRDs (which {@code GeneratedCrdsIT} keeps equal to the generated ones) carry the
 * scope, names, printer columns, enums, defaults, required fields and CEL rules of the API
 * contract. Read from the YAML, because that is what the API server enforces.
 */
class CrdSchemaTest {

    @Nested
    class ServerCrd {
        final Crd crd = new Crd("servers");

        @Test
        void namesScopeAndColumns() {
            crd.assertNames("Server", "Cluster", "srv");
            crd.assertColumns(Map.of("UUID", ".spec.systemUUID", "Manufacturer", ".status.manufacturer",
                    "Model", ".status.model", "PowerState", ".status.powerState", "State", ".status.state",
                    "Claim", ".spec.serverClaimRef.name", "Ready", READY_STATUS, "Reason", READY_REASON,
                    "Age", ".metadata.creationTimestamp"));
            crd.assertSummedUp();
        }

        @Test
        void specFields() {
            crd.assertRequired("spec", "systemUUID");
            crd.assertEnum("spec.reclaimPolicy", "Recycle", "Retain");
            crd.assertDefault("spec.reclaimPolicy", "\"Recycle\"");
            crd.assertDefault("spec.unclaimable", "false");
            crd.assertEnum("spec.power", "On", "Off");
            crd.assertEnum("spec.indicatorLED", "Unknown", "Lit", "Blinking", "Off");
            crd.assertRequired("spec.taints[]", "key");
            crd.assertEnum("spec.taints[].effect", "NoBind", "Evict");
            crd.assertDefault("spec.taints[].effect", "\"NoBind\"");
            crd.assertRequired("spec.bmc", "protocol", "address", "bmcSecretRef");
            crd.assertEnum("spec.bmc.protocol.scheme", "http", "https");
            crd.assertRequired("spec.bootOrder[]", "name", "priority", "device");
        }

        @Test
        void celRules() {
            crd.assertRule("spec", "!(has(self.bmcRef) && has(self.bmc))", "at most one of spec.bmcRef and spec.bmc may be set");
            crd.assertRule("spec.serverClaimRef", "self == oldSelf",
                    "spec.serverClaimRef cannot be changed once set; it can only be cleared");
        }

        @Test
        void statusFields() {
            crd.assertEnum("status.state", "Initial", "Discovery", "Available", "Reserved", "Released", "Error", "Parked");
            crd.assertEnum("status.powerState", "On", "Off", "Paused", "PoweringOn", "PoweringOff");
            crd.assertEnum("status.indicatorLED", "Unknown", "Lit", "Blinking", "Off");
            crd.assertHasProperties("status", "manufacturer", "model", "sku", "serialNumber", "biosVersion",
                    "totalSystemMemory", "processors", "networkInterfaces", "storages", "conditions", "observedGeneration");
            crd.assertHasProperties("status.processors[]", "id", "type", "architecture", "model", "totalCores",
                    "totalThreads", "maxSpeedMHz");
            crd.assertHasProperties("status.networkInterfaces[]", "name", "macAddress", "ips");
            assertEquals(Boolean.TRUE, crd.at("status.totalSystemMemory").getXKubernetesIntOrString(),
                    "totalSystemMemory is a quantity");
        }
    }

    @Nested
    class ServerClaimCrd {
        final Crd crd = new Crd("serverclaims");

        @Test
        void namesScopeAndColumns() {
            crd.assertNames("ServerClaim", "Namespaced", "scl");
            crd.assertColumns(Map.of("Server", ".spec.serverRef.name", "Image", ".spec.image", "Power", ".spec.power",
                    "Phase", ".status.phase", "Ready", READY_STATUS, "Reason", READY_REASON, "Age", ".metadata.creationTimestamp"));
            crd.assertSummedUp();
        }

        @Test
        void specFields() {
            crd.assertRequired("spec", "image", "power");
            crd.assertEnum("spec.power", "On", "Off");
            crd.assertRequired("spec.serverRef", "name");
            crd.assertRequired("spec.ignitionSecretRef", "name");
            crd.assertRequired("spec.serverSelector.matchExpressions[]", "key", "operator");
            crd.assertEnum("spec.serverSelector.matchExpressions[].operator", "In", "NotIn", "Exists", "DoesNotExist");
            crd.assertHasProperties("spec.serverSelector", "matchLabels", "matchExpressions");
            crd.assertEnum("spec.tolerations[].operator", "Equal", "Exists");
            crd.assertDefault("spec.tolerations[].operator", "\"Equal\"");
            crd.assertEnum("spec.tolerations[].effect", "NoBind", "Evict");
        }

        @Test
        void celRules() {
            crd.assertRule("spec.serverRef", "self == oldSelf", "spec.serverRef is immutable once set");
            crd.assertRule("spec.serverSelector", "self == oldSelf", "spec.serverSelector is immutable once set");
            crd.assertRule("spec", "!has(oldSelf.serverRef) || has(self.serverRef)", "spec.serverRef cannot be removed once set");
            crd.assertRule("spec", "!has(oldSelf.serverSelector) || has(self.serverSelector)",
                    "spec.serverSelector cannot be removed once set");
            crd.assertRuleMessage("spec.serverSelector.matchExpressions[]",
                    "values must be non-empty for operators In and NotIn, and empty for Exists and DoesNotExist");
            crd.assertRuleMessage("spec.tolerations[]", "a toleration with operator Exists must not set value");
        }

        @Test
        void statusFields() {
            crd.assertEnum("status.phase", "Bound", "Unbound");
            crd.assertHasProperties("status", "phase", "conditions", "observedGeneration");
        }
    }

    @Nested
    class ServerBootConfigurationCrd {
        final Crd crd = new Crd("serverbootconfigurations");

        @Test
        void namesScopeAndColumns() {
            crd.assertNames("ServerBootConfiguration", "Namespaced", "sbc");
            crd.assertColumns(Map.of("Server", ".spec.serverRef.name", "Image", ".spec.image", "State", ".status.state",
                    "Ready", READY_STATUS, "Reason", READY_REASON, "Age", ".metadata.creationTimestamp"));
            crd.assertSummedUp();
        }

        @Test
        void fields() {
            crd.assertRequired("spec", "serverRef");
            crd.assertHasProperties("spec", "serverRef", "image", "ignitionSecretRef");
            crd.assertEnum("status.state", "Pending", "Ready", "Error");
            crd.assertHasProperties("status", "state", "conditions");
        }
    }

    @Nested
    class BmcCrd {
        final Crd crd = new Crd("bmcs");

        @Test
        void namesAndScope() {
            crd.assertNames("BMC", "Cluster");
        }

        @Test
        void specFields() {
            crd.assertRequired("spec", "bmcSecretRef", "protocol");
            crd.assertRequired("spec.protocol", "name", "port");
            crd.assertEnum("spec.protocol.name", "Redfish", "RedfishLocal", "RedfishKube", "IPMI", "SSH");
            crd.assertEnum("spec.protocol.scheme", "http", "https");
            assertEquals(65535.0, crd.at("spec.protocol.port").getMaximum(), "port maximum");
            crd.assertHasProperties("spec.access", "ip", "macAddress");
            assertNotNull(crd.at("spec.access.macAddress").getPattern(), "macAddress has a pattern");
            crd.assertHasProperties("spec", "bmcUUID", "hostname", "tls");
            crd.assertDefault("spec.tls.insecureSkipVerify", "false");
            crd.assertRequired("spec.tls.caSecretRef", "name");
        }

        @Test
        void celRules() {
            crd.assertRule("spec", "has(self.access) != has(self.endpointRef)",
                    "exactly one of spec.access and spec.endpointRef must be set");
            crd.assertRule("spec.access", "self == oldSelf", "spec.access is immutable");
        }

        @Test
        void statusFields() {
            crd.assertEnum("status.state", "Pending", "Enabled", "Error");
            crd.assertEnum("status.powerState", "On", "Off", "Paused", "PoweringOn", "PoweringOff");
            crd.assertHasProperties("status", "manufacturer", "model", "serialNumber", "firmwareVersion", "conditions");
        }
    }

    @Nested
    class BmcSecretCrd {
        final Crd crd = new Crd("bmcsecrets");

        @Test
        void namesAndScope() {
            crd.assertNames("BMCSecret", "Cluster", "bmcsec");
        }

        @Test
        void secretShapedFields() {
            crd.assertHasProperties("", "data", "stringData", "immutable", "type");
            crd.assertRuleMessage("", "a BMCSecret needs the key 'username' in data or stringData");
            crd.assertRuleMessage("", "a BMCSecret needs the key 'password' in data or stringData");
            crd.assertRuleMessage("", "an immutable BMCSecret cannot change its data, stringData or immutable fields");
        }
    }

    static final String READY_STATUS = ".status.conditions[?(@.type==\"Ready\")].status";
    static final String READY_REASON = ".status.conditions[?(@.type==\"Ready\")].reason";

    /** One CRD file and the questions the tests ask of it. */
    static final class Crd {
        private final String plural;
        private final CustomResourceDefinition definition;
        private final CustomResourceDefinitionVersion version;

        Crd(String plural) {
            this.plural = plural;
            this.definition = Manifests.crd(plural);
            assertEquals(1, definition.getSpec().getVersions().size(), plural + " serves one version");
            this.version = definition.getSpec().getVersions().get(0);
            assertEquals(Metal.VERSION, version.getName());
            assertTrue(version.getServed() && version.getStorage(), plural + " is served and stored");
            assertNotNull(version.getSubresources().getStatus(), plural + " has a status subresource");
        }

        /** The schema at a dotted path; {@code []} steps into array items; "" is the root. */
        JSONSchemaProps at(String path) {
            JSONSchemaProps schema = version.getSchema().getOpenAPIV3Schema();
            if (path.isEmpty()) {
                return schema;
            }
            for (String step : path.split("\\.")) {
                boolean array = step.endsWith("[]");
                String name = array ? step.substring(0, step.length() - 2) : step;
                assertNotNull(schema.getProperties(), plural + ": no properties above " + path);
                schema = schema.getProperties().get(name);
                assertNotNull(schema, plural + ": no field " + path);
                if (array) {
                    assertEquals("array", schema.getType(), plural + ": " + name + " is an array");
                    schema = schema.getItems().getSchema();
                }
            }
            return schema;
        }

        void assertNames(String kind, String scope, String... shortNames) {
            assertEquals(Metal.GROUP, definition.getSpec().getGroup());
            assertEquals(plural + "." + Metal.GROUP, definition.getMetadata().getName());
            assertEquals(kind, definition.getSpec().getNames().getKind());
            assertEquals(scope, definition.getSpec().getScope());
            assertEquals(List.of(shortNames), definition.getSpec().getNames().getShortNames() == null ? List.of()
                    : definition.getSpec().getNames().getShortNames());
        }

        /**
         * What a kind with a Ready condition offers kubectl: a description for {@code kubectl explain},
         * conditions as a list keyed by type, Ready and its reason as columns, and Age last.
         */
        void assertSummedUp() {
            assertNotNull(at("").getDescription(), plural + ": kubectl explain has a description of the kind");
            JSONSchemaProps conditions = at("status.conditions");
            assertEquals("map", conditions.getXKubernetesListType(), plural + ": conditions keyed");
            assertEquals(List.of("type"), conditions.getXKubernetesListMapKeys(), plural + ": conditions keyed by type");
            assertTrue(at("status.conditions[]").getRequired().containsAll(List.of("type", "status")), plural + ": the key is required");
            var names = version.getAdditionalPrinterColumns().stream().map(c -> c.getName()).toList();
            assertEquals("Age", names.get(names.size() - 1), plural + ": Age comes last: " + names);
            assertEquals(names.indexOf("Ready") + 1, names.indexOf("Reason"), plural + ": the reason follows Ready: " + names);
        }

        void assertColumns(Map<String, String> expected) {
            Map<String, String> columns = new LinkedHashMap<>();
            version.getAdditionalPrinterColumns().forEach(c -> columns.put(c.getName(), c.getJsonPath()));
            assertEquals(new TreeSet<>(expected.entrySet().stream().map(Object::toString).toList()),
                    new TreeSet<>(columns.entrySet().stream().map(Object::toString).toList()), plural + " printer columns");
        }

        void assertRequired(String path, String... fields) {
            List<String> required = at(path).getRequired();
            assertNotNull(required, plural + ": " + path + " has required fields");
            assertEquals(Set.of(fields), Set.copyOf(required), plural + ": required fields of " + path);
        }

        void assertEnum(String path, String... values) {
            List<JsonNode> found = at(path).getEnum();
            assertNotNull(found, plural + ": " + path + " is an enum");
            assertEquals(Set.of(values), found.stream().map(JsonNode::asText).collect(Collectors.toSet()),
                    plural + ": values of " + path);
        }

        void assertDefault(String path, String json) {
            JsonNode found = at(path).getDefault();
            assertNotNull(found, plural + ": " + path + " has a default");
            assertEquals(json, found.toString(), plural + ": default of " + path);
        }

        void assertHasProperties(String path, String... names) {
            Set<String> properties = at(path).getProperties().keySet();
            for (String name : names) {
                assertTrue(properties.contains(name), plural + ": " + path + " has no field " + name);
            }
        }

        void assertRule(String path, String rule, String message) {
            List<ValidationRule> rules = rules(path);
            assertTrue(rules.stream().anyMatch(r -> rule.equals(r.getRule()) && message.equals(r.getMessage())),
                    plural + ": " + path + " lacks the rule " + rule + " (" + message + "); has " + rules);
        }

        void assertRuleMessage(String path, String message) {
            List<ValidationRule> rules = rules(path);
            assertTrue(rules.stream().anyMatch(r -> message.equals(r.getMessage()) && !r.getRule().isBlank()),
                    plural + ": " + path + " lacks a rule with message " + message + "; has " + rules);
        }

        private List<ValidationRule> rules(String path) {
            List<ValidationRule> rules = at(path).getXKubernetesValidations();
            assertNotNull(rules, plural + ": " + path + " has CEL rules");
            return rules;
        }
    }
}
