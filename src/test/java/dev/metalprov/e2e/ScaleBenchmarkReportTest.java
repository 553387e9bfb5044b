package dev.metalprov.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        long expectedHeapMiB = (long) (limit * DeploymentJvm.DEFAULT_MAX_MEM_RATIO / 100) / (1024 * 1024);
        assertTrue(options.jvmOptions().contains("-Xmx" + expectedHeapMiB + "m"), options.jvmOptions().toString());
    }

    @Test
    void aSizeThatTimedOutKeepsWhatItMeasuredAndSaysWhere() {
        ScaleBenchmark.Result done = result(20, null);
        ScaleBenchmark.Result cut = result(50, "claims: all 50 PowerStateReached (not within 180 s; 50 Bound, 31 PowerStateReached of 50)");
        cut.releaseSeconds = Double.NaN;
        String report = ScaleBenchmark.report(List.of(done, cut), DeploymentJvm.fromDeployBase(), List.of(20, 50));

        assertTrue(report.contains("| finished | yes | **no: timed out at claims: all 50 PowerStateReached"), report);
        assertTrue(report.contains("| claims Bound / PowerStateReached (of N) | 3 / 3 | 3 / 3 |"), report);
        assertTrue(report.contains("| all claims deleted until every server is Available again (s) | 4.00 | - |"), report);
        assertTrue(report.contains("| operator threads: at start / peak / final | 40 / 90 / 80 | 40 / 90 / 80 |"), report);
        assertTrue(report.contains("end of major GC: 2; end of minor GC: 5"), report);
        assertTrue(report.contains("No ratio between sizes: a size did not finish."), report);
    }

    @Test
    void sizesThatFinishedAreCompared() {
        String report = ScaleBenchmark.report(List.of(result(20, null), result(50, null)), DeploymentJvm.fromDeployBase(),
                List.of(20, 50));
        assertTrue(report.contains("From 20 to 50 servers (2.50x), in the same run:"), report);
        assertEquals(1, report.split("peak threads went 1.00x", -1).length - 1, report);
    }

    private static ScaleBenchmark.Result result(int size, String timedOut) {
        ScaleBenchmark.Result r = new ScaleBenchmark.Result(size);
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
