package dev.metalprov.boot;

import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.metalprov.api.v1alpha1.BootConfigurationState;
import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.api.v1alpha1.ServerBootConfiguration;
import dev.metalprov.boot.BootImage.Layer;
import dev.metalprov.boot.BootImage.Part;
import dev.metalprov.boot.BootTargets.Target;
import dev.metalprov.boot.IgnitionSecrets.Ignition;
import dev.metalprov.common.Conditions;
import dev.metalprov.common.OperatorConfig;
import dev.metalprov.metrics.BootMetrics;
import dev.metalprov.metrics.BootMetrics.Endpoint;
import dev.metalprov.metrics.BootMetrics.Outcome;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The boot server, on its own port: what a machine fetches while it boots from the network.
 * <ul>
 * <li>{@code GET /ipxe/{uuid}}: the iPXE script for the server with that SMBIOS UUID;</li>
 * <li>{@code GET /httpboot/{uuid}}: the UEFI HTTP boot answer (UKI and Ignition URLs);</li>
 * <li>{@code GET /ignition/{uuid}?token=...}: the Ignition of the server's claim;</li>
 * <li>{@code GET /images/{uuid}/{kernel|initramfs|rootfs|uki}}: the image's layer, passed
 * through from its registry.</li>
 * </ul>
 * The Ignition needs the token that only the script and the answer carry, and those are handed
 * out only while the server boots for its configuration: after the operator set its one-time
 * network boot, and until the Ignition has been fetched. A tenant who knows another server's
 * UUID gets a 404 outside that window, and a 404 for any token but the right one; every refusal
 * is counted in {@code metal_boot_requests_total}. Unknown UUIDs, wrong tokens and
 * configurations that are not Ready all get the same 404, so answers tell a prober nothing.
 */
@ApplicationScoped
public class BootServer {

