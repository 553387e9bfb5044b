package dev.metalprov.redfish;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

import dev.metalprov.server.BmcException;

/**
 * What every BMC's client shares: one {@link HttpClient} per TLS profile (the JVM's trust store,
 * the opt-out, and one per distinct CA), all running on one small fixed pool of daemon threads,
 * and one scheduler thread for retries and backoff. Nothing here grows with the number of BMCs.
 */
public final class RedfishTransport implements AutoCloseable {

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final String DEFAULT_TRUST = "default";
    private static final String INSECURE = "insecure";

    private final RedfishClient.Settings settings;
    private final ExecutorService executor;
    private final ScheduledExecutorService scheduler;
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

    public RedfishTransport(RedfishClient.Settings settings) {
        this.settings = settings;
        this.executor = Executors.newFixedThreadPool(settings.threads(), daemon("metal-redfish-"));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("metal-redfish-timer-"));
    }

    public RedfishClient.Settings settings() {
        return settings;
    }

    /** The pool the HTTP clients complete their futures on. */
    ExecutorService executor() {
        return executor;
    }

    /** Where retries and backoff wait: a timer, never a sleeping thread. */
    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** The HTTP client of the access's TLS profile, built the first time that profile is used. */
    HttpClient httpClient(BmcAccess access) {
        String profile;
        if (access.insecureSkipVerify()) {
            profile = INSECURE;
        } else if (access.caCertificates() != null && !access.caCertificates().isBlank()) {
            profile = "ca:" + fingerprint(access.caCertificates());
        } else {
            profile = DEFAULT_TRUST;
        }
        return clients.computeIfAbsent(profile, p -> build(access));
    }

    /** How many HTTP clients (TLS profiles) exist: a handful, whatever the number of BMCs. */
    public int httpClients() {
        return clients.size();
    }

    private HttpClient build(BmcAccess access) {
        JdkHttpConnections.limit();
        HttpClient.Builder builder = HttpClient.newBuilder()
                .executor(executor)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (access.insecureSkipVerify()) {
            builder.sslContext(trustingEveryCertificate());
            SSLParameters parameters = new SSLParameters();
            parameters.setEndpointIdentificationAlgorithm(null);
            builder.sslParameters(parameters);
        } else if (access.caCertificates() != null && !access.caCertificates().isBlank()) {
            builder.sslContext(trusting(access.caCertificates()));
        }
        return builder.build();
    }

    @Override
    public void close() {
        for (HttpClient client : clients.values()) {
            // HttpClient is closeable from Java 21 on; on 17 its selector thread ends once it is unreachable.
            if (client instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    // closing at shutdown: nothing left to tell
                }
            }
        }
        clients.clear();
        scheduler.shutdownNow();
        executor.shutdownNow();
    }

    private static ThreadFactory daemon(String prefix) {
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static String fingerprint(String pem) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(pem.trim().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Verification against the CA of the BMC's spec.tls.caSecretRef instead of the JVM's trust store. */
    private static SSLContext trusting(String pem) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (var certificate : factory.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                store.setCertificateEntry("ca-" + n++, certificate);
            }
            if (n == 0) {
                throw new BmcException(BmcException.CONFIGURATION_ERROR, "the CA of spec.tls.caSecretRef holds no certificate");
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), new SecureRandom());
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new BmcException(BmcException.CONFIGURATION_ERROR,
                    "the CA of spec.tls.caSecretRef cannot be read: " + RedfishClient.rootCause(e, null), e);
        }
    }

    /**
     * Only for a BMC whose spec.tls.insecureSkipVerify is set: lab gear with self-signed
     * certificates that rarely name the address they are reached at. An extended trust manager,
     * because the JDK wraps a plain one in a wrapper that still checks the host name.
     */
    private static SSLContext trustingEveryCertificate() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] { new AcceptingEverything() }, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class AcceptingEverything extends X509ExtendedTrustManager {

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
