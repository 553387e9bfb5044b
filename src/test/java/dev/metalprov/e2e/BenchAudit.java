package dev.metalprov.e2e;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The operator's own requests, counted exactly from the API server's audit log. The API server's
 * metrics count requests by verb and resource but not by client; the operator authenticates as its
 * ServiceAccount and the benchmark as the admin, so a policy that logs the ServiceAccount's
 * requests only (at the Metadata level: no bodies) attributes every request to the operator or not.
 * A request counts once: long-running ones (watches) when they start, the others when answered.
 */
final class BenchAudit {

    static final String OPERATOR_USER = "system:serviceaccount:" + OperatorProcess.NAMESPACE + ":" + OperatorProcess.SERVICE_ACCOUNT;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request: when the API server received it, its verb, what it was on, and its answer. */
    record Request(long receivedMillis, String verb, String resource, String group, int code) {
        boolean isMetal() {
            return group.equals("metal.ironcore.dev");
        }

        boolean isEvent() {
            return resource.startsWith("events");
        }

        boolean isWrite() {
            return switch (verb) {
                case "create", "update", "patch", "delete", "deletecollection" -> true;
                default -> false;
            };
        }
    }

    private static final int CHUNK = 64 * 1024 * 1024;

    private final Path log;
    private final List<Request> requests = new ArrayList<>();
    private long offset;

    BenchAudit(Path log) {
        this.log = log;
    }

    /** The policy: the operator's requests at the Metadata level, nothing else. */
    static Path writePolicy(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, """
                    apiVersion: audit.k8s.io/v1
                    kind: Policy
                    omitStages: ["RequestReceived"]
                    rules:
                    - level: Metadata
                      users: ["%s"]
                    - level: None
                    """.formatted(OPERATOR_USER));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads what the API server has appended since the last call, a chunk at a time: at 10,000
     * claims the log grows by gigabytes, more than one array or string holds.
     */
    synchronized void read() {
        if (!Files.exists(log)) {
            return;
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            byte[] chunk = new byte[CHUNK];
            for (long unread = file.length() - offset; unread > 0; unread = file.length() - offset) {
                file.seek(offset);
                int length = (int) Math.min(CHUNK, unread);
                file.readFully(chunk, 0, length);
                // Only whole lines: the API server may be writing the last one.
                int end = length - 1;
                while (end >= 0 && chunk[end] != '\n') {
                    end--;
                }
                if (end < 0) {
                    if (length == CHUNK) {
                        throw new IllegalStateException("an audit event longer than " + CHUNK + " bytes in " + log);
                    }
                    return;
                }
                offset += end + 1;
                for (String line : new String(chunk, 0, end, StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isBlank()) {
                        parse(line);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void parse(String line) throws IOException {
        JsonNode event = JSON.readTree(line);
        if (!OPERATOR_USER.equals(event.path("user").path("username").asText())) {
            return;
        }
        String verb = event.path("verb").asText();
        String stage = event.path("stage").asText();
        boolean counts = "watch".equals(verb) ? "ResponseStarted".equals(stage) : "ResponseComplete".equals(stage);
        if (!counts) {
            return;
        }
        JsonNode object = event.path("objectRef");
        String resource = object.path("resource").asText("");
        if (resource.isEmpty()) {
            resource = event.path("requestURI").asText();
        } else if (!object.path("subresource").asText("").isEmpty()) {
            resource += "/" + object.path("subresource").asText();
        }
        String group = object.path("apiGroup").asText("");
        if (group.isEmpty()) {
            resource += " (core)";
        } else if (!group.equals("metal.ironcore.dev")) {
            resource += "." + group;
        }
        long received = Instant.parse(event.path("requestReceivedTimestamp").asText()).toEpochMilli();
        requests.add(new Request(received, verb, resource, group, event.path("responseStatus").path("code").asInt()));
    }

    /** The operator's requests received in {@code [from, to]}, by "verb resource", sorted. */
    synchronized Map<String, Long> counts(Instant from, Instant to, boolean writes) {
        read();
        Map<String, Long> counts = new TreeMap<>();
        for (Request r : requests) {
            if (r.receivedMillis() >= from.toEpochMilli() && r.receivedMillis() <= to.toEpochMilli() && r.isWrite() == writes) {
                counts.merge(r.verb() + " " + r.resource(), 1L, Long::sum);
            }
        }
        return counts;
    }

    /** The operator's requests in {@code [from, to]} that match. */
    synchronized long count(Instant from, Instant to, java.util.function.Predicate<Request> which) {
        read();
        return requests.stream().filter(r -> r.receivedMillis() >= from.toEpochMilli() && r.receivedMillis() <= to.toEpochMilli()
                && which.test(r)).count();
    }

    /** Forgets what was counted so far (a size is done): the log keeps it, memory need not. */
    synchronized void forget() {
        read();
        requests.clear();
    }
}
