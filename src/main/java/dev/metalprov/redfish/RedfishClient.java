package dev.metalprov.redfish;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import javax.net.ssl.SSLException;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.metalprov.server.BmcException;
import dev.metalprov.server.BmcFailures;

/**
 * One BMC endpoint's Redfish service, spoken as a careful client does, without ever holding a
 * thread: every call returns a future at once. The HTTP clients, their threads and the retry
 * timer are shared by all endpoints ({@link RedfishTransport}); what is kept per endpoint is
 * small: the authentication (a Redfish session's {@code X-Auth-Token} when the service offers
 * one, else Basic, one fresh login when a token is refused, the session deleted on close), a cap
 * on requests in flight with a bounded queue of futures waiting for a slot, and a cool-down:
 * after the endpoint could not be reached, its requests fail at once with that cause until a
 * backoff passes.
 *
 * <p>Requests are retried with exponential backoff and jitter on 5xx, 429, busy answers and
 * broken connections ({@code Retry-After} honoured within the cap); a timeout is not retried but
 * starts the cool-down. PATCH carries {@code If-Match} with the ETag. Futures fail with a
 * {@link BmcException} (the cause of the {@link CompletionException} that {@code join} throws).
 * Their continuations may run on the shared client threads: they must not block.
 *
 * <p>Credentials travel in one header or the login body and nowhere else: no log line,
 * exception message or {@link #toString()} contains them.
 */
