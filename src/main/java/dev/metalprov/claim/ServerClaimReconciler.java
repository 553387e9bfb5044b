package dev.metalprov.claim;

import static dev.metalprov.claim.ClaimConditions.*;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.metalprov.api.v1alpha1.BootConfigurationState;
import dev.metalprov.api.v1alpha1.ClaimPhase;
import dev.metalprov.api.v1alpha1.LocalObjectReference;
import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.api.v1alpha1.Power;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerBootConfiguration;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerClaimStatus;
import dev.metalprov.api.v1alpha1.ServerPowerState;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.boot.BootConditions;
import dev.metalprov.common.ActedOnChanges;
import dev.metalprov.common.Conditions;
import dev.metalprov.common.Events;
import dev.metalprov.common.OperatorConfig;
import dev.metalprov.metadata.MetadataCallers;
import dev.metalprov.metadata.UserDataSecrets.UserData;
import dev.metalprov.metadata.UserDataSecrets;
import dev.metalprov.metrics.ClaimMetrics;
import dev.metalprov.operator.SharedItemStore;
import dev.metalprov.server.Operations;
import dev.metalprov.server.Parking;
import dev.metalprov.server.ServerConditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.quarkiverse.operatorsdk.annotations.RBACRule;
import io.fabric8.kubernetes.api.model.Secret;
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
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;

/**
 * Binds claims to servers, following the flow of the upstream documentation:
 * find the server the claim already holds, or bind a free one with one optimistic write;
 * record it in the claim; create the claim's ServerBootConfiguration; report how far it got.
 * Powering the server is the ServerReconciler's job; so is releasing it when the claim goes.
 */
// Annotations wake a claim too (ignore is lifted by removing one), so not only a new generation does.
// No finalizer is the SDK's here: the claim's goes on in the same write that records the bind, so
// a bind costs no write of its own for it, and ClaimReleaseReconciler takes it off after the release.
@ControllerConfiguration(name = ServerClaimReconciler.NAME, generationAwareEventProcessing = false,
        informer = @Informer(itemStore = SharedItemStore.class, onUpdateFilter = ActedOnChanges.class))
// Beyond what the watched kinds give: bind servers, create boot configurations, check Ignition Secrets, record events.
@RBACRule(apiGroups = Metal.GROUP, resources = "servers", verbs = { "get", "list", "watch", "update" })
@RBACRule(apiGroups = Metal.GROUP, resources = "serverbootconfigurations", verbs = { "get", "list", "watch", "create", "update", "delete" })
@RBACRule(apiGroups = "", resources = "secrets", verbs = "get")
@RBACRule(apiGroups = "", resources = "events", verbs = "create")
public class ServerClaimReconciler implements Reconciler<ServerClaim> {

    public static final String NAME = "serverclaim";
    private static final Logger LOG = Logger.getLogger(ServerClaimReconciler.class);
    private static final String SERVERS = "servers";
    private static final String BOOT_CONFIGURATIONS = "bootconfigurations";
    private static final Duration CACHE_CATCH_UP = Duration.ofMillis(200);

    @Inject
    ClaimBindingPolicy policy;

    @Inject
    ServerBinder binder;

    @Inject
    HeldServers heldServers;

    @Inject
    FreeServers freeServers;

    @Inject
    BindingFirst bindingFirst;

    @Inject
    BootConfigurations bootConfigurations;

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
    UserDataSecrets userData;

    @Inject
    MetadataCallers metadataCallers;

    private InformerEventSource<Server, ServerClaim> servers;
    private InformerEventSource<ServerBootConfiguration, ServerClaim> bootConfigurationInformer;

