package dev.metalprov.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the benchmark attributes requests to the operator and reads the API server's histogram, without a control plane. */
class BenchMetricsTest {

    @TempDir
    Path folder;

    @Test
    void onlyTheOperatorsRequestsCountAndAWatchCountsOnce() throws Exception {
        String operator = BenchAudit.OPERATOR_USER;
        Path log = folder.resolve("audit.log");
        Files.writeString(log, String.join("\n",
                event("a", operator, "update", "servers", "metal.ironcore.dev", "", "ResponseComplete", 200, "2026-01-01T00:00:01.000000Z"),
                event("b", operator, "patch", "serverclaims", "metal.ironcore.dev", "status", "ResponseComplete", 409,
                        "2026-01-01T00:00:02.000000Z"),
                event("c", "e2e-admin", "create", "serverclaims", "metal.ironcore.dev", "", "ResponseComplete", 201,
                        "2026-01-01T00:00:02.000000Z"),
                event("d", operator, "watch", "servers", "metal.ironcore.dev", "", "ResponseStarted", 200, "2026-01-01T00:00:03.000000Z"),
                event("d", operator, "watch", "servers", "metal.ironcore.dev", "", "ResponseComplete", 200, "2026-01-01T00:00:03.000000Z"),
                event("e", operator, "create", "events", "", "", "ResponseComplete", 201, "2026-01-01T00:00:04.000000Z"),
                event("f", operator, "get", "secrets", "", "", "ResponseComplete", 200, "2026-01-01T00:00:09.000000Z"))
                + "\n" + "{\"kind\":\"Event\",\"auditID\":\"half-written");
        BenchAudit audit = new BenchAudit(log);
        Instant from = Instant.parse("2026-01-01T00:00:00Z");
        Instant to = Instant.parse("2026-01-01T00:00:05Z");

        assertEquals(Map.of("update servers", 1L, "patch serverclaims/status", 1L, "create events (core)", 1L),
                audit.counts(from, to, true));
        assertEquals(Map.of("watch servers", 1L), audit.counts(from, to, false));
        assertEquals(1, audit.count(from, to, r -> r.isWrite() && r.code() == 409));
        assertEquals(1, audit.count(from, to, r -> r.isWrite() && r.isEvent()));
        assertEquals(2, audit.count(from, to, r -> r.isWrite() && r.isMetal()));
        assertEquals(Map.of("get secrets (core)", 1L), audit.counts(from, Instant.parse("2026-01-01T00:00:10Z"), false)
                .entrySet().stream().filter(e -> e.getKey().startsWith("get")).collect(java.util.stream.Collectors.toMap(
                        Map.Entry::getKey, Map.Entry::getValue)));
    }

    @Test
    void quantilesAreInterpolatedWithinTheirBucket() {
        TreeMap<Double, Double> histogram = new TreeMap<>(Map.of(0.005, 0.0, 0.025, 50.0, 0.05, 90.0, 0.1, 100.0,
                Double.POSITIVE_INFINITY, 100.0));
        assertEquals(0.025, BenchApiServer.quantile(histogram, 0.5), 1e-9);
        assertEquals(0.025 + 0.025 * 0.5, BenchApiServer.quantile(histogram, 0.7), 1e-9);
        assertEquals(0.05 + 0.05 * 0.9, BenchApiServer.quantile(histogram, 0.99), 1e-9);
        assertTrue(Double.isNaN(BenchApiServer.quantile(new TreeMap<>(Map.of(Double.POSITIVE_INFINITY, 0.0)), 0.5)));
    }

    @Test
    void aThreadIsKnownByItsName() {
        assertEquals("JIT compiler", BenchCpu.kind("C2 CompilerThre"));
        assertEquals("JIT compiler", BenchCpu.kind("C1 CompilerThre"));
        assertEquals("GC and VM", BenchCpu.kind("GC Thread#0"));
        assertEquals("application", BenchCpu.kind("executor-thread-1"));
        assertTrue(BenchCpu.processTicks(ProcessHandle.current().pid()) >= 0);
        assertTrue(BenchCpu.threads(ProcessHandle.current().pid()).size() > 1);
    }

    private static String event(String id, String user, String verb, String resource, String group, String subresource, String stage,
            int code, String received) {
        return ("{\"kind\":\"Event\",\"level\":\"Metadata\",\"auditID\":\"%s\",\"stage\":\"%s\",\"requestURI\":\"/x\",\"verb\":\"%s\","
                + "\"user\":{\"username\":\"%s\"},\"objectRef\":{\"resource\":\"%s\",\"apiGroup\":\"%s\",\"subresource\":\"%s\"},"
                + "\"responseStatus\":{\"code\":%d},\"requestReceivedTimestamp\":\"%s\"}")
                .formatted(id, stage, verb, user, resource, group, subresource, code, received);
    }
}
