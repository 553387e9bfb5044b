package dev.metalprov.metadata;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The operator with its metadata service on (a free loopback port) and one static value for every machine. */
public class MetadataServiceProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("metal.metadata.enabled", "true", "metal.metadata.static.region", "lab-1");
    }
}