    @Override
    public List<EventSource<?, ServerClaim>> prepareEventSources(EventSourceContext<ServerClaim> context) {
        context.getPrimaryCache().addIndexers(Map.of(ClaimsThatCouldUseServer.BY_SERVER_REF, ClaimsThatCouldUseServer::serverNamedBy));
        servers = new InformerEventSource<>(InformerEventSourceConfiguration.from(Server.class, ServerClaim.class)
                .withName(SERVERS)
                .withItemStore(new SharedItemStore<>())
                .withSecondaryToPrimaryMapper(new ClaimsThatCouldUseServer(context.getPrimaryCache(), policy))
                .build(), context);
        servers.addIndexers(Map.of(ServerIndex.BY_CLAIM, ServerIndex::claimOf));
        heldServers.attach(servers);
        FreeServers.index(servers);
        freeServers.attach(servers);
        // The metadata service knows a machine by its address and finds its claim in these same caches.
        MetadataCallers.indexByAddress(servers);
        metadataCallers.attach(context.getPrimaryCache(), servers);
        bootConfigurationInformer = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(ServerBootConfiguration.class, ServerClaim.class)
                        .withName(BOOT_CONFIGURATIONS)
                        .withItemStore(new SharedItemStore<>())
                        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(ServerClaim.class))
                        .build(),
                context);
        return List.of(servers, bootConfigurationInformer);
    }

    @Override
    public UpdateControl<ServerClaim> reconcile(ServerClaim claim, Context<ServerClaim> context) {
        if (Operations.ignored(claim)) {
            // Upstream's meaning: leave the claim alone while the annotation is set.
            return UpdateControl.noUpdate();
        }
        ServerClaimStatus before = copyOf(claim.getStatus());
        Holding holding = heldServers.holding(claim);
        if (holding.waiting()) {
            // The informer has not caught up with a bind yet: decide once it has.
            return UpdateControl.<ServerClaim> noUpdate().rescheduleAfter(CACHE_CATCH_UP.toMillis());
        }
        Optional<Server> held = holding.server();
        if (held.isPresent() && Parking.parkedOrParking(held.get())) {
            // The server is parked (or being parked) with this claim: the claim keeps its binding and
            // its status, and the operator stands down until the server is unparked, as upstream does.
            return UpdateControl.noUpdate();
        }
        if (holding.retry().isPresent()) {
            // A bind whose answer was lost is tried again on the same server only, so that the claim
            // can only ever end up with that one; refused, the write may have been ours: wait and see.
            held = binder.tryBind(claim, holding.retry().get(), context, servers);
            if (held.isEmpty()) {
                return UpdateControl.<ServerClaim> noUpdate().rescheduleAfter(CACHE_CATCH_UP.toMillis());
            }
            metrics.bindAttempt(ClaimMetrics.BindOutcome.BOUND);
            announceBind(claim, held.get());
        }
        if (held.isEmpty()) {
            Binding binding = bind(claim, context);
            if (binding.server().isEmpty()) {
                return unbound(claim, before, binding);
            }
            held = binding.server();
            announceBind(claim, held.get());
        }
        Server server = held.get();
        ServerClaim current = recordBinding(claim, server);
        Optional<ServerBootConfiguration> bootConfiguration = bootConfigurations.ensure(current, server, context,
                bootConfigurationInformer);
        return bound(current, before, server, bootConfiguration);
    }

    /**
     * Picks a free server with the policy and binds it with an optimistic write; a lost race means
     * picking again among the rest.
     */
    private Binding bind(ServerClaim claim, Context<ServerClaim> context) {
        Set<String> lost = new HashSet<>();
        for (int attempt = 0; attempt < config.bindAttempts(); attempt++) {
            Optional<Server> choice = freeServers.choose(claim, lost);
            if (choice.isEmpty() && attempt == 0) {
                metrics.bindAttempt(ClaimMetrics.BindOutcome.NO_CANDIDATE);
                return nothingToBind(claim, servers.list().toList());
            }
            if (choice.isEmpty()) {
                break;
            }
            String name = choice.get().getMetadata().getName();
            // The SDK's copy includes the operator's own latest write, which the index may not yet.
            Server latest = servers.get(new ResourceID(name)).orElse(choice.get());
            Optional<Server> bound = binder.tryBind(claim, latest, context, servers);
            if (bound.isPresent()) {
                metrics.bindAttempt(ClaimMetrics.BindOutcome.BOUND);
                return new Binding(bound, null, null);
            }
            metrics.bindAttempt(ClaimMetrics.BindOutcome.CONFLICT);
            lost.add(name);
        }
        return new Binding(Optional.empty(), BIND_CONFLICT,
                "other claims took the servers this claim tried; trying again");
    }

    /** The one Event of a bind, its latency, and the news that binding goes on ({@link BindingFirst}). */
    private void announceBind(ServerClaim claim, Server server) {
        events.normal(claim, SERVER_BOUND, "bound to server " + server.getMetadata().getName());
        metrics.bound(sinceCreation(claim));
        bindingFirst.bound();
    }

    /** Why nothing can be bound, in the words a user can act on. */
    private Binding nothingToBind(ServerClaim claim, List<Server> known) {
        var spec = claim.getSpec();
        if (spec.getServerRef() != null) {
            String name = spec.getServerRef().getName();
            Optional<Server> named = known.stream().filter(s -> s.getMetadata().getName().equals(name)).findFirst();
            if (named.isEmpty()) {
                return new Binding(Optional.empty(), SERVER_NOT_FOUND,
                        "server " + name + " does not exist; the claim binds it once it is created (spec.serverRef"
                                + " cannot be changed: to claim another server, delete and recreate the claim)");
            }
            return new Binding(Optional.empty(), SERVER_NOT_AVAILABLE, policy.whyNot(claim, named.get()).orElse("")
                    + "; the claim binds by itself once the server is Available");
        }
        long matching = known.stream().filter(s -> LabelSelectors.matches(spec.getServerSelector(), s.getMetadata().getLabels()))
                .count();
        String scope = spec.getServerSelector() == null ? "no server is" : "no server matching spec.serverSelector is";
        return new Binding(Optional.empty(), NO_MATCHING_SERVER, scope + " Available, powered Off and free ("
                + matching + " match, none can be bound); the claim binds by itself when one becomes Available");
    }

    /**
     * The claim records its bind in one write: the finalizer that holds its deletion until the
     * server is released, and, for a selector claim, the server it got in {@code spec.serverRef},
     * so that it stays with that server for good. The update goes through the client rather than
     * the SDK's resource operations: with those, the SDK (5.3) later compared a cached copy
     * without a resourceVersion while patching the status, failed that reconcile with a
     * NullPointerException and retried it seconds later.
     */
    private ServerClaim recordBinding(ServerClaim claim, Server server) {
        boolean finalizer = claim.hasFinalizer(Metal.SERVER_CLAIM_FINALIZER);
        boolean serverRef = claim.getSpec().getServerRef() != null;
        if (finalizer && serverRef) {
            return claim;
        }
        ServerClaim changed = client.getKubernetesSerialization().clone(claim);
        changed.setStatus(null);
        changed.addFinalizer(Metal.SERVER_CLAIM_FINALIZER);
        if (!serverRef) {
            changed.getSpec().setServerRef(new LocalObjectReference(server.getMetadata().getName()));
        }
        ServerClaim written = client.resource(changed).update();
        // The status of this pass is patched onto what was just written.
        written.setStatus(claim.getStatus());
        return written;
    }

    private UpdateControl<ServerClaim> unbound(ServerClaim claim, ServerClaimStatus before, Binding binding) {
        ServerClaimStatus status = new ServerClaimStatus();
        status.setPhase(ClaimPhase.UNBOUND);
        List<Condition> conditions = before == null ? null : before.getConditions();
        conditions = condition(claim, conditions, BOUND, false, binding.reason(), binding.message());
        conditions = condition(claim, conditions, BOOT_CONFIGURATION_READY, false, NOT_BOUND, "the claim holds no server yet");
        conditions = condition(claim, conditions, POWER_STATE_REACHED, false, NOT_BOUND, "the claim holds no server yet");
        status.setConditions(ready(claim, conditions));
        status.setObservedGeneration(claim.getMetadata().getGeneration());
        if (!Objects.equals(reasonOf(before, BOUND), binding.reason()) && !BIND_CONFLICT.equals(binding.reason())) {
            events.warning(claim, binding.reason(), binding.message());
        }
        UpdateControl<ServerClaim> control = patchIfChanged(claim, before, status);
        return BIND_CONFLICT.equals(binding.reason()) ? control.rescheduleAfter(config.releaseCheckInterval().toMillis()) : control;
    }

    private UpdateControl<ServerClaim> bound(ServerClaim claim, ServerClaimStatus before, Server server,
            Optional<ServerBootConfiguration> bootConfiguration) {
        String serverName = server.getMetadata().getName();
        ServerClaimStatus status = new ServerClaimStatus();
        status.setPhase(ClaimPhase.BOUND);
        List<Condition> conditions = before == null ? null : before.getConditions();

        String named = claim.getSpec().getServerRef() == null ? serverName : claim.getSpec().getServerRef().getName();
        conditions = named.equals(serverName)
                ? condition(claim, conditions, BOUND, true, SERVER_BOUND, "bound to server " + serverName)
                : condition(claim, conditions, BOUND, true, SERVER_REF_MISMATCH, "bound to server " + serverName
                        + " but spec.serverRef names " + named + "; the binding is kept; delete and recreate the claim to move it");

        Readiness boot = bootReadiness(claim, bootConfiguration);
        conditions = condition(claim, conditions, BOOT_CONFIGURATION_READY, boot.ready(), boot.reason(), boot.message());
        Readiness power = powerReadiness(claim, server, boot.ready());
        boolean wasReached = before != null && Conditions.isTrue(before.getConditions(), POWER_STATE_REACHED);
        if (power.ready() && !wasReached && claim.getSpec().getPower() == Power.ON) {
            Conditions.find(conditions, BOUND).map(c -> Instant.parse(c.getLastTransitionTime()))
                    .ifPresent(boundAt -> metrics.provisioned(Duration.between(boundAt, clock.instant())));
        }
        conditions = condition(claim, conditions, POWER_STATE_REACHED, power.ready(), power.reason(), power.message());
        Optional<Readiness> userData = userDataReadiness(claim, before);
        conditions = userData.isEmpty() ? Conditions.without(conditions, USER_DATA_READY)
                : condition(claim, conditions, USER_DATA_READY, userData.get().ready(), userData.get().reason(),
                        userData.get().message());

        status.setConditions(ready(claim, conditions));
        status.setObservedGeneration(claim.getMetadata().getGeneration());
        if (IGNITION_SECRET_MISSING.equals(boot.reason()) && !IGNITION_SECRET_MISSING.equals(reasonOf(before, BOOT_CONFIGURATION_READY))) {
            events.warning(claim, IGNITION_SECRET_MISSING, boot.message());
        }
        boolean userDataWanting = userData.isPresent() && !userData.get().ready();
        if (userDataWanting && !userData.get().reason().equals(reasonOf(before, USER_DATA_READY))) {
            events.warning(claim, userData.get().reason(), userData.get().message());
        }
        UpdateControl<ServerClaim> control = patchIfChanged(claim, before, status);
        // A Secret appearing (or replaced by one of the right type) sends no event to this
        // controller, which watches no Secrets: look again while one is missing or wrong.
        return IGNITION_SECRET_MISSING.equals(boot.reason()) || userDataWanting
                ? control.rescheduleAfter(config.ignitionSecretRecheckInterval().toMillis())
                : control;
    }

    /**
     * Whether the user data the claim names can be served to its server; empty when it names
     * none. A Secret of another type is refused here as the metadata service refuses it, so the
     * tenant learns why before the machine asks. The message names the Secret and its type only.
     */
    private Optional<Readiness> userDataReadiness(ServerClaim claim, ServerClaimStatus before) {
        // Once found usable for this generation of the claim, the Secret is not read again on every
        // pass: the metadata service reads it itself, live, whenever the machine asks.
        Optional<Condition> found = before == null ? Optional.empty()
                : Conditions.find(before.getConditions(), USER_DATA_READY);
        if (claim.getSpec().getUserDataRef() != null && found.isPresent() && "True".equals(found.get().getStatus())
                && Objects.equals(found.get().getObservedGeneration(), claim.getMetadata().getGeneration())) {
            return Optional.of(new Readiness(true, found.get().getReason(), found.get().getMessage()));
        }
        UserData data = userData.read(claim);
        return switch (data.status()) {
            case NOT_REQUESTED -> Optional.empty();
            case SECRET_MISSING -> Optional.of(new Readiness(false, USER_DATA_SECRET_MISSING, data.message()));
            case WRONG_TYPE -> Optional.of(new Readiness(false, USER_DATA_SECRET_WRONG_TYPE, data.message()));
            case AVAILABLE -> Optional.of(new Readiness(true, USER_DATA_AVAILABLE, data.message()));
        };
    }

    private Readiness bootReadiness(ServerClaim claim, Optional<ServerBootConfiguration> bootConfiguration) {
        if (ignitionSecretMissing(claim, bootConfiguration)) {
            LocalObjectReference secretRef = claim.getSpec().getIgnitionSecretRef();
            return new Readiness(false, IGNITION_SECRET_MISSING, "Secret " + secretRef.getName() + " in namespace "
                    + claim.getMetadata().getNamespace() + " does not exist; create it with the key 'ignition'");
        }
        if (bootConfiguration.isEmpty()) {
            return new Readiness(false, WAITING_FOR_BOOT_SERVICE, "the boot configuration is being created");
        }
        var status = bootConfiguration.get().getStatus();
        BootConfigurationState state = status == null ? null : status.getState();
        if (state == BootConfigurationState.READY) {
            return new Readiness(true, BOOT_CONFIGURATION_IS_READY, "the boot service has the image and Ignition ready");
        }
        if (state == BootConfigurationState.ERROR) {
            String detail = status.getConditions() == null ? "" : status.getConditions().stream()
                    .filter(c -> Conditions.FALSE.equals(c.getStatus()))
                    .map(c -> c.getType() + ": " + c.getMessage()).findFirst().orElse("");
            return new Readiness(false, BOOT_CONFIGURATION_ERROR, "the boot service reports an error"
                    + (detail.isEmpty() ? "" : " (" + detail + ")") + "; fix spec.image or the Ignition Secret");
        }
        return new Readiness(false, WAITING_FOR_BOOT_SERVICE, "waiting for the boot service to mark the boot configuration Ready");
    }

    /**
     * Whether the claim's Ignition Secret is missing. A Ready boot configuration had it; one that
     * the built-in boot service has checked says so in its IgnitionValidation condition, and one
     * it has not checked yet soon will. Only with an outside boot service, which may not say, does
     * the claim ask the API server, and only until the boot configuration is Ready.
     */
    private boolean ignitionSecretMissing(ServerClaim claim, Optional<ServerBootConfiguration> bootConfiguration) {
        LocalObjectReference secretRef = claim.getSpec().getIgnitionSecretRef();
        if (secretRef == null) {
            return false;
        }
        var status = bootConfiguration.map(ServerBootConfiguration::getStatus);
        if (status.map(s -> s.getState() == BootConfigurationState.READY).orElse(false)) {
            return false;
        }
        Optional<Condition> judged = status.flatMap(s -> Conditions.find(s.getConditions(), BootConditions.IGNITION_VALIDATION))
                .filter(c -> Objects.equals(c.getObservedGeneration(), bootConfiguration.get().getMetadata().getGeneration()));
        if (judged.isPresent()) {
            return IGNITION_SECRET_MISSING.equals(judged.get().getReason());
        }
        if (config.boot().enabled()) {
            // The built-in boot service judges every boot configuration, and the claim hears of it.
            return false;
        }
        return client.resources(Secret.class).inNamespace(claim.getMetadata().getNamespace())
                .withName(secretRef.getName()).get() == null;
    }

    private static Readiness powerReadiness(ServerClaim claim, Server server, boolean bootReady) {
        if (!bootReady) {
            return new Readiness(false, WAITING_FOR_BOOT_CONFIGURATION, "the server is powered only once its boot configuration is Ready");
        }
        Power wanted = claim.getSpec().getPower();
        ServerPowerState actual = server.getStatus() == null ? null : server.getStatus().getPowerState();
        boolean reached = (wanted == Power.ON && actual == ServerPowerState.ON) || (wanted == Power.OFF && actual == ServerPowerState.OFF);
        List<Condition> serverConditions = server.getStatus() == null ? null : server.getStatus().getConditions();
        Optional<Condition> networkBoot = Conditions.find(serverConditions, ServerConditions.NETWORK_BOOT)
                .filter(c -> Conditions.FALSE.equals(c.getStatus()));
        if (!reached && networkBoot.isPresent()) {
            return new Readiness(false, NETWORK_BOOT_NOT_KEPT, "server " + server.getMetadata().getName() + ": "
                    + networkBoot.get().getMessage());
        }
        Optional<Condition> unreachable = Conditions.find(serverConditions, ServerConditions.BMC_REACHABLE)
                .filter(c -> Conditions.FALSE.equals(c.getStatus()));
        if (!reached && unreachable.isPresent()) {
            return new Readiness(false, BMC_UNREACHABLE, "the BMC of server " + server.getMetadata().getName()
                    + " does not answer (" + unreachable.get().getReason() + ")");
        }
        if (reached && server.getStatus().getState() == ServerState.RESERVED) {
            return new Readiness(true, POWER_REACHED, "server " + server.getMetadata().getName() + " is " + actual);
        }
        return new Readiness(false, POWER_TRANSITION, "server " + server.getMetadata().getName() + " is "
                + (actual == null ? "of unknown power" : actual) + "; asked for " + wanted);
    }

    private Duration sinceCreation(ServerClaim claim) {
        String created = claim.getMetadata().getCreationTimestamp();
        return created == null ? Duration.ZERO
                : Duration.between(Instant.parse(created), clock.instant());
    }

    /** Ready sums the others up: the claim holds its server, with its boot configuration and power as asked. */
    private List<Condition> ready(ServerClaim claim, List<Condition> conditions) {
        Optional<Conditions.Blocker> blocker = Conditions.firstNotTrue(conditions, BOUND, BOOT_CONFIGURATION_READY,
                POWER_STATE_REACHED, USER_DATA_READY);
        return Conditions.withReady(conditions, blocker, "Provisioned", "bound, boot configuration ready and power state reached",
                claim.getMetadata().getGeneration(), clock.instant());
    }

    private List<Condition> condition(ServerClaim claim, List<Condition> conditions, String type, boolean status,
            String reason, String message) {
        return Conditions.with(conditions, type, status, reason, message, claim.getMetadata().getGeneration(), clock.instant());
    }

    private UpdateControl<ServerClaim> patchIfChanged(ServerClaim claim, ServerClaimStatus before, ServerClaimStatus after) {
        if (Objects.equals(json(before), json(after))) {
            return UpdateControl.noUpdate();
        }
        claim.setStatus(after);
        return UpdateControl.patchStatus(claim);
    }

    private static String reasonOf(ServerClaimStatus status, String type) {
        return status == null ? null : Conditions.reason(status.getConditions(), type).orElse(null);
    }

    private ServerClaimStatus copyOf(ServerClaimStatus status) {
        return status == null ? null : client.getKubernetesSerialization().clone(status);
    }

    private String json(Object value) {
        return value == null ? null : client.getKubernetesSerialization().asJson(value);
    }

    /** The outcome of trying to bind: the server, or the reason nothing was bound. */
    private record Binding(Optional<Server> server, String reason, String message) {
    }

    private record Readiness(boolean ready, String reason, String message) {
    }
}
