package dev.metalprov.boot;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import jakarta.inject.Inject;

import dev.metalprov.api.v1alpha1.BootConfigurationState;
import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerBootConfiguration;
import dev.metalprov.api.v1alpha1.ServerBootConfigurationStatus;
import dev.metalprov.boot.IgnitionSecrets.Ignition;
import dev.metalprov.claim.BindingFirst;
import dev.metalprov.common.ActedOnChanges;
import dev.metalprov.common.Conditions;
import dev.metalprov.common.Events;
import dev.metalprov.common.OperatorConfig;
import dev.metalprov.operator.SharedItemStore;
import dev.metalprov.server.Operations;
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
import io.quarkiverse.operatorsdk.annotations.RBACRule;

/**
 * The boot service's half of the ServerBootConfiguration contract: resolve the image into the
 * layers the requested boot method needs, check the Ignition Secret, and report
 * {@code Ready} or {@code Error} with conditions whose reasons say what to fix. A configuration
 * in Error is looked at again after a while, so an image pushed or a Secret created or fixed
 * later turns it Ready without anyone touching it.
 *
 * <p>With {@code metal.boot.enabled=false} it does nothing and watches nothing more: an external
 * boot service (IronCore's boot-operator) owns the state then.
 */
// Annotations wake a configuration too (ignore is lifted by removing one), so not only a new generation does.
@ControllerConfiguration(name = BootConfigurationReconciler.NAME, generationAwareEventProcessing = false,
        informer = @Informer(itemStore = SharedItemStore.class, onUpdateFilter = ActedOnChanges.class))
@RBACRule(apiGroups = Metal.GROUP, resources = "servers", verbs = { "get", "list", "watch" })
@RBACRule(apiGroups = "", resources = "secrets", verbs = "get")
@RBACRule(apiGroups = "", resources = "events", verbs = "create")
public class BootConfigurationReconciler implements Reconciler<ServerBootConfiguration> {

    public static final String NAME = "bootconfiguration";

    @Inject
    OperatorConfig config;

    @Inject
    ImageResolver images;

    @Inject
    IgnitionSecrets ignitions;

    @Inject
    BootConfigurationStatuses statuses;

    @Inject
    BootTargets targets;

    @Inject
    BootUrls urls;

    @Inject
    Events events;

    @Inject
    Clock clock;

    @Inject
    BindingFirst bindingFirst;

    private BindingFirst.Holder heldForBinds;

