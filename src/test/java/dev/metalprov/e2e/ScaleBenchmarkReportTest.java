package dev.metalprov.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The benchmark's own arithmetic, without a control plane: the operator's JVM options and a report of a run cut short. */
class ScaleBenchmarkReportTest {

    @Test
    void theOperatorGetsTheHeapOfTheShippedDeployment() {
        DeploymentJvm.Options options = DeploymentJvm.fromDeployBase();
        long limit = options.memoryLimitBytes();
        assertTrue(limit > 0);
        assertTrue(options.jvmOptions().contains("-XX:MaxRAM=" + limit), options.jvmOptions().toString());
        // deploy/base sets JAVA_MAX_MEM_RATIO=70, below run-java.sh's default, and the heap follows it.
        assertEquals(70.0, options.maxMemRatio());
        long expectedHeapMiB = (long) (limit * 70.0 / 100) / (1024 * 1024);
        assertTrue(options.jvmOptions().contains("-Xmx" + expectedHeapMiB + "m"), options.jvmOptions().toString());
        // The C library's settings reach the operator's process as the container's do.
        assertEquals(Map.of("MALLOC_ARENA_MAX", "2"), options.nativeEnvironment());
    }

    @Test
    void aSizeThatTimedOutKeepsWhatItMeasuredAndSaysWhere() {
        ScaleBenchmark.Result done = result(20, null);
        ScaleBenchmark.Result cut = result(50, "claims: all 50 PowerStateReached (not within 180 s; 50 Bound, 31 PowerStateReached of 50)");
        cut.releaseSeconds = Double.NaN;
        String report = ScaleBenchmark.report(List.of(done, cut), List.of(), DeploymentJvm.fromDeployBase(), List.of(20, 50));

        assertTrue(report.contains("| finished | yes | **no: timed out at claims: all 50 PowerStateReached"), report);
        assertTrue(report.contains("| claims Bound / PowerStateReached (of N) | 3 / 3 | 3 / 3 |"), report);
        assertTrue(report.contains("| all claims deleted until every server is Available again (s) | 4.00 | - |"), report);
        assertTrue(report.contains("| operator threads: once ready / peak / final | 40 / 90 / 80 | 40 / 90 / 80 |"), report);
        assertTrue(report.contains("end of major GC: 2; end of minor GC: 5"), report);
        assertTrue(report.contains("No ratio between sizes: a size did not finish."), report);
        assertTrue(report.contains("**A trial run:** only [20, 50] was asked for, not the default sizes [100, 1000, 3000, 10000]."),
                report);
    }

    @Test
    void sizesThatFinishedAreCompared() {
        String report = ScaleBenchmark.report(List.of(result(20, null), result(50, null)), List.of(),
                DeploymentJvm.fromDeployBase(), List.of(20, 50));
        assertTrue(report.contains("From 20 to 50 servers (2.50x), in the same run:"), report);
        assertEquals(1, report.split("peak threads went 1.00x", -1).length - 1, report);
    }

    @Test
    void theOperatorIsComparedWithTheBestLevelOfTheBound() {
        ScaleBenchmark.Result r = result(20, null);
        BenchApiServer.Reading none = new BenchApiServer.Reading(0, Map.of(), new java.util.TreeMap<>());
        // A FLEET run is reported beside the others but is not the bound, however fast it was.
        r.bound = List.of(new BenchBound.Run(BenchBound.Shape.MINIMAL, 8, 4.0, 20, none, none),
                new BenchBound.Run(BenchBound.Shape.MINIMAL, 16, 2.0, 20, none, none),
                new BenchBound.Run(BenchBound.Shape.MINIMAL, 32, 2.5, 20, none, none),
                new BenchBound.Run(BenchBound.Shape.FLEET, 16, 1.0, 20, none, none));
        r.allBoundSeconds = 3.0;
        r.writes = Map.of("update servers", 40L);
        r.reads = Map.of("list servers", 10L);
        String report = ScaleBenchmark.report(List.of(r), List.of(), DeploymentJvm.fromDeployBase(), List.of(20));

        assertTrue(report.contains("| **bound**: N binds by the minimal client (s), best level | 2.00 (16 in flight) |"), report);
        assertTrue(report.contains("| **operator's all-Bound time / the bound's** | 1.50 |"), report);
        assertTrue(report.contains("| write: update servers | 2.000 |"), report);
        assertTrue(report.contains("| read: list servers | 0.500 |"), report);
        assertTrue(report.contains("| 20 | MINIMAL | 8 | 4.00 | 5.00 |"), report);
        assertTrue(report.contains("| 20 | FLEET | 16 | 1.00 | 20.00 |"), report);
    }

