package dev.metalprov.bmc;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.time.Instant;

import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.metalprov.api.v1alpha1.BMC;
import dev.metalprov.api.v1alpha1.BMCSecret;
import dev.metalprov.api.v1alpha1.BMCState;
import dev.metalprov.api.v1alpha1.BMCStatus;
import dev.metalprov.api.v1alpha1.LocalObjectReference;
import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.api.v1alpha1.ServerSpec;
import dev.metalprov.common.ActedOnChanges;
import dev.metalprov.common.Conditions;
import dev.metalprov.common.Events;
import dev.metalprov.common.FailureBackoff;
import dev.metalprov.common.OperatorConfig;
import dev.metalprov.common.PeriodicSweep;
import dev.metalprov.metrics.FleetGauges;
import dev.metalprov.operator.SharedItemStore;
import dev.metalprov.redfish.BmcAccess;
import dev.metalprov.redfish.BmcAccessResolver;
import dev.metalprov.redfish.BmcDirectory;
import dev.metalprov.redfish.Inventory;
import dev.metalprov.server.BmcException;
import dev.metalprov.server.Operations;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.quarkiverse.operatorsdk.annotations.RBACRule;

/**
 * Connects to a BMC, reports what it is and whether it answers (condition Ready with reason
 * Connected, AuthenticationFailed, ConnectionFailed or InternalServerError), and creates one
 * Server per system it manages: {@code <bmc>-system-<n>}, owned by the BMC, with its labels.
 * A fixed BMCSecret is noticed at once: secrets are watched and mapped to the BMCs using them.
 * The BMC itself is asked off the reconcile thread ({@link BmcProbes}); a reconcile reports the
 * last answer and starts the next probe when it is due.
 */
