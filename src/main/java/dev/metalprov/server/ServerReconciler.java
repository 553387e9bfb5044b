package dev.metalprov.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.metalprov.api.v1alpha1.BMC;
import dev.metalprov.api.v1alpha1.BMCSecret;
import dev.metalprov.api.v1alpha1.BootConfigurationState;
import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.api.v1alpha1.ObjectReference;
import dev.metalprov.api.v1alpha1.ReclaimPolicy;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerBootConfiguration;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.api.v1alpha1.ServerStatus;
import dev.metalprov.claim.BindingFirst;
import dev.metalprov.claim.ClaimBindingPolicy;
import dev.metalprov.claim.ServerIndex;
import dev.metalprov.common.Conditions;
import dev.metalprov.common.Events;
import dev.metalprov.common.OperatorConfig;
import dev.metalprov.common.PeriodicSweep;
import dev.metalprov.metrics.ClaimMetrics;
import dev.metalprov.metrics.FleetGauges;
import dev.metalprov.operator.SharedItemStore;
import dev.metalprov.redfish.BmcAccessResolver;
import dev.metalprov.redfish.BmcDirectory;
import dev.metalprov.server.Observation.Failure;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.quarkiverse.operatorsdk.annotations.RBACRule;

/**
 * Drives a Server through its states. Each pass gathers the server's {@link Situation} from the
 * informer caches and from what its BMC last said, lets the handler of its state decide a
 * {@link Plan}, and carries it out: one write of the spec or metadata, or else the status, and
 * at most one request handed to {@link BmcCommands}, which sends it off this thread and wakes
 * the server when the answer comes. A BMC that hangs costs no reconcile thread.
 *
 * <p>The states: {@link InitialState}, {@link AvailableState}, {@link ReservedState} (with
 * {@link Release}), {@link ReleasedState}, {@link ErrorState}, {@link ParkedState}; the
 * {@link ServerPlanner} puts operations of the annotation, parking and the indicator LED around them.
 */
@ControllerConfiguration(name = ServerReconciler.NAME, generationAwareEventProcessing = false,
        informer = @Informer(itemStore = SharedItemStore.class))
// Beyond what the watched kinds give: release servers, drop boot configurations, record events.
@RBACRule(apiGroups = Metal.GROUP, resources = "servers", verbs = { "get", "list", "watch", "update", "patch" })
@RBACRule(apiGroups = Metal.GROUP, resources = "serverbootconfigurations", verbs = { "get", "list", "watch", "delete" })
@RBACRule(apiGroups = Metal.GROUP, resources = { "bmcs", "bmcsecrets" }, verbs = { "get", "list", "watch" })
@RBACRule(apiGroups = "", resources = "events", verbs = "create")
public class ServerReconciler implements Reconciler<Server> {

    public static final String NAME = "server";
    private static final Logger LOG = Logger.getLogger(ServerReconciler.class);
    private static final String BY_BMC = "byBmc";
    private static final String BY_SECRET = "bySecret";
    /** The shortest wait before the next pass, so that a pass that changed the state does not spin. */
    private static final Duration MIN_RECHECK = Duration.ofMillis(50);
    /** How often what is kept per server in memory is checked against the servers that exist. */
    private static final Duration SWEEP_INTERVAL = Duration.ofMinutes(10);

    @Inject
    BmcCommands commands;

    @Inject
    Release release;

    @Inject
    BmcAccessResolver resolver;

    @Inject
    ServerPlanner planner;

    @Inject
    Instance<StateHandler> handlerBeans;

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

    @Inject
    BindingFirst bindingFirst;

    private final Map<ServerState, StateHandler> handlers = new EnumMap<>(ServerState.class);
    private final PeriodicSweep sweep = new PeriodicSweep(SWEEP_INTERVAL);
    private InformerEventSource<ServerClaim, Server> claims;
    private InformerEventSource<ServerBootConfiguration, Server> bootConfigurations;
    private InformerEventSource<BMC, Server> bmcs;
    private InformerEventSource<BMCSecret, Server> bmcSecrets;
    private BindingFirst.Holder heldForBinds;
    /** BMC objects and BMCSecrets from this controller's informer caches. */
    private final BmcDirectory directory = new BmcDirectory() {
        @Override
        public Optional<BMC> bmc(String name) {
            return bmcs.get(new ResourceID(name));
        }

        @Override
        public Optional<BMCSecret> secret(String name) {
            return bmcSecrets.get(new ResourceID(name));
        }
    };

