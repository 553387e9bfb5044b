package dev.metalprov.e2e;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * What the API server says of itself in its /metrics: its CPU time, the writes it answered by API
 * group, and how long it took to answer writes (the histogram {@code apiserver_request_duration_seconds},
 * all clients together), so that a window's latency is the difference of two readings.
 */
final class BenchApiServer {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{([^}]*)\\})? (\\S+)$");
    private static final Pattern WRITE = Pattern.compile(".*verb=\"(POST|PUT|PATCH|DELETE)\".*");

    /** One reading. */
    record Reading(double cpuSeconds, Map<String, Double> writesByGroup, TreeMap<Double, Double> writeLatencyBuckets) {
    }

    private BenchApiServer() {
    }

    static Reading read(KubernetesClient admin) {
        double cpu = Double.NaN;
        Map<String, Double> writes = new HashMap<>();
        TreeMap<Double, Double> buckets = new TreeMap<>();
        for (String line : admin.raw("/metrics").split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String name = m.group(1);
            String labels = m.group(2) == null ? "" : m.group(2);
            double value = Double.parseDouble(m.group(3));
            if (name.equals("process_cpu_seconds_total")) {
                cpu = value;
            } else if (name.equals("apiserver_request_total") && WRITE.matcher(labels).matches()) {
                String group = label(labels, "group");
                writes.merge(group.isEmpty() ? label(labels, "resource") : group, value, Double::sum);
            } else if (name.equals("apiserver_request_duration_seconds_bucket") && WRITE.matcher(labels).matches()) {
                String le = label(labels, "le");
                buckets.merge(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), value, Double::sum);
            }
        }
        return new Reading(cpu, writes, buckets);
    }

    static String label(String labels, String name) {
        Matcher matcher = Pattern.compile("(?:^|,)" + name + "=\"([^\"]*)\"").matcher(labels);
        return matcher.find() ? matcher.group(1) : "";
    }

    /** Writes to this group (core objects: this resource) answered between the readings. */
    static double writes(Reading before, Reading after, String key) {
        return after.writesByGroup().getOrDefault(key, 0.0) - before.writesByGroup().getOrDefault(key, 0.0);
    }

    /** Writes answered between the readings, by all clients. */
    static double writeCount(Reading before, Reading after) {
        return after.writeLatencyBuckets().getOrDefault(Double.POSITIVE_INFINITY, 0.0)
                - before.writeLatencyBuckets().getOrDefault(Double.POSITIVE_INFINITY, 0.0);
    }

    /**
     * The p-quantile of the write latency between the readings, in seconds, interpolated linearly
     * within the histogram's bucket as Prometheus' histogram_quantile does; NaN without writes.
     */
    static double writeLatency(Reading before, Reading after, double p) {
        TreeMap<Double, Double> delta = new TreeMap<>();
        after.writeLatencyBuckets().forEach((le, count) -> delta.put(le, count - before.writeLatencyBuckets().getOrDefault(le, 0.0)));
        return quantile(delta, p);
    }

    /** The p-quantile of a cumulative histogram (upper bound to count at or below it). */
    static double quantile(TreeMap<Double, Double> cumulative, double p) {
        double total = cumulative.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
        if (total <= 0) {
            return Double.NaN;
        }
        double rank = p * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
            if (bucket.getValue() >= rank) {
                if (bucket.getKey().isInfinite()) {
                    return lowerBound;
                }
                double inBucket = bucket.getValue() - lowerCount;
                return inBucket <= 0 ? bucket.getKey()
                        : lowerBound + (bucket.getKey() - lowerBound) * (rank - lowerCount) / inBucket;
            }
            lowerBound = bucket.getKey();
            lowerCount = bucket.getValue();
        }
        return lowerBound;
    }
}