    @Override
    public List<EventSource<?, ServerBootConfiguration>> prepareEventSources(EventSourceContext<ServerBootConfiguration> context) {
        if (!config.boot().enabled()) {
            return List.of();
        }
        // Servers are watched for the boot server's lookups by UUID; a change of a server's spec concerns
        // the configuration it names. Its status (the power, read every few seconds) does not: passes for
        // it would only read the Ignition Secret again.
        InformerEventSource<Server, ServerBootConfiguration> servers = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Server.class, ServerBootConfiguration.class)
                        .withName("servers")
                        .withItemStore(new SharedItemStore<>())
                        .withOnUpdateFilter((updated, old) -> !Objects.equals(updated.getMetadata().getGeneration(),
                                old.getMetadata().getGeneration()))
                        .withSecondaryToPrimaryMapper(server -> server.getSpec() == null
                                || server.getSpec().getBootConfigurationRef() == null ? Set.of()
                                        : Set.of(new ResourceID(server.getSpec().getBootConfigurationRef().getName(),
                                                server.getSpec().getBootConfigurationRef().getNamespace())))
                        .build(),
                context);
        BootTargets.indexByUuid(servers);
        targets.attach(context.getPrimaryCache(), servers);
        SimpleInboundEventSource<ServerBootConfiguration> bindingDone = new SimpleInboundEventSource<>("binding-done");
        heldForBinds = bindingFirst.holder(NAME, bindingDone::propagateEvent);
        return List.of(servers, bindingDone);
    }

    @Override
    public UpdateControl<ServerBootConfiguration> reconcile(ServerBootConfiguration configuration,
            Context<ServerBootConfiguration> context) {
        if (!config.boot().enabled() || Operations.ignored(configuration)) {
            // Off, or upstream's ignore: the configuration is left alone while it is set.
            return UpdateControl.noUpdate();
        }
        // A configuration not answered yet waits while claims wait for their bind (BindingFirst).
        Optional<Duration> held = configuration.getStatus() != null && configuration.getStatus().getState() == BootConfigurationState.READY
                ? Optional.empty()
                : heldForBinds.hold(ResourceID.fromResource(configuration));
        if (held.isPresent()) {
            return UpdateControl.<ServerBootConfiguration> noUpdate().rescheduleAfter(held.get().toMillis());
        }
        Check image = checkImage(configuration);
        Ignition ignition = ignitions.read(configuration);
        boolean ready = image.passed() && ignition.usable();
        BootConfigurationState state = ready ? BootConfigurationState.READY : BootConfigurationState.ERROR;

        var before = configuration.getStatus();
        Long generation = configuration.getMetadata().getGeneration();
        Instant now = clock.instant();
        statuses.update(configuration, status -> {
            status.setState(state);
            status.setObservedGeneration(generation);
            var conditions = Conditions.with(status.getConditions(), BootConditions.IMAGE_VALIDATION, image.passed(),
                    image.reason(), image.message(), generation, now);
            conditions = Conditions.with(conditions, BootConditions.IGNITION_VALIDATION, ignition.usable(),
                    ignition.status().reason(), ignition.message(), generation, now);
            status.setConditions(Conditions.withReady(conditions, Conditions.firstNotTrue(conditions,
                    BootConditions.IMAGE_VALIDATION, BootConditions.IGNITION_VALIDATION), "BootConfigurationReady",
                    "image resolved and Ignition checked; ready to boot", generation, now));
        });
        tellWhatChanged(configuration, before, state, image, ignition);

        Duration recheck = ready ? config.boot().readyRecheckInterval() : config.boot().errorRecheckInterval();
        return UpdateControl.<ServerBootConfiguration> noUpdate().rescheduleAfter(recheck.toMillis());
    }

    /** The verdict on spec.image for the boot method asked for. */
    record Check(boolean passed, String reason, String message) {
    }

    Check checkImage(ServerBootConfiguration configuration) {
        BootMethod method;
        try {
            method = BootMethod.of(configuration);
        } catch (IllegalArgumentException e) {
            return new Check(false, BootConditions.UNKNOWN_BOOT_METHOD, e.getMessage());
        }
        String image = configuration.getSpec().getImage();
        BootImage resolved;
        try {
            resolved = images.resolve(image);
        } catch (ImageException e) {
            return new Check(false, e.reason().conditionReason(), e.getMessage());
        }
        if (method == BootMethod.HTTP && !resolved.bootsOverHttp()) {
            return new Check(false, BootConditions.UKI_MISSING, "image " + image + " has no UKI layer ("
                    + OciRegistryClient.UKI + "), which UEFI HTTP boot needs");
        }
        if (method == BootMethod.IPXE && !resolved.bootsOverIpxe()) {
            return new Check(false, BootConditions.KERNEL_MISSING, "image " + image + " has no kernel and initramfs layers ("
                    + OciRegistryClient.KERNEL + ", " + OciRegistryClient.INITRAMFS + "), which iPXE needs; for its UKI,"
                    + " set annotation " + Metal.BOOT_METHOD_ANNOTATION + ": HTTP on the claim");
        }
        if (urls.base().isEmpty()) {
            return new Check(false, BootConditions.BOOT_URL_UNKNOWN, "the boot server is not listening yet and"
                    + " metal.boot.advertised-url is not set");
        }
        return new Check(true, BootConditions.IMAGE_RESOLVED, "image " + image + " resolved to " + resolved.manifestDigest()
                + " with " + String.join(", ", parts(resolved)));
    }

    private static List<String> parts(BootImage image) {
        List<String> parts = new ArrayList<>();
        for (BootImage.Part part : BootImage.Part.values()) {
            image.layer(part).ifPresent(layer -> parts.add(part.path()));
        }
        return parts;
    }

    /** One event per change of verdict, not one per check. */
    private void tellWhatChanged(ServerBootConfiguration configuration, ServerBootConfigurationStatus before,
            BootConfigurationState state, Check image, Ignition ignition) {
        var conditions = before == null ? null : before.getConditions();
        boolean imageNews = !image.reason().equals(Conditions.reason(conditions, BootConditions.IMAGE_VALIDATION).orElse(null));
        boolean ignitionNews = !ignition.status().reason()
                .equals(Conditions.reason(conditions, BootConditions.IGNITION_VALIDATION).orElse(null));
        if (imageNews && !image.passed()) {
            events.warning(configuration, image.reason(), image.message());
        }
        if (ignitionNews && !ignition.usable()) {
            events.warning(configuration, ignition.status().reason(), ignition.message());
        }
        if (state == BootConfigurationState.READY && (before == null || before.getState() != BootConfigurationState.READY)) {
            events.normal(configuration, "BootConfigurationReady", "image resolved and Ignition checked; ready to boot");
        }
    }
}
