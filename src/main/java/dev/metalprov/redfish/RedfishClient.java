package dev.metalprov.redfish;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.metalprov.server.BmcException;

/**
 * One BMC's Redfish service, spoken as a careful client does: a Redfish session
 * ({@code X-Auth-Token}) when the service offers one, Basic authentication when it does not,
 * one fresh login when a token is refused; connect and read timeouts; retries with exponential
 * backoff and jitter on 5xx, busy answers and broken connections; at most a few requests in
 * flight; {@code If-Match} with the ETag on PATCH. Credentials travel in one header or the login
 * body and nowhere else: no log line, exception message or {@link #toString()} contains them.
 */
public class RedfishClient implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedfishClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SESSIONS = "/redfish/v1/SessionService/Sessions";

    /** Tunables of the protocol, shared by all clients. */
    public record Settings(Duration connectTimeout, Duration readTimeout, int attempts, Duration backoff,
            Duration maxBackoff, int maxInFlight) {

        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(5), Duration.ofSeconds(20), 4, Duration.ofMillis(250),
                    Duration.ofSeconds(5), 4);
        }
    }

    /** Told about every HTTP request the client makes, for metrics. */
    @FunctionalInterface
    public interface RequestObserver {
        RequestObserver NONE = (operation, outcome, latency) -> {
        };

        void observed(String operation, String outcome, Duration latency);
    }

    private final BmcAccess access;
    private final Settings settings;
    private final RequestObserver observer;
    private final HttpClient http;
    private final Semaphore inFlight;
    private final String basic;

    private final Object authLock = new Object();
    private volatile Boolean sessionsOffered;
    private volatile String token;
    private volatile String sessionLocation;

    public RedfishClient(BmcAccess access, Settings settings) {
        this(access, settings, RequestObserver.NONE);
    }

    public RedfishClient(BmcAccess access, Settings settings, RequestObserver observer) {
        this.access = access;
        this.settings = settings;
        this.observer = observer;
        this.inFlight = new Semaphore(settings.maxInFlight(), true);
        this.basic = "Basic " + Base64.getEncoder()
                .encodeToString((access.username() + ":" + access.password()).getBytes(StandardCharsets.UTF_8));
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (access.insecureSkipVerify()) {
            builder.sslContext(trustingEveryCertificate());
            SSLParameters parameters = new SSLParameters();
            parameters.setEndpointIdentificationAlgorithm("");
            builder.sslParameters(parameters);
        } else if (access.caCertificates() != null) {
            builder.sslContext(trusting(access.caCertificates()));
        }
        this.http = builder.build();
    }

    public BmcAccess access() {
        return access;
    }

    public JsonNode get(String path) {
        return exchange("GET", path, null, null).json();
    }

    /** A GET that also returns the resource's ETag, if the BMC gives one. */
    public Reply getWithEtag(String path) {
        return exchange("GET", path, null, null);
    }

    public JsonNode post(String path, Object body) {
        return exchange("POST", path, body, null).json();
    }

    /**
     * PATCH guarded by the resource's ETag where the BMC gives one: a concurrent change makes
     * the BMC answer 412, and the patch is retried once against the fresh ETag.
     */
    public JsonNode patch(String path, Object body) {
        for (int attempt = 0;; attempt++) {
            Optional<String> etag = getWithEtag(path).etag();
            try {
                return exchange("PATCH", path, body, etag.orElse(null)).json();
            } catch (PreconditionFailed e) {
                if (attempt > 0) {
                    throw new BmcException(BmcException.INTERNAL_SERVER_ERROR,
                            access.endpoint().resolve(path) + " kept changing while it was being patched");
                }
            }
        }
    }

    /** The answer of a request: its JSON body and ETag. */
    public record Reply(JsonNode json, Optional<String> etag) {
    }

    private Reply exchange(String method, String path, Object body, String ifMatch) {
        boolean reloggedIn = false;
        for (int attempt = 1;; attempt++) {
            HttpResponse<String> response;
            try {
                response = send(method, path, body, ifMatch);
            } catch (IOException e) {
                if (attempt < settings.attempts()) {
                    pause(attempt, null, "connection to " + access.endpoint() + " failed: " + e.getMessage());
                    continue;
                }
                throw new BmcException(BmcException.CONNECTION_FAILED, "cannot reach " + access.endpoint() + " after "
                        + attempt + " attempts: " + e.getMessage(), e);
            }
            int status = response.statusCode();
            if (status == 401 && token != null && !reloggedIn) {
                // Sessions expire and BMCs restart: one fresh login, then the request again.
                reloggedIn = true;
                invalidateSession();
                attempt--;
                continue;
            }
            if (status == 401 || status == 403) {
                throw new BmcException(BmcException.AUTHENTICATION_FAILED, access.endpoint()
                        + " refused the credentials of user " + access.username() + " (HTTP " + status + ")");
            }
            if (status == 412) {
                throw new PreconditionFailed();
            }
            if (status == 404) {
                throw new BmcException(BmcException.SYSTEM_NOT_FOUND, access.endpoint().resolve(path) + " does not exist");
            }
            if (status >= 500 || status == 429) {
                if (attempt < settings.attempts()) {
                    pause(attempt, response.headers().firstValue("Retry-After").orElse(null),
                            access.endpoint().resolve(path) + " answered " + status + busyNote(response));
                    continue;
                }
                throw new BmcException(BmcException.INTERNAL_SERVER_ERROR, access.endpoint().resolve(path) + " answered HTTP "
                        + status + busyNote(response) + " " + attempt + " times");
            }
            if (status >= 400) {
                throw new BmcException(BmcException.INTERNAL_SERVER_ERROR, method + " " + access.endpoint().resolve(path)
                        + " was refused with HTTP " + status + messageOf(response));
            }
            return new Reply(parse(response, path), response.headers().firstValue("ETag"));
        }
    }

    private HttpResponse<String> send(String method, String path, Object body, String ifMatch) throws IOException {
        String authorization = authorization();
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
        if (authorization.startsWith("Basic ")) {
            request.header("Authorization", authorization);
        } else {
            request.header("X-Auth-Token", authorization);
        }
        return observed(method, path, () -> http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    }

    /** Sends within the in-flight cap, and tells the observer what came of it. */
    private HttpResponse<String> observed(String method, String path, Call<HttpResponse<String>> call) throws IOException {
        long started = System.nanoTime();
        String outcome = "connection_failed";
        try {
            HttpResponse<String> response = limited(call);
            outcome = outcome(response.statusCode());
            return response;
        } finally {
            observer.observed(operation(method, path), outcome, Duration.ofNanos(System.nanoTime() - started));
        }
    }

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

    /** The credential for the next request: a session token when the BMC offers sessions, else Basic. */
    private String authorization() throws IOException {
        String current = token;
        if (current != null) {
            return current;
        }
        synchronized (authLock) {
            if (token != null) {
                return token;
            }
            if (sessionsOffered == null) {
                sessionsOffered = offersSessions();
            }
            if (!sessionsOffered) {
                return basic;
            }
            HttpRequest login = HttpRequest.newBuilder(access.endpoint().resolve(SESSIONS))
                    .timeout(settings.readTimeout())
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .POST(json(Map.of("UserName", access.username(), "Password", access.password())))
                    .build();
            HttpResponse<String> response = observed("POST", SESSIONS, () -> http.send(login, HttpResponse.BodyHandlers.ofString()));
            if (response.statusCode() == 401 || response.statusCode() == 403) {
                throw new BmcException(BmcException.AUTHENTICATION_FAILED, access.endpoint()
                        + " refused the credentials of user " + access.username() + " (HTTP " + response.statusCode() + ")");
            }
            Optional<String> issued = response.headers().firstValue("X-Auth-Token");
            if (response.statusCode() >= 300 || issued.isEmpty()) {
                // A service that lists sessions but cannot open one still takes Basic authentication.
                LOG.debugf("%s offered sessions but answered %d to a login; using Basic authentication",
                        access.endpoint(), response.statusCode());
                sessionsOffered = false;
                return basic;
            }
            token = issued.get();
            sessionLocation = response.headers().firstValue("Location").orElse(null);
            return token;
        }
    }

    private boolean offersSessions() throws IOException {
        HttpRequest root = HttpRequest.newBuilder(access.endpoint().resolve("/redfish/v1/"))
                .timeout(settings.readTimeout()).header("Accept", "application/json").GET().build();
        HttpResponse<String> response = observed("GET", "/redfish/v1/", () -> http.send(root, HttpResponse.BodyHandlers.ofString()));
        if (response.statusCode() >= 300) {
            return false;
        }
        try {
            return JSON.readTree(response.body()).has("SessionService");
        } catch (IOException e) {
            return false;
        }
    }

    private void invalidateSession() {
        synchronized (authLock) {
            token = null;
            sessionLocation = null;
        }
    }

    /** Ends the Redfish session, if one is open; the BMC's session slots are few. */
    @Override
    public void close() {
        String location = sessionLocation;
        String current = token;
        invalidateSession();
        if (location == null || current == null) {
            return;
        }
        try {
            HttpRequest logout = HttpRequest.newBuilder(access.endpoint().resolve(location))
                    .timeout(settings.readTimeout()).header("X-Auth-Token", current).DELETE().build();
            http.send(logout, HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            LOG.debugf("could not end the session on %s: %s", access.endpoint(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private interface Call<T> {
        T run() throws IOException, InterruptedException;
    }

    /** Runs a request within the per-BMC cap on requests in flight. */
    private <T> T limited(Call<T> call) throws IOException {
        try {
            if (!inFlight.tryAcquire(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new BmcException(BmcException.CONNECTION_FAILED, access.endpoint()
                        + " has had " + settings.maxInFlight() + " requests in flight for " + settings.readTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BmcException(BmcException.CONNECTION_FAILED, "interrupted waiting for " + access.endpoint());
        }
        try {
            return call.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BmcException(BmcException.CONNECTION_FAILED, "interrupted talking to " + access.endpoint());
        } finally {
            inFlight.release();
        }
    }

    /** Exponential backoff with full jitter, or what the BMC's Retry-After asks for, within the cap. */
    private void pause(int attempt, String retryAfter, String why) {
        long cap = settings.maxBackoff().toMillis();
        long wait;
        if (retryAfter != null && retryAfter.chars().allMatch(Character::isDigit)) {
            wait = Math.min(cap, Long.parseLong(retryAfter) * 1000);
        } else {
            long ceiling = Math.min(cap, settings.backoff().toMillis() << Math.min(attempt - 1, 16));
            wait = ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
        }
        LOG.debugf("%s; retrying in %d ms (attempt %d of %d)", why, wait, attempt + 1, settings.attempts());
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BmcException(BmcException.CONNECTION_FAILED, "interrupted while waiting to retry " + access.endpoint());
        }
    }

    private static String busyNote(HttpResponse<String> response) {
        String message = messageOf(response);
        return message.isEmpty() ? "" : message;
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

    private static final class PreconditionFailed extends RuntimeException {
        PreconditionFailed() {
            super(null, null, false, false);
        }
    }

    /** Verification against the CA of the BMC's spec.tls.caSecretRef instead of the JVM's trust store. */
    private static SSLContext trusting(String pem) {
        try {
            java.security.cert.CertificateFactory factory = java.security.cert.CertificateFactory.getInstance("X.509");
            java.security.KeyStore store = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (var certificate : factory.generateCertificates(new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                store.setCertificateEntry("ca-" + n++, certificate);
            }
            javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory
                    .getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), new SecureRandom());
            return context;
        } catch (java.security.GeneralSecurityException | IOException e) {
            throw new BmcException(BmcException.CONFIGURATION_ERROR, "the CA of spec.tls.caSecretRef cannot be read: " + e.getMessage(), e);
        }
    }

    /** Only for a BMC whose spec.tls.insecureSkipVerify is set: lab gear with self-signed certificates. */
    private static SSLContext trustingEveryCertificate() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] { new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            } }, new SecureRandom());
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