// Annotations wake a BMC too (ignore is lifted by removing one), so not only a new generation does.
@ControllerConfiguration(name = BMCReconciler.NAME, generationAwareEventProcessing = false,
        informer = @Informer(itemStore = SharedItemStore.class, onUpdateFilter = ActedOnChanges.class))
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
    BmcProbes probes;

    @Inject
    BmcAccessResolver resolver;

    @Inject
    KubernetesClient client;

    @Inject
    Events events;

    @Inject
    OperatorConfig config;

    @Inject
    Clock clock;

    private final PeriodicSweep sweep = new PeriodicSweep(Duration.ofMinutes(10));

    private InformerEventSource<BMCSecret, BMC> secrets;
    private InformerEventSource<Server, BMC> servers;
    /** The BMC's BMCSecret from the informer cache; a BMC object names no other BMC. */
    private final BmcDirectory directory = new BmcDirectory() {
        @Override
        public Optional<BMC> bmc(String name) {
            return Optional.empty();
        }

        @Override
        public Optional<BMCSecret> secret(String name) {
            return secrets.get(new ResourceID(name));
        }
    };

    @Inject
    FleetGauges fleet;

    @Override
    public List<EventSource<?, BMC>> prepareEventSources(EventSourceContext<BMC> context) {
        context.getPrimaryCache().addIndexers(Map.of(BY_SECRET, bmc -> List.of(bmc.getSpec().getBmcSecretRef().getName())));
        secrets = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(BMCSecret.class, BMC.class)
                        .withName("bmcsecrets")
                        .withItemStore(new SharedItemStore<>())
                        .withSecondaryToPrimaryMapper(secret -> context.getPrimaryCache()
                                .byIndex(BY_SECRET, secret.getMetadata().getName()).stream()
                                .map(ResourceID::fromResource).collect(Collectors.toSet()))
                        .build(),
                context);
        // The servers this controller made, to know which exist without asking the API server;
        // only their coming and going matters here.
        servers = new InformerEventSource<>(InformerEventSourceConfiguration.from(Server.class, BMC.class)
                .withName("servers")
                .withItemStore(new SharedItemStore<>())
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(BMC.class, true))
                .withOnUpdateFilter((updated, old) -> false)
                .build(), context);
        SimpleInboundEventSource<BMC> answers = new SimpleInboundEventSource<>("bmc-probes");
        probes.onAnswer(bmc -> answers.propagateEvent(new ResourceID(bmc)));
        fleet.observeBmcs(context.getPrimaryCache());
        return List.of(secrets, servers, answers);
    }

    @Override
    public UpdateControl<BMC> reconcile(BMC bmc, Context<BMC> context) {
        if (Operations.ignored(bmc)) {
            // Upstream's meaning: leave the BMC (its probes and the servers it would make) alone while set.
            return UpdateControl.noUpdate();
        }
        if (sweep.due(clock.instant())) {
            // BMCs go without a finalizer: the probes of those that are gone are dropped now and then.
            probes.retainOnly(context.getPrimaryCache().list().toList());
        }
        String before = json(bmc.getStatus());
        BMCStatus status = bmc.getStatus() == null ? new BMCStatus() : bmc.getStatus();
        bmc.setStatus(status);
        Duration next;
        if (!bmc.getSpec().getProtocol().getName().isRedfish()) {
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
        return next == null ? control : control.rescheduleAfter(Math.max(50, next.toMillis()));
    }

    /**
     * Reports the BMC's last probe, and starts a new one when there is none for its current
     * access, or the last is older than the resync interval, or failed and its backoff is over.
     */
    private Duration connect(BMC bmc) {
        BmcAccess access;
        try {
            access = resolver.resolve(bmc, directory);
        } catch (BmcException e) {
            report(bmc, BMCState.ERROR, e.reason(), e.getMessage());
            // The missing BMCSecret wakes the BMC when it appears.
            return config.maxErrorBackoff();
        }
        Instant now = clock.instant();
        BmcProbes.Probe probe = probes.last(bmc);
        if (probe == null || !probe.access().equals(access)) {
            probes.start(bmc, access);
            return config.powerResyncInterval();
        }
        if (!probe.succeeded()) {
            BmcException e = probe.failure();
            report(bmc, BMCState.ERROR, e.reason(), e.getMessage());
            Duration wait = FailureBackoff.after(probe.failuresInARow(), config.errorBackoff(), config.maxErrorBackoff());
            Instant due = probe.at().plus(wait);
            if (!due.isAfter(now)) {
                probes.start(bmc, access);
                return config.errorBackoff();
            }
            return Duration.between(now, due);
        }
        apply(bmc, probe);
        Instant due = probe.at().plus(config.powerResyncInterval());
        if (!due.isAfter(now)) {
            probes.start(bmc, access);
            return config.powerResyncInterval();
        }
        return Duration.between(now, due);
    }

    private void apply(BMC bmc, BmcProbes.Probe probe) {
        BMCStatus status = bmc.getStatus();
        Inventory.ManagerInfo manager = probe.manager();
        status.setManufacturer(manager.manufacturer());
        status.setModel(manager.model());
        status.setSerialNumber(manager.serialNumber());
        status.setFirmwareVersion(manager.firmwareVersion());
        status.setPowerState(powerState(manager.powerState()));
        status.setIp(bmc.getSpec().getAccess().getIp());
        status.setMacAddress(bmc.getSpec().getAccess().getMacAddress());
        int n = 0;
        for (Map.Entry<String, String> system : probe.systems().entrySet()) {
            ensureServer(bmc, n++, system.getKey(), system.getValue());
        }
        report(bmc, BMCState.ENABLED, CONNECTED, "connected over Redfish; " + probe.systems().size() + " systems");
    }

    /** The Server of the BMC's n-th system, created once; the operator does not rewrite servers it made. */
    private void ensureServer(BMC bmc, int n, String uri, String uuid) {
        String name = bmc.getMetadata().getName() + "-system-" + n;
        if (servers.get(new ResourceID(name)).isPresent()) {
            return;
        }
        if (uuid == null || uuid.isBlank()) {
            LOG.warnf("BMC %s reports no UUID for %s; no server is made for it", bmc.getMetadata().getName(), uri);
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
        // Lower case, as upstream writes it: tools that match servers by UUID compare it as written.
        spec.setSystemUUID(uuid.toLowerCase(Locale.ROOT));
        spec.setSystemURI(uri);
        spec.setBmcRef(new LocalObjectReference(bmc.getMetadata().getName()));
        server.setSpec(spec);
        try {
            client.resource(server).create();
            events.normal(bmc, "ServerCreated", "created server " + name + " for system " + uri);
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