    @Test
    void theOperatorIsAlsoComparedWithTheWatchedFleetShapedBoundWhenItWasMeasured() {
        ScaleBenchmark.Result r = result(20, null);
        BenchApiServer.Reading none = new BenchApiServer.Reading(0, Map.of(), new java.util.TreeMap<>());
        r.allBoundSeconds = 3.0;
        r.bound = List.of(new BenchBound.Run(BenchBound.Shape.MINIMAL, 16, 1.0, 20, none, none));
        String without = ScaleBenchmark.report(List.of(r), List.of(), DeploymentJvm.fromDeployBase(), List.of(20));
        assertFalse(without.contains("FLEET_WATCHED), best level"), without);

        r.bound = List.of(new BenchBound.Run(BenchBound.Shape.MINIMAL, 16, 1.0, 20, none, none),
                new BenchBound.Run(BenchBound.Shape.FLEET_WATCHED, 16, 2.5, 20, none, none),
                new BenchBound.Run(BenchBound.Shape.FLEET_WATCHED, 128, 2.0, 20, none, none));
        String report = ScaleBenchmark.report(List.of(r), List.of(), DeploymentJvm.fromDeployBase(), List.of(20));
        assertTrue(report.contains("| **operator's all-Bound time / the bound's** | 3.00 |"), report);
        assertTrue(report.contains("FLEET_WATCHED), best level (s); the operator's all-Bound time / it | 2.00 (128 in flight); 1.50 |"),
                report);
        assertTrue(report.contains("| 20 | FLEET_WATCHED | 16 | 2.50 | 8.00 |"), report);
    }

    @Test
    void theApiServersCpuPerClaimIsReportedForTheBoundTheOperatorAndTheBoundAgain() {
        ScaleBenchmark.Result r = result(20, null);
        BenchApiServer.Reading start = new BenchApiServer.Reading(10, Map.of(), new java.util.TreeMap<>());
        BenchApiServer.Reading end = new BenchApiServer.Reading(10.2, Map.of(), new java.util.TreeMap<>());
        BenchApiServer.Reading later = new BenchApiServer.Reading(10.3, Map.of(), new java.util.TreeMap<>());
        r.bound = List.of(new BenchBound.Run(BenchBound.Shape.MINIMAL, 16, 2.0, 20, start, end));
        r.apiServerCpuPerClaimWhileBindingMillis = 25;
        String without = ScaleBenchmark.report(List.of(r), List.of(), DeploymentJvm.fromDeployBase(), List.of(20));
        assertTrue(without.contains("| API server CPU per claim while binding (ms): the bound's best level / the operator's | 10.00 / 25.00 |"),
                without);
        assertTrue(!without.contains("the bound again after the operator"), without);
        assertTrue(without.contains("| 20 | MINIMAL | 16 | 2.00 | 10.00 | - / - | 10.00 |"), "and in the bound's own table: " + without);

        r.boundAgain = List.of(new BenchBound.Run(BenchBound.Shape.MINIMAL, 16, 2.5, 20, start, later));
        String with = ScaleBenchmark.report(List.of(r), List.of(), DeploymentJvm.fromDeployBase(), List.of(20));
        assertTrue(with.contains("| the bound again after the operator, the fleet's objects still held: time (s); API server CPU per"
                + " claim (ms) | 2.50; 15.00 |"), with);
    }

    @Test
    void startUpIsReportedWithAndWithoutTheArchive() {
        ScaleBenchmark.Startup plain = new ScaleBenchmark.Startup(false);
        plain.readySeconds = 4.5;
        plain.firstBoundSeconds = 6;
        plain.allBoundSeconds = 9;
        plain.cpu = new ScaleBenchmark.Cpu(10, Map.of("JIT compiler", 4.0, "application", 6.0));
        ScaleBenchmark.Startup archived = new ScaleBenchmark.Startup(true);
        archived.readySeconds = 3;
        String report = ScaleBenchmark.report(List.of(), List.of(plain, archived), DeploymentJvm.fromDeployBase(), List.of(100));

        assertTrue(report.contains("| figure | without | with the archive |"), report);
        assertTrue(report.contains("| process start until /q/health/ready is UP (s) | 4.50 | 3.00 |"), report);
        assertTrue(report.contains("| of which JIT compiler threads | 40 % | - |"), report);
    }

    private static ScaleBenchmark.Result result(int size, String timedOut) {
        ScaleBenchmark.Result r = new ScaleBenchmark.Result(size, true);
        r.createSeconds = 1;
        r.discoverySeconds = 5;
        r.bindSeconds.addAll(List.of(1.0, 2.0, 3.0));
        r.onSeconds.addAll(List.of(2.0, 3.0, 4.0));
        r.boundPerSecond = 3;
        r.onPerSecond = 2;
        r.metalWritesPerClaim = 12;
        r.eventsPerClaim = 4;
        r.releaseSeconds = 4;
        r.redfishRequests = 30L * size;
        r.threadsAtStart = 40;
        r.timedOut = timedOut;
        ScaleBenchmark.Samples s = new ScaleBenchmark.Samples();
        s.peakThreads = 90;
        s.lastThreads = 80;
        s.peakRssKiB = 200 * 1024;
        s.lastRssKiB = 190 * 1024;
        s.hwmKiB = 210 * 1024;
        s.peakHeapUsed = 50 * 1024 * 1024;
        s.lastHeapUsed = 40 * 1024 * 1024;
        s.peakHeapCommitted = 60 * 1024 * 1024;
        s.lastHeapCommitted = 55 * 1024 * 1024;
        s.heapMax = 409 * 1024 * 1024;
        s.gcPausesAtStart = Map.of("end of major GC", 1.0, "end of minor GC", 10.0);
        s.gcPauses = Map.of("end of major GC", 3.0, "end of minor GC", 15.0);
        r.samples = s;
        r.hwmReset = true;
        return r;
    }
}
