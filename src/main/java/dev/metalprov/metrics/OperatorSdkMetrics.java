package dev.metalprov.metrics;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The Java Operator SDK's reconcile metrics in their aggregated form: per controller, never per
 * resource. The default collects a series per custom resource, with its name and namespace as
 * labels: unbounded, and it would put tenants' claim names into Prometheus.
 */
public class OperatorSdkMetrics {

    @Produces
    @Singleton
    @Alternative
    @Priority(1)
    Metrics aggregatedMetrics(MeterRegistry registry) {
        return MicrometerMetrics.withoutPerResourceMetrics(registry);
    }
}