public class RedfishClient implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedfishClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SESSIONS = "/redfish/v1/SessionService/Sessions";

    /** Tunables of the protocol, shared by all endpoints. */
    public record Settings(Duration connectTimeout, Duration readTimeout, int attempts, Duration backoff,
            Duration maxBackoff, int maxInFlight, int maxQueued, Duration coolDown, Duration maxCoolDown, int threads) {

        /** The protocol's tunables with the defaults for the queue, the cool-down and the threads. */
        public Settings(Duration connectTimeout, Duration readTimeout, int attempts, Duration backoff, Duration maxBackoff,
                int maxInFlight) {
            this(connectTimeout, readTimeout, attempts, backoff, maxBackoff, maxInFlight, 256, Duration.ofSeconds(5),
                    Duration.ofSeconds(60), 2);
        }

        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(5), Duration.ofSeconds(20), 4, Duration.ofMillis(250),
                    Duration.ofSeconds(5), 4);
        }

        public Settings withTimeouts(Duration connect, Duration read) {
            return new Settings(connect, read, attempts, backoff, maxBackoff, maxInFlight, maxQueued, coolDown, maxCoolDown,
                    threads);
        }

        public Settings withQueue(int inFlight, int queued) {
            return new Settings(connectTimeout, readTimeout, attempts, backoff, maxBackoff, inFlight, queued, coolDown,
                    maxCoolDown, threads);
        }

        public Settings withCoolDown(Duration first, Duration max) {
            return new Settings(connectTimeout, readTimeout, attempts, backoff, maxBackoff, maxInFlight, maxQueued, first, max,
                    threads);
        }
    }

    /** Told about every HTTP request the client makes, and every one it refuses to send, for metrics. */
    @FunctionalInterface
    public interface RequestObserver {
        RequestObserver NONE = (operation, outcome, latency) -> {
        };

        void observed(String operation, String outcome, Duration latency);

        /**
         * A request failed before it was sent: its endpoint cools down after a connection failure,
         * or its queue is full. It has no latency.
         */
        default void refused(String operation) {
        }
    }

    /** The answer of a request: its JSON body and ETag. */
    public record Reply(JsonNode json, Optional<String> etag) {
    }

    private final RedfishTransport transport;
    private final BmcAccess access;
    private final Settings settings;
    private final RequestObserver observer;
    private final HttpClient http;
    private final String basic;

    /** Guards everything below. */
    private final Object lock = new Object();
    private Boolean sessionsOffered;
    private CompletableFuture<String> authorization;
    private String sessionLocation;
    private boolean closed;
    private int inFlight;
    private final ArrayDeque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
    private String lastFailure;
    private long retryAtNanos;
    private Duration coolStep;

    public RedfishClient(RedfishTransport transport, BmcAccess access, RequestObserver observer) {
        this.transport = transport;
        this.access = access;
        this.settings = transport.settings();
        this.observer = observer == null ? RequestObserver.NONE : observer;
        this.http = transport.httpClient(access);
        this.basic = "Basic " + Base64.getEncoder()
                .encodeToString((access.username() + ":" + access.password()).getBytes(StandardCharsets.UTF_8));
    }

    public BmcAccess access() {
        return access;
    }

    public CompletableFuture<JsonNode> get(String path) {
        return exchange("GET", path, null, null).thenApply(Reply::json);
    }

    /** A GET that also returns the resource's ETag, if the BMC gives one. */
    public CompletableFuture<Reply> getWithEtag(String path) {
        return exchange("GET", path, null, null);
    }

    public CompletableFuture<JsonNode> post(String path, Object body) {
        return exchange("POST", path, body, null).thenApply(Reply::json);
    }

    /**
     * PATCH guarded by the resource's ETag where the BMC gives one: a concurrent change makes
     * the BMC answer 412, and the patch is made once more against the fresh ETag.
     */
    public CompletableFuture<JsonNode> patch(String path, Object body) {
        return patch(path, body, false);
    }

    private CompletableFuture<JsonNode> patch(String path, Object body, boolean again) {
        return getWithEtag(path)
                .thenCompose(current -> exchange("PATCH", path, body, current.etag().orElse(null)))
                .handle((reply, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(reply.json());
                    }
                    Throwable cause = BmcFailures.unwrap(error);
                    if (cause instanceof PreconditionFailed) {
                        if (!again) {
                            return patch(path, body, true);
                        }
                        cause = new BmcException(BmcException.INTERNAL_SERVER_ERROR,
                                access.endpoint().resolve(path) + " kept changing while it was being patched");
                    }
                    return CompletableFuture.<JsonNode> failedFuture(cause);
                })
                .thenCompose(Function.identity());
    }

    // ---- one request, its attempts and retries -------------------------------------------------

    private record Call(String method, String path, Object body, String ifMatch) {
    }

    private record Sent(String authorization, HttpResponse<String> response) {
    }

    private CompletableFuture<Reply> exchange(String method, String path, Object body, String ifMatch) {
        CompletableFuture<Reply> result = new CompletableFuture<>();
        synchronized (lock) {
            if (closed) {
                result.completeExceptionally(new BmcException(BmcException.CONNECTION_FAILED, "the connection to "
                        + access.endpoint() + " was closed: its access changed or it went unused"));
                return result;
            }
        }
        attempt(new Call(method, path, body, ifMatch), 1, false, result);
        return result;
    }

    private void attempt(Call call, int attempt, boolean reloggedIn, CompletableFuture<Reply> result) {
        try {
            authorization()
                    .thenCompose(auth -> send(call.method(), call.path(), call.body(), call.ifMatch(), auth)
                            .thenApply(response -> new Sent(auth, response)))
                    .whenComplete((sent, error) -> {
                        try {
                            judge(call, attempt, reloggedIn, result, sent, error);
                        } catch (RuntimeException e) {
                            result.completeExceptionally(asBmcException(e));
                        }
                    });
        } catch (RuntimeException e) {
            result.completeExceptionally(asBmcException(e));
        }
    }

    private void judge(Call call, int attempt, boolean reloggedIn, CompletableFuture<Reply> result, Sent sent, Throwable error) {
        URI uri = access.endpoint().resolve(call.path());
        if (error != null) {
            Throwable cause = BmcFailures.unwrap(error);
            if (!(cause instanceof IOException io)) {
                result.completeExceptionally(asBmcException(cause));
                return;
            }
            if (isTls(io)) {
                result.completeExceptionally(tlsFailure(io));
                return;
            }
            String why = rootCause(io, settings);
            boolean timeout = isTimeout(io);
            if (!timeout && attempt < settings.attempts()) {
                retryLater(call, attempt, reloggedIn, result, null, "connection to " + access.endpoint() + " failed: " + why);
                return;
            }
            String retryIn = startCoolDown(why);
            result.completeExceptionally(new BmcException(BmcException.CONNECTION_FAILED, "cannot reach " + access.endpoint()
                    + (timeout ? "" : " after " + attempt + " attempts") + ": " + why + "; tried again in " + retryIn, io));
            return;
        }
        HttpResponse<String> response = sent.response();
        int status = response.statusCode();
        if (status == 401 && !basic.equals(sent.authorization()) && !reloggedIn) {
            // Sessions expire and BMCs restart: one fresh login, then the request again.
            invalidate(sent.authorization());
            attempt(call, attempt, true, result);
            return;
        }
        if (status == 401 || status == 403) {
            result.completeExceptionally(refused(status));
            return;
        }
        if (status == 412 && call.ifMatch() != null) {
            result.completeExceptionally(new PreconditionFailed());
            return;
        }
        if (status == 404) {
            result.completeExceptionally(new BmcException(BmcException.SYSTEM_NOT_FOUND, uri + " does not exist"));
            return;
        }
        if (status >= 500 || status == 429) {
            if (attempt < settings.attempts()) {
                retryLater(call, attempt, reloggedIn, result, response.headers().firstValue("Retry-After").orElse(null),
                        uri + " answered " + status + messageOf(response));
                return;
            }
            result.completeExceptionally(new BmcException(BmcException.INTERNAL_SERVER_ERROR, uri + " answered HTTP "
                    + status + messageOf(response) + " " + attempt + " times"));
            return;
        }
        if (status >= 400) {
            result.completeExceptionally(new BmcException(BmcException.INTERNAL_SERVER_ERROR, call.method() + " " + uri
                    + " was refused with HTTP " + status + messageOf(response)));
            return;
        }
        result.complete(new Reply(parse(response, call.path()), response.headers().firstValue("ETag")));
    }

    /** Exponential backoff with jitter, or what the BMC's Retry-After asks for, within the cap; on the shared timer. */
    private void retryLater(Call call, int attempt, boolean reloggedIn, CompletableFuture<Reply> result, String retryAfter,
            String why) {
        long cap = settings.maxBackoff().toMillis();
        long wait;
        if (retryAfter != null && !retryAfter.isBlank() && retryAfter.trim().chars().allMatch(Character::isDigit)) {
            wait = Math.min(cap, Long.parseLong(retryAfter.trim()) * 1000);
        } else {
            long ceiling = Math.min(cap, settings.backoff().toMillis() << Math.min(attempt - 1, 16));
            wait = ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
        }
        LOG.debugf("%s; retrying in %d ms (attempt %d of %d)", why, wait, attempt + 1, settings.attempts());
        try {
            transport.scheduler().schedule(() -> attempt(call, attempt + 1, reloggedIn, result), wait, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new BmcException(BmcException.CONNECTION_FAILED,
                    "the Redfish client is shut down; " + why));
        }
    }

    /** One HTTP request within the endpoint's cap, told to the observer. */
    private CompletableFuture<HttpResponse<String>> send(String method, String path, Object body, String ifMatch,
            String auth) {
        return limited(operation(method, path), () -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(access.endpoint().resolve(path))
                    .timeout(settings.readTimeout())
                    .header("Accept", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : json(body));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            if (ifMatch != null) {
                request.header("If-Match", ifMatch);
            }
            if (auth != null && auth.equals(basic)) {
                request.header("Authorization", auth);
            } else if (auth != null) {
                request.header("X-Auth-Token", auth);
            }
            long started = System.nanoTime();
            return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                observer.observed(operation(method, path), error == null ? outcome(response.statusCode()) : "connection_failed",
                        Duration.ofNanos(System.nanoTime() - started));
                if (error == null) {
                    answered();
                } else if (isTimeout(error)) {
                    // Before the slot is handed on: the requests queued behind this one fail fast.
                    startCoolDown(rootCause(error, settings));
                }
            });
        });
    }

    // ---- the cap on requests in flight and the cool-down -----------------------------------------

    private <T> CompletableFuture<T> limited(String operation, Supplier<CompletableFuture<T>> request) {
        CompletableFuture<T> done = new CompletableFuture<>();
        acquire().whenComplete((granted, refused) -> {
            if (refused != null) {
                observer.refused(operation);
                done.completeExceptionally(BmcFailures.unwrap(refused));
                return;
            }
            CompletableFuture<T> sent;
            try {
                // A request that waited in the queue may find the endpoint cooling down by now.
                BmcException cooling = coolingDown();
                if (cooling != null) {
                    observer.refused(operation);
                }
                sent = cooling != null ? CompletableFuture.failedFuture(cooling) : request.get();
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
            sent.whenComplete((value, error) -> {
                release();
                if (error != null) {
                    done.completeExceptionally(BmcFailures.unwrap(error));
                } else {
                    done.complete(value);
                }
            });
        });
        return done;
    }

    /** A slot now, a place in the queue, or at once a failure when the endpoint cools down or the queue is full. */
    private CompletableFuture<Void> acquire() {
        BmcException cooling = coolingDown();
        if (cooling != null) {
            return CompletableFuture.failedFuture(cooling);
        }
        synchronized (lock) {
            if (inFlight < settings.maxInFlight()) {
                inFlight++;
                return CompletableFuture.completedFuture(null);
            }
            if (waiting.size() >= settings.maxQueued()) {
                return CompletableFuture.failedFuture(new BmcException(BmcException.CONNECTION_FAILED, access.endpoint()
                        + " has " + inFlight + " requests in flight and " + waiting.size() + " waiting; not one more"));
            }
            CompletableFuture<Void> slot = new CompletableFuture<>();
            waiting.add(slot);
            return slot;
        }
    }

    private void release() {
        CompletableFuture<Void> next;
        synchronized (lock) {
            next = waiting.poll();
            if (next == null) {
                inFlight--;
            }
        }
        if (next != null) {
            // Handed over on the shared pool, so that a long queue never becomes a deep stack.
            try {
                transport.executor().execute(() -> next.complete(null));
            } catch (RejectedExecutionException e) {
                next.complete(null);
            }
        }
    }

    /** The endpoint could not be reached: its requests fail at once until the backoff passes. Answers how long. */
    private String startCoolDown(String why) {
        synchronized (lock) {
            long now = System.nanoTime();
            if (lastFailure == null || now - retryAtNanos >= 0) {
                coolStep = coolStep == null ? settings.coolDown() : min(coolStep.multipliedBy(2), settings.maxCoolDown());
                retryAtNanos = now + coolStep.toNanos();
            }
            lastFailure = why;
            return human(Duration.ofNanos(retryAtNanos - now));
        }
    }

    private BmcException coolingDown() {
        synchronized (lock) {
            if (lastFailure == null) {
                return null;
            }
            long left = retryAtNanos - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            return new BmcException(BmcException.CONNECTION_FAILED, access.endpoint() + " is not tried again for "
                    + human(Duration.ofNanos(left)) + " after it could not be reached: " + lastFailure);
        }
    }

    /** The endpoint answered: it is reachable, whatever it said. */
    private void answered() {
        synchronized (lock) {
            lastFailure = null;
            coolStep = null;
        }
    }

    /** Whether requests to this endpoint fail at once now, after a failure to reach it. */
    public boolean coolingDownNow() {
        return coolingDown() != null;
    }

    // ---- authentication ------------------------------------------------------------------------

    /** The session token when the BMC offers sessions, else the Basic header value; one login at a time. */
    private CompletableFuture<String> authorization() {
        CompletableFuture<String> pending;
        synchronized (lock) {
            if (authorization != null && !authorization.isCompletedExceptionally()) {
                return authorization;
            }
            pending = new CompletableFuture<>();
            authorization = pending;
        }
        login().whenComplete((value, error) -> {
            if (error != null) {
                pending.completeExceptionally(BmcFailures.unwrap(error));
            } else {
                pending.complete(value);
            }
        });
        return pending;
    }

    private CompletableFuture<String> login() {
        Boolean offered;
        synchronized (lock) {
            offered = sessionsOffered;
        }
        CompletableFuture<Boolean> sessions = offered != null ? CompletableFuture.completedFuture(offered) : offersSessions();
        return sessions.thenCompose(withSessions -> {
            if (!withSessions) {
                return CompletableFuture.completedFuture(basic);
            }
            return send("POST", SESSIONS, Map.of("UserName", access.username(), "Password", access.password()), null, null)
                    .thenApply(response -> {
                        if (response.statusCode() == 401 || response.statusCode() == 403) {
                            throw refused(response.statusCode());
                        }
                        Optional<String> issued = response.headers().firstValue("X-Auth-Token");
                        if (response.statusCode() >= 300 || issued.isEmpty()) {
                            // A service that lists sessions but cannot open one still takes Basic authentication.
                            LOG.debugf("%s offered sessions but answered %d to a login; using Basic authentication",
                                    access.endpoint(), response.statusCode());
                            synchronized (lock) {
                                sessionsOffered = false;
                            }
                            return basic;
                        }
                        String location = response.headers().firstValue("Location").map(l -> {
                            URI u = URI.create(l);
                            return u.isAbsolute() ? u.getRawPath() : l;
                        }).orElse(null);
                        synchronized (lock) {
                            sessionLocation = location;
                        }
                        return issued.get();
                    });
        });
    }

    private CompletableFuture<Boolean> offersSessions() {
        return send("GET", "/redfish/v1/", null, null, null).thenApply(response -> {
            boolean offered;
            try {
                offered = response.statusCode() < 300 && JSON.readTree(response.body()).has("SessionService");
            } catch (IOException e) {
                offered = false;
            }
            synchronized (lock) {
                sessionsOffered = offered;
            }
            return offered;
        });
    }

    /** Forgets a refused token, unless another request already did and logged in again. */
    private void invalidate(String refusedToken) {
        synchronized (lock) {
            if (authorization != null && authorization.isDone() && !authorization.isCompletedExceptionally()
                    && Objects.equals(authorization.getNow(null), refusedToken)) {
                authorization = null;
                sessionLocation = null;
            }
        }
    }

    private BmcException refused(int status) {
        return new BmcException(BmcException.AUTHENTICATION_FAILED, access.endpoint() + " refused the credentials of user "
                + access.username() + " (HTTP " + status + ")");
    }

    /** Ends the Redfish session, if one is open (the BMC's session slots are few); later calls fail. */
    public CompletableFuture<Void> closeAsync() {
        CompletableFuture<String> current;
        synchronized (lock) {
            closed = true;
            current = authorization;
            authorization = null;
        }
        if (current == null) {
            return CompletableFuture.completedFuture(null);
        }
        return current.handle((token, error) -> token).thenCompose(token -> {
            String location;
            synchronized (lock) {
                location = sessionLocation;
                sessionLocation = null;
            }
            if (token == null || token.equals(basic) || location == null) {
                return CompletableFuture.<Void> completedFuture(null);
            }
            return send("DELETE", location, null, null, token).handle((response, error) -> {
                if (error != null) {
                    LOG.debugf("could not end the session on %s: %s", access.endpoint(), rootCause(error, settings));
                }
                return (Void) null;
            });
        });
    }

    /** Starts ending the session and returns at once. */
    @Override
    public void close() {
        closeAsync();
    }

    // ---- what went wrong, in words ---------------------------------------------------------------

    private BmcException asBmcException(Throwable error) {
        Throwable cause = BmcFailures.unwrap(error);
        if (cause instanceof BmcException bmc) {
            return bmc;
        }
        if (cause instanceof RejectedExecutionException) {
            return new BmcException(BmcException.CONNECTION_FAILED, "the Redfish client is shut down", cause);
        }
        return new BmcException(BmcException.INTERNAL_SERVER_ERROR, "talking to " + access.endpoint() + " failed: "
                + rootCause(cause, settings), cause);
    }

    private BmcException tlsFailure(IOException error) {
        return new BmcException(BmcException.TLS_FAILED, "the TLS handshake with " + access.endpoint() + " failed ("
                + rootCause(error, settings) + "); give the BMC's CA in spec.tls.caSecretRef, or set"
                + " spec.tls.insecureSkipVerify for lab gear", error);
    }

    private static List<Throwable> chain(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = error; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private static boolean isTimeout(Throwable error) {
        return chain(error).stream().anyMatch(HttpTimeoutException.class::isInstance);
    }

    private static boolean isTls(Throwable error) {
        return chain(error).stream().anyMatch(SSLException.class::isInstance);
    }

    /** What went wrong, in a few words and never "null": the telling exception of the cause chain. */
    static String rootCause(Throwable error, Settings settings) {
        List<Throwable> chain = chain(BmcFailures.unwrap(error));
        for (Throwable t : chain) {
            if (t instanceof HttpConnectTimeoutException) {
                return settings == null ? "no connection in time" : "no connection within " + human(settings.connectTimeout());
            }
        }
        for (Throwable t : chain) {
            if (t instanceof HttpTimeoutException) {
                return settings == null ? "no answer in time" : "no answer within " + human(settings.readTimeout());
            }
        }
        for (Throwable t : chain) {
            if (t instanceof SSLException) {
                return text(t).orElse("TLS handshake failed");
            }
        }
        for (Throwable t : chain) {
            if (t instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (t instanceof ConnectException) {
                return text(t).filter(m -> !m.toLowerCase(Locale.ROOT).contains("refused")).map(m -> m.toLowerCase(Locale.ROOT))
                        .orElse("connection refused");
            }
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return "unknown host" + text(t).map(m -> " " + m).orElse("");
            }
        }
        for (Throwable t : chain) {
            if (t instanceof EOFException || t instanceof ClosedChannelException) {
                return "the connection was closed without an answer";
            }
            String message = text(t).map(m -> m.toLowerCase(Locale.ROOT)).orElse("");
            if (message.contains("connection reset") || message.contains("received no bytes")) {
                return "the connection was closed without an answer";
            }
        }
        for (int i = chain.size() - 1; i >= 0; i--) {
            Optional<String> message = text(chain.get(i));
            if (message.isPresent()) {
                return message.get();
            }
        }
        return chain.isEmpty() ? "unknown failure" : chain.get(chain.size() - 1).getClass().getSimpleName();
    }

    private static Optional<String> text(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() || message.equals("null") ? Optional.empty() : Optional.of(message.trim());
    }

    static String human(Duration duration) {
        long millis = Math.max(0, duration.toMillis());
        if (millis < 1000) {
            return millis + "ms";
        }
        return ((millis + 999) / 1000) + "s";
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    // ---- labels and bodies -------------------------------------------------------------------------

    /** A small fixed set of names for what a request does, fit for a metric label. */
    static String operation(String method, String path) {
        String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        if (p.equals("/redfish/v1")) {
            return "service_root";
        }
        if (p.startsWith(SESSIONS)) {
            return "session";
        }
        if (p.endsWith("/Actions/ComputerSystem.Reset")) {
            return "reset";
        }
        if (method.equals("PATCH")) {
            return "patch_system";
        }
        if (p.equals("/redfish/v1/Systems")) {
            return "list_systems";
        }
        if (p.matches("/redfish/v1/Systems/[^/]+")) {
            return "get_system";
        }
        if (p.startsWith("/redfish/v1/Managers")) {
            return "manager";
        }
        return "inventory";
    }

    private static String outcome(int status) {
        if (status < 400) {
            return "success";
        }
        return switch (status) {
            case 401, 403 -> "auth_failed";
            case 404 -> "not_found";
            case 412 -> "precondition_failed";
            case 429 -> "busy";
            default -> status >= 500 ? "server_error" : "client_error";
        };
    }

    /** The Redfish error's MessageId, which tells "busy, retry later" from a real failure. */
    private static String messageOf(HttpResponse<String> response) {
        try {
            JsonNode error = JSON.readTree(response.body()).path("error");
            JsonNode info = error.path("@Message.ExtendedInfo");
            String id = info.isArray() && !info.isEmpty() ? info.get(0).path("MessageId").asText("") : error.path("code").asText("");
            return id.isEmpty() ? "" : " (" + id + ")";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private JsonNode parse(HttpResponse<String> response, String path) {
        String body = response.body();
        if (body == null || body.isBlank()) {
            return JSON.nullNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new BmcException(BmcException.INTERNAL_SERVER_ERROR, access.endpoint().resolve(path) + " answered no JSON", e);
        }
    }

    private static HttpRequest.BodyPublisher json(Object body) {
        try {
            return HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public String toString() {
        return "RedfishClient[" + access + "]";
    }

    /** A PATCH met a changed ETag: made once more, never seen by callers. */
    private static final class PreconditionFailed extends RuntimeException {
        PreconditionFailed() {
            super("precondition failed", null, false, false);
        }
    }
}
