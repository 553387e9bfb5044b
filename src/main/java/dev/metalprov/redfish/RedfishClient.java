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

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.metalprov.server.BmcException;

/**
 * One BMC's Redfish service, spoken over the JDK HTTP client with Jackson: plain requests with
 * Basic authentication, connect and read timeouts, and failures turned into the BMC condition
 * reasons. Credentials go into the Authorization header and nowhere else.
 */
public class RedfishClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BmcAccess access;
    private final HttpClient http;
    private final Duration readTimeout;
    private final String authorization;

    public RedfishClient(BmcAccess access, Duration connectTimeout, Duration readTimeout) {
        this.access = access;
        this.readTimeout = readTimeout;
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((access.username() + ":" + access.password()).getBytes(StandardCharsets.UTF_8));
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (access.insecureSkipVerify()) {
            builder.sslContext(trustingEveryCertificate());
            SSLParameters parameters = new SSLParameters();
            parameters.setEndpointIdentificationAlgorithm("");
            builder.sslParameters(parameters);
        }
        this.http = builder.build();
    }

    public JsonNode get(String path) {
        return send(request(path).GET(), path);
    }

    public JsonNode post(String path, Object body) {
        return send(request(path).POST(json(body)).header("Content-Type", "application/json"), path);
    }

    public JsonNode patch(String path, Object body) {
        return send(request(path).method("PATCH", json(body)).header("Content-Type", "application/json"), path);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(access.endpoint().resolve(path))
                .timeout(readTimeout)
                .header("Accept", "application/json")
                .header("Authorization", authorization);
    }

    private JsonNode send(HttpRequest.Builder request, String path) {
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new BmcException(BmcException.CONNECTION_FAILED, "cannot reach " + access.endpoint() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BmcException(BmcException.CONNECTION_FAILED, "interrupted talking to " + access.endpoint(), e);
        }
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new BmcException(BmcException.AUTHENTICATION_FAILED,
                    access.endpoint() + " refused the credentials of user " + access.username() + " (HTTP " + status + ")");
        }
        if (status == 404) {
            throw new BmcException(BmcException.SYSTEM_NOT_FOUND, access.endpoint().resolve(path) + " does not exist");
        }
        if (status >= 400) {
            throw new BmcException(BmcException.INTERNAL_SERVER_ERROR, access.endpoint().resolve(path) + " answered HTTP " + status);
        }
        try {
            return response.body() == null || response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
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
