package dev.metalprov.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

/**
 * The meters the stack registers, made fit for Prometheus, so that the whole exposition passes
 * {@code promtool check metrics}, not only the operator's own families:
 * <ul>
 * <li>the Java Operator SDK registers its meters without help texts; they get one here;</li>
 * <li>a quote in a help text (one JVM meter has one) becomes an apostrophe;</li>
 * <li>its reconcile timers publish client-side percentiles next to their histogram buckets, as
 * {@code quantile} samples in a histogram family, which Prometheus cannot aggregate anyway;
 * the buckets stay (the dashboard computes percentiles from them);</li>
 * <li>three meters of the HTTP server and the JVM do not fit the format and are left out:
 * {@code http.server.connections}, a long task timer whose {@code _active_count} and
 * {@code _duration_sum} samples have no family ({@code http_server_active_connections} counts
 * the same connections); {@code process.cpu.time}, a counter in nanoseconds
 * ({@code process_cpu_usage} stays); and {@code system.cpu.count}, a gauge whose name ends like
 * a histogram's sample (the number of processors, which the pod's spec already states).</li>
 * </ul>
 */
public class StackMeterFilters {

    private static final String OPERATOR_SDK = "operator.sdk.";

    /** Help texts of the SDK's meters, by name prefix; the first that matches wins. */
    private static final Map<String, String> SDK_HELP = new LinkedHashMap<>();

    static {
        SDK_HELP.put("operator.sdk.events.received", "Events the SDK's event sources delivered to a controller");
        SDK_HELP.put("operator.sdk.events.delete", "Delete events of primary resources");
        SDK_HELP.put("operator.sdk.reconciliations.started", "Reconciliations started");
        SDK_HELP.put("operator.sdk.reconciliations.success", "Reconciliations that ended without an error");
        SDK_HELP.put("operator.sdk.reconciliations.failed", "Reconciliations that ended with an error");
        SDK_HELP.put("operator.sdk.reconciliations.retries", "Reconciliations retried after an error");
        SDK_HELP.put("operator.sdk.reconciliations.executions", "Reconciliations of the controller running now");
        SDK_HELP.put("operator.sdk.reconciliations.queue.size", "Resources of the controller waiting to be reconciled");
        SDK_HELP.put("operator.sdk.controllers.execution.reconcile.success", "Calls of a controller's reconcile that succeeded");
        SDK_HELP.put("operator.sdk.controllers.execution.reconcile.failure", "Calls of a controller's reconcile that failed");
        SDK_HELP.put("operator.sdk.controllers.execution.reconcile", "Time a controller's reconcile takes");
        SDK_HELP.put("operator.sdk.controllers.execution.cleanup.success", "Calls of a controller's cleanup that succeeded");
        SDK_HELP.put("operator.sdk.controllers.execution.cleanup.failure", "Calls of a controller's cleanup that failed");
        SDK_HELP.put("operator.sdk.controllers.execution.cleanup", "Time a controller's cleanup takes");
        SDK_HELP.put("http.server.active.requests", "HTTP requests the server is handling now");
    }

    @Produces
    @Singleton
    MeterFilter helpTexts() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                String help = id.getDescription();
                if (help == null || help.isBlank()) {
                    help = SDK_HELP.entrySet().stream().filter(e -> id.getName().startsWith(e.getKey()))
                            .map(Map.Entry::getValue).findFirst()
                            .orElse(id.getName().startsWith(OPERATOR_SDK) ? "A meter of the Java Operator SDK" : help);
                } else if (help.contains("\"")) {
                    // The registry escapes a quote in a HELP line as \", which the text format does not
                    // allow there; promtool and strict scrapers then refuse the whole exposition.
                    help = help.replace('"', '\'');
                }
                return java.util.Objects.equals(help, id.getDescription()) ? id
                        : new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), help, id.getType());
            }
        };
    }

    @Produces
    @Singleton
    MeterFilter noClientSidePercentilesForTheSdk() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!id.getName().startsWith(OPERATOR_SDK)) {
                    return config;
                }
                return DistributionStatisticConfig.builder().percentiles(new double[0]).build().merge(config);
            }
        };
    }

    @Produces
    @Singleton
    MeterFilter withoutMetersTheFormatCannotCarry() {
        return MeterFilter.deny(id -> switch (id.getName()) {
            case "http.server.connections", "process.cpu.time", "system.cpu.count" -> true;
            default -> false;
        });
    }
}
