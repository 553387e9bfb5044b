package dev.metalprov.bmc;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.metalprov.api.v1alpha1.BMC;
import dev.metalprov.api.v1alpha1.BMCSecret;
import dev.metalprov.api.v1alpha1.BMCState;
import dev.metalprov.api.v1alpha1.BMCStatus;
import dev.metalprov.api.v1alpha1.LocalObjectReference;
import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.api.v1alpha1.ProtocolName;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.api.v1alpha1.ServerSpec;
import dev.metalprov.common.Conditions;
import dev.metalprov.common.Events;
import dev.metalprov.common.FailureBackoff;
import dev.metalprov.common.OperatorConfig;
import dev.metalprov.metrics.FleetGauges;
import dev.metalprov.redfish.Bmc;
import dev.metalprov.redfish.BmcConnections;
import dev.metalprov.redfish.Inventory;
import dev.metalprov.server.BmcException;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.quarkiverse.operatorsdk.annotations.RBACRule;

/**
 * Connects to a BMC, reports what it is and whether it answers (condition Ready with reason
 * Connected, AuthenticationFailed, ConnectionFailed or InternalServerError), and creates one
 * Server per system it manages: {@code <bmc>-system-<n>}, owned by the BMC, with its labels.
 * A fixed BMCSecret is noticed at once: secrets are watched and mapped to the BMCs using them.
 */
@ControllerConfiguration(name = BMCReconciler.NAME)
@RBACRule(apiGroups = Metal.GROUP, resources = "servers", verbs = { "get", "list", "watch", "create" })
@RBACRule(apiGroups = Metal.GROUP, resources = "bmcsecrets", verbs = { "get", "list", "watch" })
@RBACRule(apiGroups = "", resources = "events", verbs = "create")
public class BMCReconciler implements Reconciler<BMC> {

    public static final String NAME = "bmc";
    public static final String READY = "Ready";
    public static final String CONNECTED = "Connected";
    private static final String BY_SECRET = "bySecret";
    private static final Logger LOG = Logger.getLogger(BMCReconciler.class);

    @Inject
    BmcConnections connections;

    @Inject
    KubernetesClient client;

    @Inject
    Events events;

    @Inject
    OperatorConfig config;

    @Inject
    Clock clock;

    private final FailureBackoff backoff = new FailureBackoff();

    @Inject
    FleetGauges fleet;

