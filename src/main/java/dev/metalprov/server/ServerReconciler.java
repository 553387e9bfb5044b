package dev.metalprov.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.metalprov.api.v1alpha1.BootConfigurationState;
import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.api.v1alpha1.ObjectReference;
import dev.metalprov.api.v1alpha1.Power;
import dev.metalprov.api.v1alpha1.ReclaimPolicy;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerBootConfiguration;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.api.v1alpha1.ServerStatus;
import dev.metalprov.boot.BootImage;
import dev.metalprov.boot.BootMethod;
import dev.metalprov.boot.BootUrls;
import dev.metalprov.claim.ClaimBindingPolicy;
import dev.metalprov.claim.ServerIndex;
import dev.metalprov.common.Conditions;
import dev.metalprov.common.Events;
import dev.metalprov.common.FailureBackoff;
import dev.metalprov.common.OperatorConfig;
import dev.metalprov.metrics.ClaimMetrics;
import dev.metalprov.metrics.FleetGauges;
import dev.metalprov.server.PowerRequests.Action;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkiverse.operatorsdk.annotations.RBACRule;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * Drives a Server through its states with its BMC: discovered and powered off it becomes
 * Available; bound by a claim it becomes Reserved, and is powered to what the claim asks only
 * once its boot configuration is Ready, after a one-time network boot has been set; when the
 * claim goes it is powered off, confirmed Off, and then recycled or retained.
 *
 * <p>Each power action is one request; the state is read back on a later reconcile, so no
 * reconcile thread waits for a machine.
 */
@ControllerConfiguration(name = ServerReconciler.NAME, generationAwareEventProcessing = false)
// Beyond what the watched kinds give: release servers, drop boot configurations, read BMC access, record events.
@RBACRule(apiGroups = Metal.GROUP, resources = "servers", verbs = { "get", "list", "watch", "update", "patch" })
@RBACRule(apiGroups = Metal.GROUP, resources = "serverbootconfigurations", verbs = { "get", "list", "watch", "delete" })
@RBACRule(apiGroups = Metal.GROUP, resources = { "bmcs", "bmcsecrets" }, verbs = { "get", "list", "watch" })
@RBACRule(apiGroups = "", resources = "events", verbs = "create")
public class ServerReconciler implements Reconciler<Server> {

    public static final String NAME = "server";
    private static final Logger LOG = Logger.getLogger(ServerReconciler.class);

    @Inject
    BootUrls bootUrls;

    @Inject
    PowerAdapter power;

    @Inject
    PowerRequests requests;

    @Inject
    KubernetesClient client;

    @Inject
    Events events;

    @Inject
    OperatorConfig config;

    @Inject
    Clock clock;

    @Inject
    ClaimMetrics metrics;

    @Inject
    FleetGauges fleet;

    private final FailureBackoff backoff = new FailureBackoff();

    private InformerEventSource<ServerClaim, Server> claims;
    private InformerEventSource<ServerBootConfiguration, Server> bootConfigurations;