    @Override
    public List<EventSource<?, Server>> prepareEventSources(EventSourceContext<Server> context) {
        handlerBeans.forEach(handler -> handlers.put(handler.state(), handler));
        // Upstream's in-band discovery is not entered here; a server found there is discovered anew.
        handlers.put(ServerState.DISCOVERY, handlers.get(ServerState.INITIAL));

        IndexerResourceCache<Server> servers = context.getPrimaryCache();
        servers.addIndexers(Map.of(ServerIndex.BY_CLAIM, ServerIndex::claimOf,
                BY_BMC, server -> server.getSpec().getBmcRef() == null ? List.of() : List.of(server.getSpec().getBmcRef().getName()),
                BY_SECRET, server -> server.getSpec().getBmc() == null || server.getSpec().getBmc().getBmcSecretRef() == null
                        ? List.of()
                        : List.of(server.getSpec().getBmc().getBmcSecretRef().getName())));
        claims = new InformerEventSource<>(InformerEventSourceConfiguration.from(ServerClaim.class, Server.class)
                .withName("claims")
                .withItemStore(new SharedItemStore<>())
                .withWatchAllNamespaces()
                .withSecondaryToPrimaryMapper(claim -> serversConcernedBy(claim, servers))
                .build(), context);
        bootConfigurations = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(ServerBootConfiguration.class, Server.class)
                        .withName("bootconfigurations")
                        .withItemStore(new SharedItemStore<>())
                        .withWatchAllNamespaces()
                        .withSecondaryToPrimaryMapper(sbc -> sbc.getSpec() == null || sbc.getSpec().getServerRef() == null
                                ? Set.of()
                                : Set.of(new ResourceID(sbc.getSpec().getServerRef().getName())))
                        .build(),
                context);
        // A BMC that changes (fixed, or Connected again) wakes its servers at once.
        bmcs = new InformerEventSource<>(InformerEventSourceConfiguration.from(BMC.class, Server.class)
                .withName("bmcs")
                .withItemStore(new SharedItemStore<>())
                .withSecondaryToPrimaryMapper(bmc -> ids(servers.byIndex(BY_BMC, bmc.getMetadata().getName())))
                .build(), context);
        // So does a BMCSecret, for the servers that name it inline and those behind a BMC that does.
        bmcSecrets = new InformerEventSource<>(InformerEventSourceConfiguration.from(BMCSecret.class, Server.class)
                .withName("bmcsecrets")
                .withItemStore(new SharedItemStore<>())
                .withSecondaryToPrimaryMapper(secret -> serversUsing(secret, servers))
                .build(), context);
        SimpleInboundEventSource<Server> answers = new SimpleInboundEventSource<>("bmc-answers");
        commands.onAnswer(server -> answers.propagateEvent(new ResourceID(server)));
        bindingFirst.attach(claims);
        SimpleInboundEventSource<Server> bindingDone = new SimpleInboundEventSource<>("binding-done");
        heldForBinds = bindingFirst.holder(NAME, bindingDone::propagateEvent);
        fleet.observeServers(servers);
        fleet.observeClaims(claims);
        return List.of(claims, bootConfigurations, bmcs, bmcSecrets, answers, bindingDone);
    }

    private Set<ResourceID> serversUsing(BMCSecret secret, IndexerResourceCache<Server> servers) {
        String name = secret.getMetadata().getName();
        Set<ResourceID> ids = ids(servers.byIndex(BY_SECRET, name));
        bmcs.list(bmc -> bmc.getSpec().getBmcSecretRef() != null && name.equals(bmc.getSpec().getBmcSecretRef().getName()))
                .forEach(bmc -> ids.addAll(ids(servers.byIndex(BY_BMC, bmc.getMetadata().getName()))));
        return ids;
    }

    private static Set<ResourceID> ids(List<Server> servers) {
        Set<ResourceID> ids = new HashSet<>();
        servers.forEach(server -> ids.add(ResourceID.fromResource(server)));
        return ids;
    }

    private static Set<ResourceID> serversConcernedBy(ServerClaim claim, IndexerResourceCache<Server> servers) {
        Set<ResourceID> ids = ids(servers.byIndex(ServerIndex.BY_CLAIM,
                ServerIndex.claimKey(claim.getMetadata().getNamespace(), claim.getMetadata().getName())));
        if (claim.getSpec() != null && claim.getSpec().getServerRef() != null) {
            ids.add(new ResourceID(claim.getSpec().getServerRef().getName()));
        }
        return ids;
    }

    @Override
    public UpdateControl<Server> reconcile(Server server, Context<Server> context) {
        if (Operations.ignored(server)) {
            // Upstream's meaning: leave the server alone while the annotation is set.
            return UpdateControl.noUpdate();
        }
        Optional<ServerClaim> claim = claimOf(server);
        Optional<Duration> held = holdForBinds(server, claim);
        if (held.isPresent()) {
            return UpdateControl.<Server> noUpdate().rescheduleAfter(held.get().toMillis());
        }
        if (goesWithItsBmc(server)) {
            // Reporting the missing BMC on each of its servers would only be noise while a rack is
            // taken down; the BMC appearing again (the same name) wakes the server.
            LOG.debugf("server %s: its BMC %s is gone; the garbage collector deletes the server next", name(server),
                    server.getSpec().getBmcRef().getName());
            return UpdateControl.<Server> noUpdate().rescheduleAfter(config.maxErrorBackoff().toMillis());
        }
        Instant now = clock.instant();
        sweepIfDue(context, now);
        Optional<Machine> machine = Optional.empty();
        Failure unresolvable = null;
        boolean namesBmc = server.getSpec().getBmcRef() != null || server.getSpec().getBmc() != null;
        try {
            // A server that names no BMC is not a failure: its handler lets it wait, and no BMC is asked.
            machine = namesBmc ? Optional.of(new Machine(name(server), resolver.resolve(server, directory),
                    server.getSpec().getSystemURI(), server.getSpec().getSystemUUID())) : Optional.empty();
        } catch (BmcException e) {
            unresolvable = new Failure(e.reason(), e.getMessage(), now, 1);
        }
        Situation situation = new Situation(server, commands.observation(BmcCommands.key(server)), claim,
                readyBootConfiguration(server), unresolvable, now);
        Plan plan = planner.plan(situation, handlers::get);
        if (plan.write().isPresent()) {
            write(server, plan, context);
            // The SDK does not wake a resource for its own write: the status follows in a pass of its own.
            return UpdateControl.<Server> noUpdate().rescheduleAfter(MIN_RECHECK.toMillis());
        }
        Duration recheck = plan.recheck().orElse(config.powerResyncInterval());
        if (plan.command().isPresent() && machine.isPresent()) {
            Optional<Instant> retryAt = retryAt(situation);
            if (retryAt.isPresent() && retryAt.get().isAfter(now)) {
                recheck = Duration.between(now, retryAt.get());
            } else {
                commands.submit(BmcCommands.key(server), machine.get(), plan.command().get());
            }
        } else if (unresolvable != null) {
            // The BMC or BMCSecret that is missing wakes the server when it appears.
            recheck = config.maxErrorBackoff();
        }
        String before = json(server.getStatus());
        report(server, situation, plan);
        UpdateControl<Server> control = Objects.equals(before, json(server.getStatus())) ? UpdateControl.noUpdate()
                : UpdateControl.patchStatus(server);
        return control.rescheduleAfter(Math.max(MIN_RECHECK.toMillis(), recheck.toMillis()));
    }

    /**
     * Whether the BMC this server names in {@code spec.bmcRef} is gone and owned it: the server was
     * made by that BMC, and the garbage collector deletes it next. A server that only names a
     * missing BMC is a configuration error and says so.
     */
    private boolean goesWithItsBmc(Server server) {
        var ref = server.getSpec().getBmcRef();
        List<OwnerReference> owners = server.getMetadata().getOwnerReferences();
        if (ref == null || owners == null || directory.bmc(ref.getName()).isPresent()) {
            return false;
        }
        return owners.stream().anyMatch(owner -> HasMetadata.getKind(BMC.class).equals(owner.getKind())
                && Metal.API_VERSION.equals(owner.getApiVersion()) && ref.getName().equals(owner.getName()));
    }

    /**
     * A server just bound, not yet On, waits while other claims wait for their bind
     * ({@link BindingFirst}); a release never waits, as waiting claims may want the server.
     */
    private Optional<Duration> holdForBinds(Server server, Optional<ServerClaim> claim) {
        ServerStatus status = server.getStatus();
        boolean poweringUp = status != null && (status.getState() == ServerState.AVAILABLE || status.getState() == ServerState.RESERVED)
                && status.getPowerState() != ServerPowerState.ON;
        if (!poweringUp || claim.filter(c -> c.getMetadata().getDeletionTimestamp() == null).isEmpty()) {
            return Optional.empty();
        }
        return heldForBinds.hold(ResourceID.fromResource(server));
    }

    /**
     * Servers are deleted without a finalizer, so no pass sees them go: once in a while, what is
     * kept in memory per server (the BMC's last answers, release start times) is matched against
     * the informer's cache, and what belongs to servers that are gone is dropped.
     */
    private void sweepIfDue(Context<Server> context, Instant now) {
        if (!sweep.due(now)) {
            return;
        }
        Set<String> keys = new HashSet<>();
        Set<String> names = new HashSet<>();
        context.getPrimaryCache().list().forEach(server -> {
            keys.add(BmcCommands.key(server));
            names.add(name(server));
        });
        commands.retainOnly(keys);
        release.retainOnly(names);
    }

    /** A pass that writes the spec or metadata: the boot configuration it releases goes first. */
    private void write(Server server, Plan plan, Context<Server> context) {
        Plan.Write write = plan.write().get();
        ObjectReference sbc = write.deleteBootConfiguration();
        if (sbc != null) {
            client.resources(ServerBootConfiguration.class).inNamespace(sbc.getNamespace()).withName(sbc.getName()).delete();
        }
        Server copy = client.getKubernetesSerialization().clone(server);
        Server updated = context.resourceOperations().updatePrimary(write.change().apply(copy));
        server.getMetadata().setResourceVersion(updated.getMetadata().getResourceVersion());
        LOG.debugf("server %s: %s", name(server), write.why());
        notes(server, plan);
        if (sbc != null) {
            commands.forgetOverride(BmcCommands.key(server));
        }
    }

    /** The status of this pass: the state, what the BMC last said, the conditions, and events for what changed. */
    private void report(Server server, Situation situation, Plan plan) {
        ServerStatus status = server.getStatus() == null ? new ServerStatus() : server.getStatus();
        server.setStatus(status);
        ServerState previous = situation.state();
        Observation bmc = situation.bmc();
        if (bmc.power() != null) {
            status.setPowerState(bmc.power());
        }
        if (bmc.inventory() != null) {
            InventoryStatus.apply(bmc.inventory(), status);
        }
        if (bmc.led() != null) {
            status.setIndicatorLED(bmc.led());
        }
        Optional<Failure> failure = situation.failure();
        // A plan may say it itself (a server that names no BMC); then what the BMC last said does not count.
        boolean planned = plan.conditions().stream().anyMatch(c -> ServerConditions.BMC_REACHABLE.equals(c.type()));
        if (!planned && failure.isPresent()) {
            condition(server, ServerConditions.BMC_REACHABLE, false, failure.get().reason(), failure.get().message());
        } else if (!planned && (bmc.power() != null || bmc.inventory() != null)) {
            condition(server, ServerConditions.BMC_REACHABLE, true, ServerConditions.CONNECTED, "the BMC answers");
        }
        plan.conditions().forEach(c -> condition(server, c.type(), c.status(), c.reason(), c.message()));
        plan.clearedConditions().forEach(type -> status.setConditions(Conditions.without(status.getConditions(), type)));
        status.setState(plan.next());
        status.setObservedGeneration(server.getMetadata().getGeneration());
        status.setConditions(Conditions.withReady(status.getConditions(), readiness(status), "Operational",
                "the BMC answers and the server is " + plan.next().value(), server.getMetadata().getGeneration(), clock.instant()));
        notes(server, plan);
        released(server, previous, plan.next());
    }

    /**
     * What keeps the server from being Ready (in service, whether free or claimed): a BMC that does
     * not answer, a quarantine, a network boot the BMC does not keep, or a state it has not left yet.
     */
    private static Optional<Conditions.Blocker> readiness(ServerStatus status) {
        Optional<Conditions.Blocker> blocker = Conditions.firstNotTrue(status.getConditions(), ServerConditions.BMC_REACHABLE,
                ServerConditions.NETWORK_BOOT);
        if (blocker.isPresent()) {
            return blocker;
        }
        Optional<Condition> quarantine = Conditions.find(status.getConditions(), ServerConditions.QUARANTINED)
                .filter(c -> Conditions.TRUE.equals(c.getStatus()));
        if (quarantine.isPresent()) {
            return Optional.of(new Conditions.Blocker(quarantine.get().getReason(), quarantine.get().getMessage()));
        }
        return switch (status.getState()) {
            case AVAILABLE, RESERVED, RELEASED, PARKED -> Optional.empty();
            default -> Optional.of(new Conditions.Blocker(status.getState().value(), "the server is " + status.getState().value()));
        };
    }

    /** Sets a condition; a new failing reason (or a quarantine) is also an event and a log line. */
    private void condition(Server server, String type, boolean value, String reason, String message) {
        ServerStatus status = server.getStatus();
        String previous = Conditions.reason(status.getConditions(), type).orElse(null);
        status.setConditions(Conditions.with(status.getConditions(), type, value, reason, message,
                server.getMetadata().getGeneration(), clock.instant()));
        // Conditions say what is wrong by being False, except the quarantine, which is wrong when True,
        // and parking, where only a deferred park is worth a warning.
        boolean wrong = ServerConditions.QUARANTINED.equals(type) ? value
                : ServerConditions.PARKED.equals(type) ? ServerConditions.PARK_DEFERRED.equals(reason) : !value;
        if (wrong && !reason.equals(previous)) {
            events.warning(server, reason, message);
            LOG.warnf("server %s: %s: %s", name(server), reason, message);
        }
    }

    private void notes(Server server, Plan plan) {
        plan.notes().forEach(note -> {
            if (note.warning()) {
                events.warning(server, note.reason(), note.message());
            } else {
                events.normal(server, note.reason(), note.message());
            }
        });
    }

    private void released(Server server, ServerState from, ServerState to) {
        if (from == to || (from != ServerState.RESERVED && from != ServerState.ERROR)) {
            return;
        }
        boolean retain = server.getSpec().getReclaimPolicy() == ReclaimPolicy.RETAIN;
        String policy = retain ? ReclaimPolicy.RETAIN.value() : ReclaimPolicy.RECYCLE.value();
        if (to == ServerState.ERROR && server.getSpec().getServerClaimRef() != null) {
            metrics.released(policy, "quarantined");
        } else if (to == ServerState.AVAILABLE && from == ServerState.RESERVED || to == ServerState.RELEASED) {
            metrics.released(policy, to == ServerState.RELEASED ? "retained" : "recycled");
        }
    }

    /** When a failing BMC may be tried again; none while it has not failed. */
    private Optional<Instant> retryAt(Situation situation) {
        Failure failure = situation.bmc().failure();
        return failure == null ? Optional.empty()
                : Optional.of(failure.retryAt(config.errorBackoff(), config.maxErrorBackoff(), bmcReadySince(situation.server())));
    }

    /** When the server's BMC object last turned Ready, if it is Ready. */
    private Optional<Instant> bmcReadySince(Server server) {
        if (server.getSpec().getBmcRef() == null) {
            return Optional.empty();
        }
        return bmcs.get(new ResourceID(server.getSpec().getBmcRef().getName()))
                .filter(bmc -> bmc.getStatus() != null)
                .flatMap(bmc -> Conditions.find(bmc.getStatus().getConditions(), "Ready"))
                .filter(ready -> Conditions.TRUE.equals(ready.getStatus()) && ready.getLastTransitionTime() != null)
                .map(ready -> Instant.parse(ready.getLastTransitionTime()));
    }

    private Optional<ServerClaim> claimOf(Server server) {
        ObjectReference ref = server.getSpec().getServerClaimRef();
        return ref == null ? Optional.empty()
                : claims.get(new ResourceID(ref.getName(), ref.getNamespace())).filter(c -> ClaimBindingPolicy.refersTo(ref, c));
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

    private static String name(Server server) {
        return server.getMetadata().getName();
    }

    private String json(Object value) {
        return value == null ? null : client.getKubernetesSerialization().asJson(value);
    }
}
