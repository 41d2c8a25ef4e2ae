package io.tributary.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.tributary.config.TributaryConfig;

/** The dashboard bean without Quarkus: the definition's checks, the Redshift-off answer, the key, the pipeline figures. */
class DashboardTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static SmallRyeConfig config(Map<String, String> overrides) {
        Map<String, String> p = new HashMap<>(Map.of("tributary.ingest.api-key", "k", "tributary.kinesis.stream", "s",
                "tributary.lake.raw-bucket", "raw", "tributary.lake.errors-bucket", "errors"));
        p.putAll(overrides);
        return new SmallRyeConfigBuilder().withMapping(TributaryConfig.class).withMapping(DashboardConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(p, "test", 100)).build();
    }

    private static Dashboard dashboard(MeterRegistry registry, Map<String, String> overrides) {
        SmallRyeConfig c = config(overrides);
        return new Dashboard(c.getConfigMapping(TributaryConfig.class), c.getConfigMapping(DashboardConfig.class), null, registry, JSON);
    }

    private static JsonNode json(io.tributary.api.ApiReply r) throws Exception {
        return JSON.readTree(r.getJson());
    }

    @Test
    void theSharedDefinitionIsValidAndItsVisualsNameItsColumns() {
        DashboardDefinition d = DashboardDefinition.load(JSON);
        assertEquals("SELECT * FROM (SELECT minute_start, event_type, provisional, SUM(events) AS events FROM analytics.minute_counts "
                + "GROUP BY minute_start, event_type, provisional) d WHERE minute_start >= ? ORDER BY minute_start",
                DashboardDefinition.windowed(d.dataset("minute_counts")));
        assertEquals("window_start", d.dataset("hourly_rollup").timeColumn());
        assertEquals("window_start", d.dataset("top_categories").timeColumn());
    }

    @Test
    void aDefinitionThatDoesNotFitIsRefusedWithItsReason() {
        ObjectNode good = (ObjectNode) DashboardDefinition.load(JSON).json().deepCopy();
        ObjectNode badType = good.deepCopy();
        ((ObjectNode) badType.get("datasets").get(0).get("columns").get(0)).put("type", "TIMESTAMP");
        assertTrue(assertThrows(IllegalStateException.class, () -> DashboardDefinition.parse(badType)).getMessage().contains("TIMESTAMP"));
        ObjectNode badVisual = good.deepCopy();
        ((ObjectNode) badVisual.get("visuals").get(0)).put("y", "users");
        assertTrue(assertThrows(IllegalStateException.class, () -> DashboardDefinition.parse(badVisual)).getMessage()
                .contains("visual events_per_minute: y 'users'"));
        ObjectNode parameterised = good.deepCopy();
        ((ObjectNode) parameterised.get("datasets").get(0)).put("sql", "SELECT * FROM analytics.minute_counts WHERE event_type = ?");
        assertThrows(IllegalStateException.class, () -> DashboardDefinition.parse(parameterised));
        ObjectNode injected = good.deepCopy();
        ((ObjectNode) injected.get("datasets").get(0)).put("time_column", "minute_start; DROP TABLE x");
        assertThrows(IllegalStateException.class, () -> DashboardDefinition.parse(injected));
    }

    @Test
    void withRedshiftOffADatasetSaysHowToTurnItOn() throws Exception {
        Dashboard d = dashboard(new SimpleMeterRegistry(), Map.of());
        io.tributary.api.ApiReply r = d.dataset("k", "minute_counts", "60");
        assertEquals(503, r.getStatus());
        assertEquals("redshift_off", json(r).get("reason").asText());
        assertTrue(json(r).get("error").asText().startsWith("Redshift is off: set tributary.redshift.enabled=true"));
        assertEquals(false, json(d.definition("k")).get("redshift_enabled").asBoolean());
    }

    @Test
    void everyEndpointWantsTheKeyAndChecksItsInput() throws Exception {
        Dashboard d = dashboard(new SimpleMeterRegistry(), Map.of("tributary.dashboard.max-minutes", "120"));
        assertEquals(401, d.definition(null).getStatus());
        assertEquals(401, d.dataset("wrong", "minute_counts", null).getStatus());
        assertEquals(401, d.pipeline("").getStatus());
        assertEquals(404, d.dataset("k", "users", null).getStatus());
        assertEquals(400, d.dataset("k", "minute_counts", "121").getStatus());
        assertEquals(400, d.dataset("k", "minute_counts", "0").getStatus());
        assertEquals(400, d.dataset("k", "minute_counts", "1 OR 1=1").getStatus());
    }

    @Test
    void pipelineFiguresComeFromTheIngestMetrics() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Dashboard d = dashboard(registry, Map.of());
        registry.counter("tributary.records.received").increment(120);
        registry.counter("tributary.records.valid").increment(117);
        registry.counter("tributary.records.invalid", "reason", "NOT_JSON").increment(2);
        registry.counter("tributary.records.invalid", "reason", "MISSING_FIELD").increment(1);
        registry.counter("tributary.records.invalid", "reason", "TOO_LARGE");
        registry.counter("tributary.batches.flushed", "zone", "raw").increment(3);
        registry.counter("tributary.bytes.flushed", "zone", "raw").increment(4096);
        registry.gauge("tributary.shard.behind.ms", io.micrometer.core.instrument.Tags.of("shard", "shardId-000000000001"), 250.0);
        JsonNode p = json(d.pipeline("k"));
        assertEquals(120, p.at("/records/received").asLong());
        assertEquals(3, p.at("/records/invalid").asLong());
        assertEquals("{\"MISSING_FIELD\":1,\"NOT_JSON\":2}", p.get("errors_by_reason").toString(), "only reasons that happened");
        assertEquals(3, p.at("/written/raw/objects").asLong());
        assertEquals(4096, p.at("/written/raw/bytes").asLong());
        assertEquals("shardId-000000000001", p.at("/shards/0/shard").asText());
        assertEquals(250, p.at("/shards/0/behind_ms").asLong());
        assertTrue(p.get("records_in_per_second").isNull(), "no rate from a single sample");
    }

    @Test
    void theDashboardPropertiesAreKnownNextToTheApplicationsOwn() {
        assertEquals(7, config(Map.of("tributary.dashboard.max-rows", "7")).getConfigMapping(DashboardConfig.class).maxRows());
    }
}
