package dev.metalprov.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of the API server that first drops every connection as soon
 * as it has accepted it (the client sees the connection closed during the TLS handshake), and
 * after {@link #forward()} passes bytes through both ways. TLS runs end to end through it.
 */
final class FlakyApiProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "flaky-api-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger dropped = new AtomicInteger();
    private volatile Instant firstDrop;
    private volatile boolean forwarding;

    private FlakyApiProxy(ServerSocket server, int targetPort) {
        this.server = server;
        this.targetPort = targetPort;
    }

    static FlakyApiProxy start(int targetPort) {
        try {
            FlakyApiProxy proxy = new FlakyApiProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), targetPort);
            proxy.threads.execute(proxy::acceptLoop);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "https://127.0.0.1:" + server.getLocalPort();
    }

    /** Connections dropped so far. */
    int dropped() {
        return dropped.get();
    }

    /** How long it has been dropping connections, from the first one dropped. */
    Duration droppingFor() {
        Instant first = firstDrop;
        return first == null ? Duration.ZERO : Duration.between(first, Instant.now());
    }

    /** From now on, connections reach the API server. */
    void forward() {
        forwarding = true;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            if (!forwarding) {
                if (dropped.incrementAndGet() == 1) {
                    firstDrop = Instant.now();
                }
                closeQuietly(client);
                continue;
            }
            try {
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(client);
                open.add(upstream);
                threads.execute(() -> pipe(client, upstream));
                threads.execute(() -> pipe(upstream, client));
            } catch (IOException | RuntimeException e) {
                closeQuietly(client);
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // The other side went away; close both below.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void closeQuietly(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // Closing anyway.
        }
    }

    @Override
    public void close() {
        forwarding = false;
        try {
            server.close();
        } catch (IOException e) {
            // Closing anyway.
        }
        open.forEach(this::closeQuietly);
        threads.shutdownNow();
    }
}