    private static final Logger LOG = Logger.getLogger(BootServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REDIRECT_HOPS = 3;

    @Inject
    Vertx vertx;

    @Inject
    OperatorConfig config;

    @Inject
    BootTargets targets;

    @Inject
    ImageResolver images;

    @Inject
    IgnitionSecrets ignitions;

    @Inject
    BootTokens tokens;

    @Inject
    BootUrls urls;

    @Inject
    BootConfigurationStatuses statuses;

    @Inject
    BootMetrics metrics;

    @Inject
    Clock clock;

    private HttpServer server;
    private HttpClient registryClient;

    void start(@Observes StartupEvent start) throws Exception {
        if (!config.boot().enabled()) {
            LOG.info("the built-in boot service is off (metal.boot.enabled=false); an external boot service sets boot configurations Ready");
            return;
        }
        Router router = Router.router(vertx);
        router.get("/ipxe/:uuid").blockingHandler(this::ipxe, false);
        router.get("/httpboot/:uuid").blockingHandler(this::httpBoot, false);
        router.get("/ignition/:uuid").blockingHandler(this::ignition, false);
        router.get("/images/:uuid/:part").blockingHandler(this::image, false);
        router.route().handler(context -> context.response().setStatusCode(404).end("not found\n"));
        registryClient = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(10_000).setIdleTimeout(60));
        String host = config.boot().host();
        server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(config.boot().port()))
                .requestHandler(router).listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        urls.listeningOn(host, server.actualPort());
        LOG.infof("boot server listening on %s:%d; machines are told %s", host, server.actualPort(),
                urls.base().orElse("(unknown)"));
        if (config.boot().advertisedUrl().isEmpty() && !host.startsWith("127.")) {
            LOG.warn("metal.boot.advertised-url is not set: machines are given a loopback URL; set it to an address they reach");
        }
    }

    void stop(@Observes ShutdownEvent stop) throws Exception {
        if (server != null) {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (registryClient != null) {
            registryClient.close();
        }
    }

    private void ipxe(RoutingContext context) {
        Optional<Booting> booting = bootingMachine(context, Endpoint.IPXE);
        if (booting.isEmpty()) {
            return;
        }
        Booting machine = booting.get();
        Optional<String> script = BootScripts.ipxe(machine.image(), machine.links(), machine.withIgnition(),
                config.boot().kernelArguments(), config.boot().rootfsArgument());
        if (script.isEmpty()) {
            refuse(context, Endpoint.IPXE, Outcome.NOT_READY);
            return;
        }
        context.response().putHeader("Content-Type", "text/plain; charset=utf-8").putHeader("Cache-Control", "no-store")
                .end(script.get());
        metrics.answered(Endpoint.IPXE, Outcome.SERVED);
        markFetched(machine.target().configuration(), BootConditions.IPXE_SCRIPT_FETCHED, BootConditions.SCRIPT_SERVED,
                "the server fetched its iPXE script");
    }

    private void httpBoot(RoutingContext context) {
        Optional<Booting> booting = bootingMachine(context, Endpoint.HTTPBOOT);
        if (booting.isEmpty()) {
            return;
        }
        Booting machine = booting.get();
        Optional<Map<String, String>> answer = BootScripts.httpBoot(machine.image(), machine.links(), machine.withIgnition());
        if (answer.isEmpty()) {
            refuse(context, Endpoint.HTTPBOOT, Outcome.NOT_READY);
            return;
        }
        try {
            context.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                    .end(JSON.writeValueAsString(answer.get()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        metrics.answered(Endpoint.HTTPBOOT, Outcome.SERVED);
        markFetched(machine.target().configuration(), BootConditions.IPXE_SCRIPT_FETCHED, BootConditions.HTTP_BOOT_ANSWER_SERVED,
                "the server fetched its UEFI HTTP boot answer");
    }

    private void ignition(RoutingContext context) {
        Optional<Target> found = knownServer(context, Endpoint.IGNITION);
        if (found.isEmpty()) {
            return;
        }
        ServerBootConfiguration configuration = found.get().configuration();
        if (!tokens.matches(configuration, context.queryParams().get("token"))) {
            refuse(context, Endpoint.IGNITION, Outcome.BAD_TOKEN);
            return;
        }
        if (!isReady(configuration)) {
            refuse(context, Endpoint.IGNITION, Outcome.NOT_READY);
            return;
        }
        Ignition ignition = ignitions.read(configuration);
        if (ignition.status() != Ignition.Status.VALID) {
            refuse(context, Endpoint.IGNITION, Outcome.NOT_READY);
            return;
        }
        context.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                .end(io.vertx.core.buffer.Buffer.buffer(ignition.content()));
        metrics.answered(Endpoint.IGNITION, Outcome.SERVED);
        markFetched(configuration, BootConditions.IGNITION_DATA_FETCHED, BootConditions.IGNITION_SERVED,
                "the server fetched its Ignition");
    }

    private void image(RoutingContext context) {
        Optional<Target> found = knownServer(context, Endpoint.IMAGE);
        if (found.isEmpty()) {
            return;
        }
        Optional<Part> part = Part.ofPath(context.pathParam("part"));
        Optional<BootImage> image = bootableImage(found.get().configuration());
        Optional<Layer> layer = part.flatMap(p -> image.flatMap(i -> i.layer(p)));
        if (layer.isEmpty()) {
            refuse(context, Endpoint.IMAGE, Outcome.NOT_READY);
            return;
        }
        BootImage.Source source = image.get().source();
        try {
            images.registry().authorize(source, layer.get().digest());
        } catch (ImageException e) {
            LOG.warnf("cannot pass layer %s of %s through: %s", part.get().path(), image.get().reference(), e.getMessage());
            metrics.answered(Endpoint.IMAGE, Outcome.UPSTREAM_ERROR);
            context.response().setStatusCode(502).end("registry unavailable\n");
            return;
        }
        passThrough(context, URI.create(source.baseUrl() + "/blobs/" + layer.get().digest()),
                images.registry().authorization(source), 0);
    }

    /** Streams the blob to the machine as it arrives; a redirect to blob storage is followed without the registry's token. */
    private void passThrough(RoutingContext context, URI uri, Optional<String> authorization, int hop) {
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(uri.toString()).setFollowRedirects(false);
        authorization.ifPresent(value -> request.putHeader("Authorization", value));
        registryClient.request(request).compose(HttpClientRequest::send).onComplete(sent -> {
            if (sent.failed()) {
                upstreamFailed(context, sent.cause().getMessage());
                return;
            }
            var response = sent.result();
            String location = response.getHeader("Location");
            if (response.statusCode() / 100 == 3 && location != null && hop < REDIRECT_HOPS) {
                response.end();
                passThrough(context, uri.resolve(location), Optional.empty(), hop + 1);
                return;
            }
            if (response.statusCode() != 200) {
                response.end();
                upstreamFailed(context, "HTTP " + response.statusCode());
                return;
            }
            var out = context.response().putHeader("Content-Type", "application/octet-stream");
            String length = response.getHeader("Content-Length");
            if (length != null) {
                out.putHeader("Content-Length", length);
            } else {
                out.setChunked(true);
            }
            response.pipeTo(out).onComplete(piped -> metrics.answered(Endpoint.IMAGE,
                    piped.succeeded() ? Outcome.SERVED : Outcome.UPSTREAM_ERROR));
        });
    }

    private void upstreamFailed(RoutingContext context, String why) {
        LOG.warnf("passing a layer through failed: %s", why);
        metrics.answered(Endpoint.IMAGE, Outcome.UPSTREAM_ERROR);
        if (!context.response().ended()) {
            context.response().setStatusCode(502).end("registry unavailable\n");
        }
    }

    /** A machine allowed its script now, with its image resolved and its links made. */
    private record Booting(Target target, BootImage image, BootScripts.Links links, boolean withIgnition) {
    }

    private Optional<Booting> bootingMachine(RoutingContext context, Endpoint endpoint) {
        Optional<Target> found = knownServer(context, endpoint);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        String uuid = context.pathParam("uuid");
        ServerBootConfiguration configuration = found.get().configuration();
        Optional<BootImage> image = bootableImage(configuration);
        Optional<String> base = urls.base();
        if (image.isEmpty() || base.isEmpty()) {
            refuse(context, endpoint, Outcome.NOT_READY);
            return Optional.empty();
        }
        if (!isBooting(found.get())) {
            refuse(context, endpoint, Outcome.NOT_BOOTING);
            return Optional.empty();
        }
        boolean withIgnition = configuration.getSpec().getIgnitionSecretRef() != null;
        var links = new BootScripts.Links(base.get(), uuid.toLowerCase(java.util.Locale.ROOT), tokens.tokenFor(configuration));
        return Optional.of(new Booting(found.get(), image.get(), links, withIgnition));
    }

    /**
     * Between the one-time network boot the operator set for this configuration and the first
     * fetch of its Ignition: the only time the machine needs the token.
     */
    private static boolean isBooting(Target target) {
        Map<String, String> annotations = target.server().getMetadata().getAnnotations();
        String bootingFor = annotations == null ? null : annotations.get(Metal.NETWORK_BOOT_ANNOTATION);
        ServerBootConfiguration configuration = target.configuration();
        return Objects.equals(bootingFor, configuration.getMetadata().getUid()) && !Conditions.isTrue(
                configuration.getStatus().getConditions(), BootConditions.IGNITION_DATA_FETCHED);
    }

    /** The machine with the UUID of the path and its configuration; refused (and counted) when there is none. */
    private Optional<Target> knownServer(RoutingContext context, Endpoint endpoint) {
        Optional<Target> found = targets.find(context.pathParam("uuid"));
        if (found.isEmpty()) {
            refuse(context, endpoint, Outcome.UNKNOWN_SERVER);
        }
        return found;
    }

    private static boolean isReady(ServerBootConfiguration configuration) {
        return configuration.getStatus() != null && configuration.getStatus().getState() == BootConfigurationState.READY;
    }

    /** The image of a Ready configuration; empty while it is not Ready. */
    private Optional<BootImage> bootableImage(ServerBootConfiguration configuration) {
        if (!isReady(configuration)) {
            return Optional.empty();
        }
        try {
            return Optional.of(images.resolve(configuration.getSpec().getImage()));
        } catch (ImageException e) {
            return Optional.empty();
        }
    }

    private void refuse(RoutingContext context, Endpoint endpoint, Outcome outcome) {
        metrics.answered(endpoint, outcome);
        context.response().setStatusCode(404).putHeader("Content-Type", "text/plain").end("not found\n");
    }

    private void markFetched(ServerBootConfiguration configuration, String type, String reason, String message) {
        if (Conditions.isTrue(configuration.getStatus().getConditions(), type)) {
            return;
        }
        try {
            statuses.update(configuration, status -> status.setConditions(Conditions.with(status.getConditions(), type, true,
                    reason, message, configuration.getMetadata().getGeneration(), clock.instant())));
        } catch (RuntimeException e) {
            LOG.warnf("could not record %s on boot configuration %s/%s: %s", type, configuration.getMetadata().getNamespace(),
                    configuration.getMetadata().getName(), e.getMessage());
        }
    }
}
