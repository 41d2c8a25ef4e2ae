package io.tributary.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.tributary.batch.BatchSettings;
import io.tributary.batch.Batcher;
import io.tributary.batch.LakeLayout;
import io.tributary.batch.SealedBatch;
import io.tributary.config.TributaryConfig;
import io.tributary.event.EventContract;
import io.tributary.event.EventPolicy;
import io.tributary.event.EventProcessor;
import io.tributary.ingest.StreamIngest;
import io.tributary.sealing.HourSealer;
import io.tributary.warehouse.RedshiftWarehouse;

/**
 * What the application emits to CloudWatch: the EMF lines of {@link EmfMetrics} over the real ingest counters, checked
 * against the Embedded Metric Format specification and against metrics/emf-metrics.json, the list the Terraform alarms
 * are checked against (terraform/test/alarms.test.mjs).
 */
class EmfMetricsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant NOW = Instant.parse("2024-11-25T10:05:00Z");

    /** CloudWatch's units (MetricDatum.Unit, which the EMF specification's MetricDefinition.Unit refers to). */
    static final Set<String> UNITS = Set.of("Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes",
            "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
            "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
            "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None");

    static TributaryConfig config(String profile, Map<String, String> env) {
        try {
            return build(profile, env);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static TributaryConfig build(String profile, Map<String, String> env) throws java.io.IOException {
        return new SmallRyeConfigBuilder()
                .withProfile(profile)
                .withSources(new PropertiesConfigSource(EmfMetricsTest.class.getClassLoader().getResource("application.properties"), 250))
                .withSources(new EnvConfigSource(env, 300))
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(TributaryConfig.class)
                .build()
                .getConfigMapping(TributaryConfig.class);
    }

    static Map<String, String> deployedEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("TRIBUTARY_INGEST_API_KEY", "k");
        env.put("TRIBUTARY_STREAM", "tributary-prod-events");
        env.put("TRIBUTARY_GLUE_JOB", "tributary-prod-curate");
        env.put("TRIBUTARY_METRICS_NAMESPACE", "TributaryProd");
        return env;
    }

    static byte[] event(int i) {
        return ("{\"timestamp\": \"2024-11-25T10:00:0" + i + "Z\", \"user_id\": \"u" + i + "\", \"event_type\": \"page_view\", "
                + "\"data\": {\"page_url\": \"https://shop.example.com/p/" + i + "\", \"session_id\": \"s" + i + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Four records (three valid, one not JSON) through the real ingest bean, both zones flushed, one Glue and one Redshift failure. */
    static void someTraffic(SimpleMeterRegistry registry) {
        Batcher batcher = new Batcher(new BatchSettings(500, 5_242_880, Duration.ofSeconds(60), 1), new LakeLayout("raw", "raw/events", "errors", "errors/events"));
        StreamIngest ingest = new StreamIngest(new EventProcessor(EventContract.load(), EventPolicy.defaults()), batcher,
                "tributary-prod-events", registry);
        for (int i = 0; i < 3; i++) {
            ingest.accept(event(i), "shardId-000000000000", String.valueOf(100 + i), NOW.minusSeconds(30));
        }
        ingest.accept("not json".getBytes(StandardCharsets.UTF_8), "shardId-000000000000", "103", NOW.minusSeconds(30));
        for (SealedBatch batch : ingest.drain()) {
            ingest.committed(batch, null);
        }
        Counter.builder(HourSealer.GLUE_RUNS_FAILED).register(registry).increment();
        Counter.builder(RedshiftWarehouse.LOAD_FAILURES).tag("load", "minutes").register(registry).increment();
    }

    static EmfMetrics emitter(TributaryConfig config, SimpleMeterRegistry registry, List<String> lines) {
        return new EmfMetrics(config, registry, JSON, lines::add, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    /** Asserts the document is EMF by the specification and returns metric name -> [namespace, dimension names, unit, value]. */
    static Map<String, List<Object>> assertEmf(String line) throws Exception {
        assertFalse(line.contains("\n"), "one JSON object per line");
        JsonNode root = JSON.readTree(line);
        assertTrue(root.isObject(), "the log event is a JSON object with nothing before or after it");
        JsonNode aws = root.path("_aws");
        assertTrue(aws.isObject(), "_aws metadata object");
        assertTrue(aws.path("Timestamp").isIntegralNumber(), "_aws.Timestamp: milliseconds since the epoch");
        assertEquals(NOW.toEpochMilli(), aws.path("Timestamp").asLong());
        JsonNode directives = aws.path("CloudWatchMetrics");
        assertTrue(directives.isArray() && directives.size() > 0, "_aws.CloudWatchMetrics: an array of MetricDirective");
        Map<String, List<Object>> metrics = new LinkedHashMap<>();
        for (JsonNode d : directives) {
            String namespace = d.path("Namespace").asText("");
            assertTrue(!namespace.isEmpty() && namespace.length() <= 255 && !namespace.startsWith("AWS/"), "Namespace: " + namespace);
            JsonNode sets = d.path("Dimensions");
            assertTrue(sets.isArray() && sets.size() == 1, "Dimensions: an array of one DimensionSet");
            List<String> names = new ArrayList<>();
            for (JsonNode n : sets.get(0)) {
                assertTrue(n.isTextual(), "a DimensionSet holds dimension names");
                assertTrue(root.path(n.asText()).isTextual() && !root.path(n.asText()).asText().isEmpty(),
                        "dimension " + n.asText() + " is a root member with a string value");
                names.add(n.asText());
            }
            assertTrue(names.size() <= 30, "at most 30 dimensions per set");
            assertTrue(d.path("Metrics").isArray() && d.path("Metrics").size() <= 100, "Metrics: at most 100 MetricDefinitions");
            for (JsonNode m : d.path("Metrics")) {
                String name = m.path("Name").asText("");
                assertTrue(m.path("Name").isTextual() && !name.isEmpty(), "MetricDefinition.Name");
                assertTrue(UNITS.contains(m.path("Unit").asText()), "unit of " + name + ": " + m.path("Unit"));
                assertTrue(root.path(name).isNumber(), "metric " + name + " is a root member with a number value");
                assertFalse(metrics.containsKey(name), name + " defined once");
                metrics.put(name, List.of(namespace, names, m.path("Unit").asText(), root.path(name).asDouble()));
            }
        }
        return metrics;
    }

    @Test
    void theDeployedContainerEmitsEveryCataloguedMetricAsValidEmf() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        someTraffic(registry);
        List<String> lines = new ArrayList<>();
        EmfMetrics emf = emitter(config("prod", deployedEnv()), registry, lines);
        assertTrue(emf.enabled(), "the prod profile emits EMF");

        emf.publish();
        assertEquals(1, lines.size(), "one line per interval");
        Map<String, List<Object>> metrics = assertEmf(lines.get(0));

        List<EmfMetrics.Definition> catalog = EmfMetrics.catalog(JSON);
        assertEquals(catalog.stream().map(EmfMetrics.Definition::name).collect(Collectors.toSet()), metrics.keySet(),
                "every metric of metrics/emf-metrics.json, and nothing else");
        for (EmfMetrics.Definition d : catalog) {
            List<Object> emitted = metrics.get(d.name());
            assertEquals("TributaryProd", emitted.get(0), "namespace from TRIBUTARY_METRICS_NAMESPACE");
            assertEquals(d.dimensions(), emitted.get(1), d.name() + " dimensions");
            assertEquals(d.unit(), emitted.get(2), d.name() + " unit");
        }
        JsonNode root = JSON.readTree(lines.get(0));
        assertEquals("tributary-prod-events", root.path("StreamName").asText());
        assertEquals("tributary-prod-curate", root.path("JobName").asText());
        assertEquals(4, root.path("RecordsReceived").asLong());
        assertEquals(3, root.path("RecordsValid").asLong());
        assertEquals(1, root.path("RecordsInvalid").asLong());
        assertEquals(1, root.path("RawZoneFlushes").asLong());
        assertTrue(root.path("RawZoneBytes").asLong() > 0);
        assertEquals(1, root.path("ErrorsZoneFlushes").asLong());
        assertEquals(1, root.path("GlueJobRunFailures").asLong());
        assertEquals(1, root.path("RedshiftLoadFailures").asLong());
    }

    @Test
    void eachLineCarriesTheCountsOfItsIntervalOnly() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        someTraffic(registry);
        List<String> lines = new ArrayList<>();
        EmfMetrics emf = emitter(config("prod", deployedEnv()), registry, lines);
        emf.publish();
        emf.publish();
        JsonNode quiet = JSON.readTree(lines.get(1));
        assertEquals(0, quiet.path("RecordsReceived").asLong(), "a quiet interval reports zero, so no traffic is a value, not missing data");
        assertEquals(0, quiet.path("GlueJobRunFailures").asLong());
        assertEmf(lines.get(1));
    }

    @Test
    void lambdaEmitsPerInvocationAndOnlyWhatItCounts() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Batcher batcher = new Batcher(new BatchSettings(500, 5_242_880, Duration.ofSeconds(60), 1), new LakeLayout("raw", "raw/events", "errors", "errors/events"));
        StreamIngest ingest = new StreamIngest(new EventProcessor(EventContract.load(), EventPolicy.defaults()), batcher,
                "tributary-prod-events", registry);
        ingest.accept(event(1), "shardId-000000000000", "1", NOW);
        Map<String, String> env = deployedEnv();
        env.remove("TRIBUTARY_GLUE_JOB");
        TributaryConfig lambda = config("lambda", env);
        assertTrue(lambda.metrics().emf().enabled(), "the lambda profile emits EMF");
        assertTrue(lambda.metrics().emf().interval().isZero(), "no timer in Lambda: the handler publishes after each invocation");
        List<String> lines = new ArrayList<>();
        emitter(lambda, registry, lines).publish();
        Set<String> names = new HashSet<>(assertEmf(lines.get(0)).keySet());
        assertTrue(names.contains("RecordsReceived"));
        assertFalse(names.contains("GlueJobRunFailures"), "no hour sealing in Lambda: no Glue metric");
        assertFalse(names.contains("RedshiftLoadFailures"), "no warehouse in Lambda: no Redshift metric");
    }

    @Test
    void devAndTestsEmitNothingUnlessAsked() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        someTraffic(registry);
        for (String profile : List.of("dev", "test")) {
            List<String> lines = new ArrayList<>();
            EmfMetrics emf = emitter(config(profile, deployedEnv()), registry, lines);
            assertTrue(emf.publish().isEmpty(), profile);
            assertTrue(lines.isEmpty(), profile);
        }
    }
}
