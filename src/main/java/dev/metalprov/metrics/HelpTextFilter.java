package dev.metalprov.metrics;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Help texts without double quotes. The Prometheus registry escapes a quote in a HELP line as
 * \", which the text format does not allow there, and promtool (and strict scrapers) then
 * refuse the whole exposition. One JVM meter ("cpu time") has such a text.
 */
public class HelpTextFilter {

    @Produces
    @Singleton
    MeterFilter helpWithoutQuotes() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                String description = id.getDescription();
                if (description == null || !description.contains("\"")) {
                    return id;
                }
                return new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(),
                        description.replace('"', '\''), id.getType());
            }
        };
    }
}
