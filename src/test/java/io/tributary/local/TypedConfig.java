package io.tributary.local;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.tributary.config.TributaryConfig;

/** The application's typed configuration outside Quarkus (unit tests, benchmarks): the real mapping with its defaults,
 *  as strict about unknown properties as the application. */
public final class TypedConfig {

    private TypedConfig() {
    }

    /** The required properties (API key {@code k}, stream {@code s}, buckets) plus {@code overrides}. */
    public static TributaryConfig of(Map<String, String> overrides) {
        Map<String, String> p = new HashMap<>(Map.of(
                "tributary.ingest.api-key", "k",
                "tributary.kinesis.stream", "s",
                "tributary.lake.raw-bucket", "raw",
                "tributary.lake.errors-bucket", "errors"));
        p.putAll(overrides);
        // Quarkus' Duration syntax ("1s", "100ms") as the application reads it
        return new SmallRyeConfigBuilder().withMapping(TributaryConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(p, "typed-config", 100)).build()
                .getConfigMapping(TributaryConfig.class);
    }
}