    @Override
    public List<EventSource<?, Server>> prepareEventSources(EventSourceContext<Server> context) {
        IndexerResourceCache<Server> servers = context.getPrimaryCache();
        servers.addIndexers(Map.of(ServerIndex.BY_CLAIM, ServerIndex::claimOf));
        claims = new InformerEventSource<>(InformerEventSourceConfiguration.from(ServerClaim.class, Server.class)
                .withName("claims")
                .withWatchAllNamespaces()
                .withSecondaryToPrimaryMapper(claim -> serversConcernedBy(claim, servers))
                .build(), context);
        bootConfigurations = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(ServerBootConfiguration.class, Server.class)
                        .withName("bootconfigurations")
                        .withWatchAllNamespaces()
                        .withSecondaryToPrimaryMapper(sbc -> sbc.getSpec() == null || sbc.getSpec().getServerRef() == null
                                ? Set.of()
                                : Set.of(new ResourceID(sbc.getSpec().getServerRef().getName())))
                        .build(),
                context);
        fleet.observeServers(servers);
        fleet.observeClaims(claims);
        return List.of(claims, bootConfigurations);
    }

    private static Set<ResourceID> serversConcernedBy(ServerClaim claim, IndexerResourceCache<Server> servers) {
        Set<ResourceID> ids = new HashSet<>();
        servers.byIndex(ServerIndex.BY_CLAIM, ServerIndex.claimKey(claim.getMetadata().getNamespace(), claim.getMetadata().getName()))
                .forEach(server -> ids.add(ResourceID.fromResource(server)));
        if (claim.getSpec() != null && claim.getSpec().getServerRef() != null) {
            ids.add(new ResourceID(claim.getSpec().getServerRef().getName()));
        }
        return ids;
    }

    @Override
    public UpdateControl<Server> reconcile(Server server, Context<Server> context) {
        Optional<String> operation = operationOf(server);
        if (operation.filter(Operations.IGNORE::equals).isPresent()) {
            // Upstream's meaning: leave the server alone while the annotation is set.
            return UpdateControl.noUpdate();
        }
        String before = json(server.getStatus());
        ServerStatus status = server.getStatus() == null ? new ServerStatus() : server.getStatus();
        server.setStatus(status);
        Step step;
        try {
            Optional<Step> operated = operation.flatMap(op -> operate(server, op, context));
            step = operated.isPresent() ? operated.get() : switch (stateOf(server)) {
                case INITIAL, DISCOVERY, ERROR -> discover(server, context);
                case AVAILABLE -> available(server);
                case RESERVED -> reserved(server, context);
                case RELEASED -> released(server, context);
                case PARKED -> parked(server);
            };
            status.setConditions(Conditions.with(status.getConditions(), ServerConditions.BMC_REACHABLE, true,
                    ServerConditions.CONNECTED, "the BMC answers", server.getMetadata().getGeneration(), clock.instant()));
            backoff.succeeded(name(server));
        } catch (BmcException e) {
            step = bmcFailed(server, e);
        }
        status.setState(step.next());
        status.setObservedGeneration(server.getMetadata().getGeneration());
        UpdateControl<Server> control = Objects.equals(before, json(status)) ? UpdateControl.noUpdate()
                : UpdateControl.patchStatus(server);
        return control.rescheduleAfter(step.after().toMillis());
    }

    /** Initial, and back from Error: read the machine, power it off, and offer it. */
    private Step discover(Server server, Context<Server> context) {
        if (server.getSpec().getServerClaimRef() != null) {
            // A claimed server whose status was lost: never re-discover or power off a tenant's machine.
            return new Step(ServerState.RESERVED, Duration.ZERO);
        }
        if (stateOf(server) != ServerState.DISCOVERY) {
            String systemUri = power.readInventory(server);
            if (server.getSpec().getSystemURI() == null || server.getSpec().getSystemURI().isBlank()) {
                Server patched = context.resourceOperations().jsonPatchPrimary(server, s -> {
                    s.getSpec().setSystemURI(systemUri);
                    return s;
                });
                server.getSpec().setSystemURI(systemUri);
                server.getMetadata().setResourceVersion(patched.getMetadata().getResourceVersion());
            }
        }
        ServerPowerState actual = readPower(server);
        if (actual == ServerPowerState.OFF) {
            requests.settled(name(server));
            events.normal(server, "Available", "server is discovered and powered off");
            return new Step(ServerState.AVAILABLE, config.powerResyncInterval());
        }
        shutDown(server, actual);
        return new Step(ServerState.DISCOVERY, config.powerPollInterval());
    }

    private Step available(Server server) {
        if (server.getSpec().getServerClaimRef() != null) {
            events.normal(server, "Reserved", "bound to claim " + server.getSpec().getServerClaimRef());
            return new Step(ServerState.RESERVED, Duration.ZERO);
        }
        readPower(server);
        return new Step(ServerState.AVAILABLE, config.powerResyncInterval());
    }

    /** Bound: power the machine as the claim asks once it can boot, or release it when the claim is gone. */
    private Step reserved(Server server, Context<Server> context) {
        ObjectReference ref = server.getSpec().getServerClaimRef();
        Optional<ServerClaim> claim = ref == null ? Optional.empty()
                : claims.get(new ResourceID(ref.getName(), ref.getNamespace()))
                        .filter(c -> ClaimBindingPolicy.refersTo(ref, c));
        if (claim.isEmpty() || claim.get().getMetadata().getDeletionTimestamp() != null) {
            return release(server, context);
        }
        ServerPowerState actual = readPower(server);
        Optional<ServerBootConfiguration> bootConfiguration = readyBootConfiguration(server);
        if (bootConfiguration.isEmpty()) {
            // Never powered on before the boot service has what the machine will ask for.
            return new Step(ServerState.RESERVED, config.powerResyncInterval());
        }
        boolean settled = claim.get().getSpec().getPower() == Power.ON
                ? powerOn(server, actual, bootConfiguration.get(), context)
                : shutDown(server, actual);
        return new Step(ServerState.RESERVED, settled ? config.powerResyncInterval() : config.powerPollInterval());
    }

    /**
     * The claim is gone: power off (graceful, forced after a timeout), and only once the BMC
     * confirms Off, drop the boot configuration and recycle or retain the server.
     */
    private Step release(Server server, Context<Server> context) {
        ServerPowerState actual = readPower(server);
        if (!shutDown(server, actual)) {
            return new Step(ServerState.RESERVED, config.powerPollInterval());
        }
        ObjectReference bootRef = server.getSpec().getBootConfigurationRef();
        if (bootRef != null) {
            client.resources(ServerBootConfiguration.class).inNamespace(bootRef.getNamespace()).withName(bootRef.getName()).delete();
        }
        boolean retain = server.getSpec().getReclaimPolicy() == ReclaimPolicy.RETAIN && server.getSpec().getServerClaimRef() != null;
        Server released = context.resourceOperations().updatePrimary(withoutBinding(server, retain));
        server.getMetadata().setResourceVersion(released.getMetadata().getResourceVersion());
        metrics.released(retain ? ReclaimPolicy.RETAIN.value() : ReclaimPolicy.RECYCLE.value(), retain ? "retained" : "recycled");
        if (retain) {
            events.normal(server, "Released", "claim " + server.getSpec().getServerClaimRef()
                    + " is gone; the server is Retained until spec.serverClaimRef is cleared");
            return new Step(ServerState.RELEASED, config.powerResyncInterval());
        }
        events.normal(server, "Recycled", "powered off and back in the pool");
        return new Step(ServerState.AVAILABLE, config.powerResyncInterval());
    }

    /** Retained: stays out of the pool until somebody clears the claim reference. */
    private Step released(Server server, Context<Server> context) {
        if (server.getSpec().getServerClaimRef() != null) {
            readPower(server);
            return new Step(ServerState.RELEASED, config.powerResyncInterval());
        }
        if (!shutDown(server, readPower(server))) {
            return new Step(ServerState.RELEASED, config.powerPollInterval());
        }
        if (server.getMetadata().getLabels() != null && server.getMetadata().getLabels().containsKey(Metal.CLAIM_UID_LABEL)) {
            Server cleared = context.resourceOperations().updatePrimary(withoutBinding(server, false));
            server.getMetadata().setResourceVersion(cleared.getMetadata().getResourceVersion());
        }
        events.normal(server, "Recycled", "the claim reference was cleared; back in the pool");
        return new Step(ServerState.AVAILABLE, config.powerResyncInterval());
    }

    private Step parked(Server server) {
        boolean off = shutDown(server, readPower(server));
        return new Step(ServerState.PARKED, off ? config.powerResyncInterval() : config.powerPollInterval());
    }

    private Step bmcFailed(Server server, BmcException e) {
        ServerStatus status = server.getStatus();
        String previous = Conditions.reason(status.getConditions(), ServerConditions.BMC_REACHABLE).orElse(null);
        status.setConditions(Conditions.with(status.getConditions(), ServerConditions.BMC_REACHABLE, false, e.reason(),
                e.getMessage(), server.getMetadata().getGeneration(), clock.instant()));
        if (!e.reason().equals(previous)) {
            events.warning(server, e.reason(), e.getMessage());
            LOG.warnf("server %s: %s: %s", name(server), e.reason(), e.getMessage());
        }
        ServerState state = stateOf(server);
        // A bound or retained server keeps its state: a BMC outage must never lose a binding.
        ServerState next = state == ServerState.RESERVED || state == ServerState.RELEASED || state == ServerState.PARKED
                ? state
                : ServerState.ERROR;
        return new Step(next, backoff.failed(name(server), config.errorBackoff(), config.maxErrorBackoff()));
    }

    /**
     * The one-shot operation of the annotation: performed once, then the annotation is removed.
     * Answers the step when the operation decides the state (park, unpark), else empty.
     */
    private Optional<Step> operate(Server server, String operation, Context<Server> context) {
        ServerState state = stateOf(server);
        Optional<Step> step = Optional.empty();
        Optional<PowerAdapter.PowerAction> action = Operations.powerAction(operation);
        if (action.isPresent()) {
            power.perform(server, action.get());
            requests.settled(name(server));
            events.normal(server, "OperationPerformed", operation);
        } else if (Operations.PARK.equals(operation)) {
            if (state == ServerState.RESERVED || state == ServerState.RELEASED) {
                events.warning(server, "OperationRefused", "a claimed server cannot be parked; release it first");
            } else {
                events.normal(server, "OperationPerformed", operation);
                step = Optional.of(new Step(ServerState.PARKED, Duration.ZERO));
            }
        } else if (Operations.UNPARK.equals(operation)) {
            events.normal(server, "OperationPerformed", operation);
            if (state == ServerState.PARKED) {
                step = Optional.of(new Step(ServerState.INITIAL, Duration.ZERO));
            }
        } else {
            events.warning(server, "UnknownOperation", "unknown operation '" + operation + "' in annotation "
                    + Metal.OPERATION_ANNOTATION + "; removed");
        }
        Server patched = context.resourceOperations().jsonPatchPrimary(server, s -> {
            Map<String, String> annotations = new HashMap<>(s.getMetadata().getAnnotations());
            annotations.remove(Metal.OPERATION_ANNOTATION);
            s.getMetadata().setAnnotations(annotations);
            return s;
        });
        server.getMetadata().setAnnotations(patched.getMetadata().getAnnotations());
        server.getMetadata().setResourceVersion(patched.getMetadata().getResourceVersion());
        return step;
    }

    private static Optional<String> operationOf(Server server) {
        Map<String, String> annotations = server.getMetadata().getAnnotations();
        return annotations == null ? Optional.empty() : Optional.ofNullable(annotations.get(Metal.OPERATION_ANNOTATION));
    }

    /** Sets the one-time network boot for this boot configuration (once), then powers on. True when On. */
    private boolean powerOn(Server server, ServerPowerState actual, ServerBootConfiguration bootConfiguration,
            Context<Server> context) {
        if (actual == ServerPowerState.ON) {
            requests.settled(name(server));
            return true;
        }
        Instant now = clock.instant();
        if (actual == ServerPowerState.POWERING_ON || recently(server, Action.ON, now, config.powerActionRetryInterval())) {
            return false;
        }
        String uid = bootConfiguration.getMetadata().getUid();
        Map<String, String> annotations = server.getMetadata().getAnnotations();
        if (annotations == null || !Objects.equals(annotations.get(Metal.NETWORK_BOOT_ANNOTATION), uid)) {
            power.bootOnceFromNetwork(server, networkBoot(server, bootConfiguration));
            Server annotated = context.resourceOperations().jsonPatchPrimary(server, s -> {
                Map<String, String> updated = new HashMap<>(s.getMetadata().getAnnotations() == null ? Map.of()
                        : s.getMetadata().getAnnotations());
                updated.put(Metal.NETWORK_BOOT_ANNOTATION, uid);
                s.getMetadata().setAnnotations(updated);
                return s;
            });
            server.getMetadata().setAnnotations(annotated.getMetadata().getAnnotations());
            server.getMetadata().setResourceVersion(annotated.getMetadata().getResourceVersion());
        }
        power.powerOn(server);
        requests.issued(name(server), Action.ON, now);
        events.normal(server, "PoweringOn", "one-time network boot set; powering on");
        return false;
    }

    /** PXE into iPXE, or UEFI HTTP boot of the image's UKI when the configuration asks for it. */
    private PowerAdapter.NetworkBoot networkBoot(Server server, ServerBootConfiguration bootConfiguration) {
        BootMethod method;
        try {
            method = BootMethod.of(bootConfiguration);
        } catch (IllegalArgumentException e) {
            events.warning(server, "UnknownBootMethod", e.getMessage() + "; booting over PXE");
            return PowerAdapter.NetworkBoot.pxe();
        }
        if (method == BootMethod.IPXE) {
            return PowerAdapter.NetworkBoot.pxe();
        }
        Optional<String> uri = bootUrls.layer(server.getSpec().getSystemUUID().toLowerCase(Locale.ROOT), BootImage.Part.UKI);
        if (uri.isEmpty()) {
            events.warning(server, "BootURLUnknown", "UEFI HTTP boot needs metal.boot.advertised-url; booting over PXE");
            return PowerAdapter.NetworkBoot.pxe();
        }
        return PowerAdapter.NetworkBoot.uefiHttp(uri.get());
    }

    /** Graceful shutdown, forced once it has taken longer than the timeout. True when Off. */
    private boolean shutDown(Server server, ServerPowerState actual) {
        if (actual == ServerPowerState.OFF) {
            requests.settled(name(server));
            return true;
        }
        Instant now = clock.instant();
        var last = requests.last(name(server));
        boolean shuttingDown = last.map(r -> r.action() != Action.ON).orElse(false);
        if (!shuttingDown) {
            power.powerOff(server, false);
            requests.issued(name(server), Action.GRACEFUL_OFF, now);
        } else if (last.get().action() == Action.GRACEFUL_OFF
                && !last.get().issuedAt().plus(config.gracefulShutdownTimeout()).isAfter(now)) {
            LOG.infof("server %s did not shut down within %s; forcing it off", name(server), config.gracefulShutdownTimeout());
            power.powerOff(server, true);
            requests.issued(name(server), Action.FORCE_OFF, now);
        } else if (last.get().action() == Action.FORCE_OFF && !recently(server, Action.FORCE_OFF, now, config.powerActionRetryInterval())) {
            power.powerOff(server, true);
            requests.issued(name(server), Action.FORCE_OFF, now);
        }
        return false;
    }

    private boolean recently(Server server, Action action, Instant now, Duration patience) {
        return requests.last(name(server)).filter(r -> r.action() == action && r.issuedAt().plus(patience).isAfter(now)).isPresent();
    }

    private ServerPowerState readPower(Server server) {
        ServerPowerState actual = power.powerState(server);
        server.getStatus().setPowerState(actual);
        return actual;
    }

    private Optional<ServerBootConfiguration> readyBootConfiguration(Server server) {
        ObjectReference ref = server.getSpec().getBootConfigurationRef();
        if (ref == null) {
            return Optional.empty();
        }
        return bootConfigurations.get(new ResourceID(ref.getName(), ref.getNamespace()))
                .filter(sbc -> sbc.getSpec() != null && sbc.getSpec().getServerRef() != null
                        && name(server).equals(sbc.getSpec().getServerRef().getName()))
                .filter(sbc -> sbc.getStatus() != null && sbc.getStatus().getState() == BootConfigurationState.READY);
    }

    /** The server without its boot configuration, and without its claim unless it is retained. */
    private Server withoutBinding(Server server, boolean keepClaimRef) {
        Server copy = client.getKubernetesSerialization().clone(server);
        copy.setStatus(null);
        copy.getSpec().setBootConfigurationRef(null);
        if (copy.getMetadata().getAnnotations() != null) {
            Map<String, String> annotations = new HashMap<>(copy.getMetadata().getAnnotations());
            annotations.remove(Metal.NETWORK_BOOT_ANNOTATION);
            copy.getMetadata().setAnnotations(annotations);
        }
        if (!keepClaimRef) {
            copy.getSpec().setServerClaimRef(null);
            if (copy.getMetadata().getLabels() != null) {
                Map<String, String> labels = new HashMap<>(copy.getMetadata().getLabels());
                labels.remove(Metal.CLAIM_UID_LABEL);
                copy.getMetadata().setLabels(labels);
            }
        }
        return copy;
    }

    private static ServerState stateOf(Server server) {
        ServerState state = server.getStatus() == null ? null : server.getStatus().getState();
        return state == null ? ServerState.INITIAL : state;
    }

    private static String name(Server server) {
        return server.getMetadata().getName();
    }

    private String json(Object value) {
        return value == null ? null : client.getKubernetesSerialization().asJson(value);
    }

    /** Where a reconcile leaves the server, and when to look again. */
    private record Step(ServerState next, Duration after) {
    }
}
