package dev.metalprov.metadata;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.metalprov.common.OperatorConfig;
import dev.metalprov.metadata.MetadataCallers.Ambiguous;
import dev.metalprov.metadata.MetadataCallers.Caller;
import dev.metalprov.metadata.MetadataCallers.Machine;
import dev.metalprov.metadata.UserDataSecrets.UserData;
import dev.metalprov.metrics.MetadataMetrics;
import dev.metalprov.metrics.MetadataMetrics.Endpoint;
import dev.metalprov.metrics.MetadataMetrics.Outcome;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The metadata service, on its own port, answering as upstream's metaldata does:
 * <ul>
 * <li>{@code GET /v1/}: the machine's metadata as a JSON object, with its user data under
 * {@code user-data} when its claim names some;</li>
 * <li>{@code GET /v1/{field}}: one metadata value, as text;</li>
 * <li>{@code GET /v1/user-data}: the user data as a JSON object of strings;</li>
 * <li>{@code GET /v1/user-data/{key}}: one key of it, as it is stored.</li>
 * </ul>
 * Every request needs the header {@code Metadata-Flavor: IronCore Metal} (403 without), which a
 * browser tricked into a cross-site request, or a proxy that forwards plain URLs, does not send.
 * The caller is the server whose status lists the address the connection comes from; it gets
 * its own metadata and the user data of the claim bound to it, nothing else, and no request
 * names a server or a claim. So an address nobody lists, or one that two servers list, gets 404.
 * The address is the TCP peer's: headers such as X-Forwarded-For are not believed, since any
 * caller could set them. Every answer is counted in {@code metal_metadata_requests_total}.
 */
@ApplicationScoped
public class MetadataServer {

    public static final String FLAVOR_HEADER = "Metadata-Flavor";
    public static final String FLAVOR = "IronCore Metal";

    private static final Logger LOG = Logger.getLogger(MetadataServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NOT_FOUND = "404 page not found\n";

    @Inject
    Vertx vertx;

    @Inject
    OperatorConfig config;

    @Inject
    MetadataCallers callers;

    @Inject
    ServerMetadata metadata;

    @Inject
    UserDataSecrets userData;

    @Inject
    MetadataMetrics metrics;

    private HttpServer server;

    void start(@Observes StartupEvent start) throws Exception {
        if (!config.metadata().enabled()) {
            LOG.info("the metadata service is off (metal.metadata.enabled=false)");
            return;
        }
        for (String reserved : new String[] { ServerMetadata.SERVER_NAME, ServerMetadata.USER_DATA }) {
            if (config.metadata().staticValues().containsKey(reserved)) {
                throw new IllegalStateException("metal.metadata.static." + reserved + " is reserved: the metadata service"
                        + " sets '" + reserved + "' itself");
            }
        }
        Router router = Router.router(vertx);
        router.route("/v1/*").handler(this::requireFlavor);
        router.get("/v1/").blockingHandler(this::everything, false);
        router.get("/v1/user-data").blockingHandler(this::allUserData, false);
        router.get("/v1/user-data/:key").blockingHandler(this::userDataKey, false);
        router.get("/v1/:field").handler(this::field);
        router.route().handler(context -> notFound(context, Endpoint.OTHER, Outcome.NOT_FOUND));
        String host = config.metadata().host();
        server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(config.metadata().port()))
                .requestHandler(router).listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        LOG.infof("metadata server listening on %s:%d", host, server.actualPort());
    }

