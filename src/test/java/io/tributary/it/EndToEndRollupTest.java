package io.tributary.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tributary.event.Timestamps;
import io.tributary.local.AthenaStandInResource;
import io.tributary.local.CuratedWriter;
import io.tributary.local.GlueStandInResource;
import io.tributary.local.KinesisStandInResource;
import io.tributary.local.RedshiftStandInResource;
import io.tributary.local.S3StandInResource;
import io.tributary.sealing.HourSealing;
import io.tributary.sealing.HourState;
import io.tributary.sealing.RawHours;

/**
 * The whole analytics path on the stand-ins: generated events (producer resends of the same event_id, events hours old
 * spread over several partition hours, a few beyond the late window and a few in the future) posted over HTTP → Kinesis →
 * raw zone → hour sealed → the real Glue job on the Glue stand-in → curated Parquet → Athena stand-in rollup → MERGE into
 * the Redshift stand-in. The Redshift rows equal {@link RollupComputation}'s independent computation from the sent events
 * (exact counts), and handing the same hour to the rollup again leaves the same rows.
 */
@QuarkusTest
@TestProfile(EndToEndRollupTest.OwnStandIns.class)
class EndToEndRollupTest {

    /**
     * Its own application and stand-ins: @QuarkusTestResource annotations are global to every @QuarkusTest, so this test's
     * Athena-over-Glue wiring would clash with the plain Athena resource, and other tests' hour states with its hour.
     */
    public static class OwnStandIns implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(KinesisStandInResource.class), new TestResourceEntry(S3StandInResource.class),
                    new TestResourceEntry(RedshiftStandInResource.class), new TestResourceEntry(AthenaOverGlueOutput.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    /** Athena's curated bucket is where the Glue job writes: Athena's resource, and Glue's config pointed at its bucket. */
    public static class AthenaOverGlueOutput implements QuarkusTestResourceLifecycleManager {
        private final AthenaStandInResource athena = new AthenaStandInResource();

        @Override
        public Map<String, String> start() {
            Map<String, String> c = new HashMap<>(athena.start());
            c.putAll(GlueStandInResource.config(GlueStandInResource.server(), c.get("test.curated-bucket")));
            return c;
        }

        @Override
        public void stop() {
            athena.stop();
        }
    }

    private static final String[] TYPES = {"page_view", "page_view", "click", "add_to_cart", "purchase"};
    private static final String[] CATEGORIES = {"books", "toys", "home", "garden", "sports", "beauty"};
    private static final String[] DEVICES = {"desktop", "mobile", "mobile", "tablet", null};
    private static final String[] COUNTRIES = {"US", "US", "DE", "FR", null};

    @Inject
    ProducerTemplate producer;

    @Inject
    HourSealing sealing;

    @Inject
    @DataSource("redshift")
    AgroalDataSource redshift;

    /** The NDJSON body posted and, per line, the row it stands for (ingest time: the arrival hour, known to the hour). */
    record Sent(String ndjson, List<CuratedWriter.Row> rows) {
    }

    static Sent generate(long seed, int n, Instant now, String marker) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder ndjson = new StringBuilder();
        List<CuratedWriter.Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int r = random.nextInt(100);
            // events up to three hours old (several partition hours, one arrival hour); 3 % beyond the 7-day late window,
            // 2 % ahead of the 5-minute future window: both flagged into the arrival hour
            Instant eventTime = now.minusMillis(random.nextLong(3 * 3_600_000L)).truncatedTo(ChronoUnit.MILLIS);
            String flag = null;
            if (r < 3) {
                eventTime = eventTime.minus(10, ChronoUnit.DAYS);
                flag = "late";
            } else if (r < 5) {
                eventTime = now.plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
                flag = "future";
            }
            String category = random.nextInt(10) == 0 ? null : CATEGORIES[random.nextInt(CATEGORIES.length)];
            String session = random.nextInt(20) == 0 ? null : "s" + random.nextInt(150);
            String device = DEVICES[random.nextInt(DEVICES.length)];
            String country = COUNTRIES[random.nextInt(COUNTRIES.length)];
            CuratedWriter.Row row = new CuratedWriter.Row(marker + "-" + i, TYPES[random.nextInt(TYPES.length)],
                    "u" + random.nextInt(120), eventTime, now, flag, category, session, device == null ? "unknown" : device, country);
            StringBuilder json = new StringBuilder("{\"event_id\":\"").append(row.eventId())
                    .append("\",\"timestamp\":\"").append(Timestamps.iso(eventTime))
                    .append("\",\"user_id\":\"").append(row.userId())
                    .append("\",\"event_type\":\"").append(row.eventType())
                    .append("\",\"data\":{\"page_url\":\"https://shop.example.com/\"");
            if (category != null) {
                json.append(",\"category\":\"").append(category).append('"');
            }
            if (session != null) {
                json.append(",\"session_id\":\"").append(session).append('"');
            }
            if (device != null) {
                json.append(",\"device_type\":\"").append(device).append('"');
            }
            if (country != null) {
                json.append(",\"location\":{\"country\":\"").append(country).append("\"}");
            }
            json.append("}}\n");
            int copies = random.nextInt(15) == 0 ? 2 + random.nextInt(2) : 1; // producer resends: same event_id, same content
            for (int c = 0; c < copies; c++) {
                ndjson.append(json);
                rows.add(row);
            }
        }
        return new Sent(ndjson.toString(), rows);
    }

    Map<String, List<String>> actual(Instant from, Instant to) throws SQLException {
        return RollupComputation.actual(redshift, from, to);
    }

    @Test
    void postedEventsReachRedshiftAsExactRollupsAndRerunningTheHourLeavesTheSameRows() throws Exception {
        // one raw hour: not within two minutes of an hour's end
        await().atMost(Duration.ofSeconds(130)).pollInterval(Duration.ofSeconds(1))
                .until(() -> Duration.between(Instant.now(), RawHours.end(RawHours.of(Instant.now()))).toSeconds() > 120);
        Instant now = Instant.now();
        String hour = RawHours.of(now);
        String marker = "e2e" + UUID.randomUUID().toString().substring(0, 6);
        Sent sent = generate(7, 300, now, marker);
        assertTrue(sent.rows().size() > new HashSet<>(sent.rows()).size(), "the generator made producer resends");
        assertTrue(sent.rows().stream().anyMatch(r -> "late".equals(r.timeFlag())), "some events are beyond the late window");
        // three requests, so resends also cross batches
        List<String> lines = sent.ndjson().lines().toList();
        int third = lines.size() / 3;
        for (List<String> part : List.of(lines.subList(0, third), lines.subList(third, 2 * third), lines.subList(2 * third, lines.size()))) {
            String body = String.join("\n", part) + "\n";
            given().header("X-Api-Key", "test-key").contentType("application/x-ndjson").body(body.getBytes(StandardCharsets.UTF_8))
                    .when().post("/events").then().statusCode(200).body("accepted", equalTo(part.size()));
        }
        assertEquals(hour, RawHours.of(Instant.now()), "posted within one raw hour");

        Map<String, List<String>> expected = RollupComputation.expected(sent.rows());
        Instant from = now.truncatedTo(ChronoUnit.HOURS).minus(4, ChronoUnit.HOURS);
        Instant to = now.truncatedTo(ChronoUnit.HOURS).plus(59, ChronoUnit.MINUTES);
        assertTrue(expected.get("hourly_rollup").size() > 10, "several groups: " + expected.get("hourly_rollup"));

        // sealed (seal-open-hour once the shards are idle), curated by the Glue job, handed to the rollup
        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1)).until(() -> sealing.state(hour)
                .map(HourState::status).equals(Optional.of(HourState.Status.SUCCEEDED)));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> actual(from, to).get("hourly_rollup").equals(expected.get("hourly_rollup")));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> actual(from, to).get("minute_counts").equals(expected.get("minute_counts")));
        Map<String, List<String>> first = actual(from, to);
        assertEquals(expected.get("hourly_rollup"), first.get("hourly_rollup"));
        assertEquals(expected.get("hourly_top_categories"), first.get("hourly_top_categories"));
        assertEquals(expected.get("minute_counts"), first.get("minute_counts"), "final minutes replace the provisional ones");

        // the same hour again: the same rows, nothing double-counted
        producer.requestBody("direct:hour-curated", hour);
        producer.requestBody("direct:hour-curated", hour);
        assertEquals(first, actual(from, to));
    }
}
