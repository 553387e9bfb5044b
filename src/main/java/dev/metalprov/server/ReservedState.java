package dev.metalprov.server;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.api.v1alpha1.Power;
import dev.metalprov.api.v1alpha1.ServerBootConfiguration;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.boot.BootImage;
import dev.metalprov.boot.BootMethod;
import dev.metalprov.boot.BootUrls;
import dev.metalprov.common.OperatorConfig;
import dev.metalprov.server.BmcCommand.BootOnce;
import dev.metalprov.server.Observation.OverrideReading;
import dev.metalprov.server.PowerAdapter.NetworkBoot;
import dev.metalprov.server.PowerAdapter.PowerAction;

/**
 * Bound to a claim: powered as the claim asks, but on only once its boot configuration is Ready
 * and the BMC has confirmed a one-time network boot to the right target (a BMC that drops the
 * override would boot the machine from disk). When the claim goes, {@link Release} takes over.
 */
@ApplicationScoped
public class ReservedState implements StateHandler {

    @Inject
    PowerSequencer power;

    @Inject
    Release release;

    @Inject
    BootUrls bootUrls;

    @Inject
    OperatorConfig config;

    @Override
    public ServerState state() {
        return ServerState.RESERVED;
    }

    @Override
    public Plan handle(Situation s) {
        Optional<ServerClaim> claim = s.liveClaim();
        if (s.claimRef() == null || claim.isEmpty()) {
            return release.handle(s);
        }
        Optional<ServerBootConfiguration> boot = s.readyBootConfiguration();
        if (boot.isEmpty()) {
            // Never powered on before the boot service has what the machine will ask for.
            PowerSequencer.Step watch = power.watch(s.bmc(), s.now());
            return Plan.to(ServerState.RESERVED).send(watch.command()).recheckAfter(watch.recheck());
        }
        if (claim.get().getSpec().getPower() != Power.ON) {
            PowerSequencer.Step off = power.off(s.bmc(), s.now());
            return Plan.to(ServerState.RESERVED).send(off.command()).recheckAfter(off.recheck());
        }
        return powerOn(s, boot.get());
    }

    private Plan powerOn(Situation s, ServerBootConfiguration boot) {
        String uid = boot.getMetadata().getUid();
        if (s.annotation(Metal.NETWORK_BOOT_ANNOTATION).filter(uid::equals).isEmpty()) {
            return setNetworkBoot(s, boot, uid);
        }
        PowerSequencer.Step on = power.on(s.bmc(), s.now());
        Plan plan = Plan.to(ServerState.RESERVED).send(on.command()).recheckAfter(on.recheck())
                .condition(ServerConditions.NETWORK_BOOT, true, ServerConditions.OVERRIDE_CONFIRMED,
                        "the BMC confirmed the one-time network boot for boot configuration " + boot.getMetadata().getName());
        if (on.command().filter(c -> c instanceof BmcCommand.Power p && p.action() == PowerAction.ON).isPresent()) {
            plan.event("PoweringOn", "one-time network boot confirmed; powering on");
        }
        return plan;
    }

    /**
     * Sets the one-time network boot and judges what the BMC reads back: confirmed, it is recorded
     * on the server (so a restart does not set it again) and the next pass powers on; not kept,
     * the server stays off with a condition, and the override is tried again later.
     */
    private Plan setNetworkBoot(Situation s, ServerBootConfiguration boot, String uid) {
        if (s.bmc().power() == dev.metalprov.api.v1alpha1.ServerPowerState.ON) {
            // Already running (powered on by hand, or before a restart lost the record): leave it be.
            PowerSequencer.Step on = power.on(s.bmc(), s.now());
            return Plan.to(ServerState.RESERVED).send(on.command()).recheckAfter(on.recheck());
        }
        NetworkBootChoice choice = networkBoot(s, boot);
        NetworkBoot wanted = choice.boot();
        OverrideReading reading = s.bmc().override();
        if (reading == null || !uid.equals(reading.bootConfigurationUid())) {
            Plan plan = Plan.to(ServerState.RESERVED).send(new BootOnce(wanted, uid)).recheckAfter(config.powerPollInterval());
            // Said once per override asked for, not on every pass.
            return choice.fallback() == null ? plan : plan.warning(choice.fallback(), choice.why());
        }
        if (reading.confirmed()) {
            Plan plan = Plan.write(ServerState.RESERVED, "record the confirmed one-time network boot", server -> {
                Map<String, String> annotations = server.getMetadata().getAnnotations() == null ? new HashMap<>()
                        : new HashMap<>(server.getMetadata().getAnnotations());
                annotations.put(Metal.NETWORK_BOOT_ANNOTATION, uid);
                server.getMetadata().setAnnotations(annotations);
                return server;
            });
            if (reading.readBack().continuous()) {
                // Some BMCs (sushy-tools among them) keep every override continuous: the machine
                // boots from the network as asked, and will again on every boot.
                plan.warning("BootOverrideContinuous", "the BMC keeps the " + reading.readBack().target()
                        + " boot override Continuous rather than Once; the machine will boot from the network on every boot");
            }
            return plan;
        }
        Plan plan = Plan.to(ServerState.RESERVED).condition(ServerConditions.NETWORK_BOOT, false,
                ServerConditions.OVERRIDE_NOT_KEPT, "the BMC accepted a one-time " + wanted.kind().target()
                        + " boot but reads back " + reading.readBack() + "; the server is not powered on, as it would boot from disk");
        if (!reading.at().plus(config.powerActionRetryInterval()).isAfter(s.now())) {
            return plan.send(new BootOnce(wanted, uid)).recheckAfter(config.powerPollInterval());
        }
        return plan.recheckAfter(java.time.Duration.between(s.now(), reading.at().plus(config.powerActionRetryInterval())));
    }

    /** The network boot chosen, and why it fell back to PXE when it did. */
    private record NetworkBootChoice(NetworkBoot boot, String fallback, String why) {
    }

    /** PXE into iPXE, or UEFI HTTP boot of the image's UKI when the configuration asks for it. */
    private NetworkBootChoice networkBoot(Situation s, ServerBootConfiguration boot) {
        BootMethod method;
        try {
            method = BootMethod.of(boot);
        } catch (IllegalArgumentException e) {
            return new NetworkBootChoice(NetworkBoot.pxe(), "UnknownBootMethod", e.getMessage() + "; booting over PXE");
        }
        if (method == BootMethod.IPXE) {
            return new NetworkBootChoice(NetworkBoot.pxe(), null, null);
        }
        return bootUrls.layer(s.server().getSpec().getSystemUUID().toLowerCase(Locale.ROOT), BootImage.Part.UKI)
                .map(uri -> new NetworkBootChoice(NetworkBoot.uefiHttp(uri), null, null))
                .orElse(new NetworkBootChoice(NetworkBoot.pxe(), "BootURLUnknown",
                        "UEFI HTTP boot needs metal.boot.advertised-url; booting over PXE"));
    }
}