    void stop(@Observes ShutdownEvent stop) throws Exception {
        if (server != null) {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** The port it listens on; 0 when it does not. */
    public int port() {
        return server == null ? 0 : server.actualPort();
    }

    private void requireFlavor(RoutingContext context) {
        if (!FLAVOR.equals(context.request().getHeader(FLAVOR_HEADER))) {
            metrics.answered(endpointOf(context.normalizedPath()), Outcome.MISSING_HEADER);
            context.response().setStatusCode(403).putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end("missing required header: " + FLAVOR_HEADER + ": " + FLAVOR + "\n");
            return;
        }
        context.next();
    }

    private void everything(RoutingContext context) {
        Machine machine = machine(context, Endpoint.METADATA);
        if (machine == null) {
            return;
        }
        Map<String, Object> answer = new TreeMap<>(metadata.of(machine.server()));
        if (machine.claim().isPresent()) {
            UserData data = read(context, Endpoint.METADATA, machine);
            if (data == null) {
                return;
            }
            if (data.status() == UserData.Status.AVAILABLE) {
                answer.put(ServerMetadata.USER_DATA, asStrings(data.data()));
            }
        }
        json(context, Endpoint.METADATA, answer);
    }

    private void field(RoutingContext context) {
        Machine machine = machine(context, Endpoint.FIELD);
        if (machine == null) {
            return;
        }
        String value = metadata.of(machine.server()).get(context.pathParam("field"));
        if (value == null) {
            notFound(context, Endpoint.FIELD, Outcome.NOT_FOUND);
            return;
        }
        text(context, Endpoint.FIELD, value.getBytes(StandardCharsets.UTF_8));
    }

    private void allUserData(RoutingContext context) {
        Map<String, byte[]> data = userDataOf(context, Endpoint.USER_DATA);
        if (data != null) {
            json(context, Endpoint.USER_DATA, asStrings(data));
        }
    }

    private void userDataKey(RoutingContext context) {
        Map<String, byte[]> data = userDataOf(context, Endpoint.USER_DATA_KEY);
        if (data == null) {
            return;
        }
        byte[] value = data.get(context.pathParam("key"));
        if (value == null) {
            notFound(context, Endpoint.USER_DATA_KEY, Outcome.NOT_FOUND);
            return;
        }
        text(context, Endpoint.USER_DATA_KEY, value);
    }

    /** The caller's user data; null when the answer (a refusal) has been sent. */
    private Map<String, byte[]> userDataOf(RoutingContext context, Endpoint endpoint) {
        Machine machine = machine(context, endpoint);
        if (machine == null) {
            return null;
        }
        if (machine.claim().isEmpty()) {
            notFound(context, endpoint, Outcome.NO_USER_DATA);
            return null;
        }
        UserData data = read(context, endpoint, machine);
        if (data == null) {
            return null;
        }
        if (data.status() != UserData.Status.AVAILABLE) {
            notFound(context, endpoint, Outcome.NO_USER_DATA);
            return null;
        }
        return data.data();
    }

    /**
     * The claim's user data, or null when the answer has been sent: a Secret of the wrong type
     * gets a 500 as upstream answers it (the claim's {@code UserDataReady} condition says why),
     * and so does an API server that cannot be asked.
     */
    private UserData read(RoutingContext context, Endpoint endpoint, Machine machine) {
        UserData data;
        try {
            data = userData.read(machine.claim().get());
        } catch (KubernetesClientException e) {
            LOG.warnf("cannot read the user data of claim %s/%s: HTTP %d", machine.claim().get().getMetadata().getNamespace(),
                    machine.claim().get().getMetadata().getName(), e.getCode());
            fail(context, endpoint, Outcome.ERROR, "user data unavailable\n");
            return null;
        }
        if (data.status() == UserData.Status.WRONG_TYPE) {
            fail(context, endpoint, Outcome.WRONG_SECRET_TYPE,
                    "the user-data Secret is not of type " + dev.metalprov.api.v1alpha1.Metal.USER_DATA_SECRET_TYPE + "\n");
            return null;
        }
        return data;
    }

    /** The machine calling; null when it is unknown, and the 404 has been sent. */
    private Machine machine(RoutingContext context, Endpoint endpoint) {
        Caller caller = callers.find(context.request().remoteAddress().hostAddress());
        if (caller instanceof Machine machine) {
            return machine;
        }
        if (caller instanceof Ambiguous ambiguous) {
            LOG.warnf("servers %s list the same address; the metadata service answers none of them", ambiguous.servers());
            notFound(context, endpoint, Outcome.AMBIGUOUS_CALLER);
        } else {
            notFound(context, endpoint, Outcome.UNKNOWN_CALLER);
        }
        return null;
    }

    private static Map<String, String> asStrings(Map<String, byte[]> data) {
        Map<String, String> strings = new LinkedHashMap<>();
        data.forEach((key, value) -> strings.put(key, new String(value, StandardCharsets.UTF_8)));
        return strings;
    }

    private void json(RoutingContext context, Endpoint endpoint, Object answer) {
        String body;
        try {
            body = JSON.writeValueAsString(answer) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        context.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store").end(body);
        metrics.answered(endpoint, Outcome.SERVED);
    }

    private void text(RoutingContext context, Endpoint endpoint, byte[] value) {
        context.response().putHeader("Content-Type", "text/plain; charset=utf-8").putHeader("Cache-Control", "no-store")
                .end(Buffer.buffer(value));
        metrics.answered(endpoint, Outcome.SERVED);
    }

    private void notFound(RoutingContext context, Endpoint endpoint, Outcome outcome) {
        metrics.answered(endpoint, outcome);
        context.response().setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8").end(NOT_FOUND);
    }

    private void fail(RoutingContext context, Endpoint endpoint, Outcome outcome, String message) {
        metrics.answered(endpoint, outcome);
        context.response().setStatusCode(500).putHeader("Content-Type", "text/plain; charset=utf-8").end(message);
    }

    private static Endpoint endpointOf(String path) {
        if (path.equals("/v1/")) {
            return Endpoint.METADATA;
        }
        if (path.equals("/v1/user-data")) {
            return Endpoint.USER_DATA;
        }
        if (path.startsWith("/v1/user-data/")) {
            return Endpoint.USER_DATA_KEY;
        }
        return path.indexOf('/', "/v1/".length()) < 0 ? Endpoint.FIELD : Endpoint.OTHER;
    }
}