    @Override
    public List<EventSource<?, BMC>> prepareEventSources(EventSourceContext<BMC> context) {
        context.getPrimaryCache().addIndexers(Map.of(BY_SECRET, bmc -> List.of(bmc.getSpec().getBmcSecretRef().getName())));
        InformerEventSource<BMCSecret, BMC> secrets = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(BMCSecret.class, BMC.class)
                        .withName("bmcsecrets")
                        .withSecondaryToPrimaryMapper(secret -> context.getPrimaryCache()
                                .byIndex(BY_SECRET, secret.getMetadata().getName()).stream()
                                .map(ResourceID::fromResource).collect(java.util.stream.Collectors.toSet()))
                        .build(),
                context);
        fleet.observeBmcs(context.getPrimaryCache());
        return List.of(secrets);
    }

    @Override
    public UpdateControl<BMC> reconcile(BMC bmc, Context<BMC> context) {
        String before = json(bmc.getStatus());
        BMCStatus status = bmc.getStatus() == null ? new BMCStatus() : bmc.getStatus();
        bmc.setStatus(status);
        Duration next;
        if (bmc.getSpec().getProtocol().getName() != ProtocolName.REDFISH) {
            report(bmc, BMCState.ERROR, "UnsupportedProtocol", "protocol " + bmc.getSpec().getProtocol().getName()
                    + " is not served; only Redfish is");
            next = null;
        } else if (bmc.getSpec().getAccess() == null) {
            report(bmc, BMCState.ERROR, "EndpointRefUnsupported",
                    "spec.endpointRef is not served by this operator; give the address in spec.access");
            next = null;
        } else {
            next = connect(bmc);
        }
        status.setObservedGeneration(bmc.getMetadata().getGeneration());
        UpdateControl<BMC> control = Objects.equals(before, json(status)) ? UpdateControl.noUpdate() : UpdateControl.patchStatus(bmc);
        return next == null ? control : control.rescheduleAfter(next.toMillis());
    }

    private Duration connect(BMC bmc) {
        try {
            Bmc connection = connections.forBmc(bmc);
            Inventory.ManagerInfo manager = connection.manager();
            BMCStatus status = bmc.getStatus();
            status.setManufacturer(manager.manufacturer());
            status.setModel(manager.model());
            status.setSerialNumber(manager.serialNumber());
            status.setFirmwareVersion(manager.firmwareVersion());
            status.setIp(bmc.getSpec().getAccess().getIp());
            status.setMacAddress(bmc.getSpec().getAccess().getMacAddress());
            List<String> systems = connection.systemUris();
            if (!systems.isEmpty()) {
                status.setPowerState(powerState(connection.system(systems.get(0)).powerState()));
            }
            for (int n = 0; n < systems.size(); n++) {
                ensureServer(bmc, n, connection.system(systems.get(n)));
            }
            report(bmc, BMCState.ENABLED, CONNECTED, "connected over Redfish; " + systems.size() + " systems");
            backoff.succeeded(bmc.getMetadata().getName());
            return config.powerResyncInterval();
        } catch (BmcException e) {
            String reason = switch (e.reason()) {
                case BmcException.AUTHENTICATION_FAILED, BmcException.CONNECTION_FAILED -> e.reason();
                case BmcException.CONFIGURATION_ERROR -> BmcException.CONFIGURATION_ERROR;
                default -> BmcException.INTERNAL_SERVER_ERROR;
            };
            report(bmc, BMCState.ERROR, reason, e.getMessage());
            return backoff.failed(bmc.getMetadata().getName(), config.errorBackoff(), config.maxErrorBackoff());
        }
    }

    /** The Server of the BMC's n-th system, created once; the operator does not rewrite servers it made. */
    private void ensureServer(BMC bmc, int n, Inventory.SystemInventory system) {
        String name = bmc.getMetadata().getName() + "-system-" + n;
        if (client.resources(Server.class).withName(name).get() != null) {
            return;
        }
        Server server = new Server();
        Map<String, String> labels = bmc.getMetadata().getLabels() == null ? Map.of() : new HashMap<>(bmc.getMetadata().getLabels());
        server.setMetadata(new ObjectMetaBuilder().withName(name).withLabels(labels)
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(bmc.getApiVersion()).withKind(bmc.getKind())
                        .withName(bmc.getMetadata().getName()).withUid(bmc.getMetadata().getUid())
                        .withController(true).withBlockOwnerDeletion(true).build())
                .build());
        ServerSpec spec = new ServerSpec();
        spec.setSystemUUID(system.uuid());
        spec.setSystemURI(system.uri());
        spec.setBmcRef(new LocalObjectReference(bmc.getMetadata().getName()));
        server.setSpec(spec);
        try {
            client.resource(server).create();
            events.normal(bmc, "ServerCreated", "created server " + name + " for system " + system.uri());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            LOG.debugf("server %s appeared meanwhile", name);
        }
    }

    private void report(BMC bmc, BMCState state, String reason, String message) {
        BMCStatus status = bmc.getStatus();
        String previous = Conditions.reason(status.getConditions(), READY).orElse(null);
        status.setState(state);
        status.setConditions(Conditions.with(status.getConditions(), READY, state == BMCState.ENABLED, reason, message,
                bmc.getMetadata().getGeneration(), clock.instant()));
        if (!reason.equals(previous)) {
            if (state == BMCState.ENABLED) {
                events.normal(bmc, reason, message);
            } else {
                events.warning(bmc, reason, message);
            }
        }
    }

    private static ServerPowerState powerState(String value) {
        return java.util.Arrays.stream(ServerPowerState.values()).filter(s -> s.value().equals(value)).findFirst().orElse(null);
    }

    private String json(Object value) {
        return value == null ? null : client.getKubernetesSerialization().asJson(value);
    }

}
