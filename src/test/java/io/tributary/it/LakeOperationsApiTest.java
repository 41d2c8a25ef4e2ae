package io.tributary.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tributary.event.Timestamps;
import io.tributary.local.GlueStandInResource;
import io.tributary.local.KinesisStandInResource;
import io.tributary.local.LakeFiles;
import io.tributary.local.RedshiftStandInResource;
import io.tributary.local.S3StandInResource;
import io.tributary.sealing.RawHours;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The lake operations API on the stand-ins: a past raw hour (written straight to the raw zone, so no test waits for an
 * hour to end) is sealed, curated by the real Glue job, rolled up by the Athena stand-in into the Redshift stand-in, and
 * listed as rolled_up with its ids. Re-curating it runs the Glue job a second time, refused while that run is in flight,
 * and leaves the same Redshift rows; so does a re-rollup.
 */
@QuarkusTest
@TestProfile(LakeOperationsApiTest.OwnStandIns.class)
class LakeOperationsApiTest {

    /** Its own application and stand-ins, like EndToEndRollupTest: Athena reads where Glue writes. */
    public static class OwnStandIns implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(KinesisStandInResource.class), new TestResourceEntry(S3StandInResource.class),
                    new TestResourceEntry(RedshiftStandInResource.class), new TestResourceEntry(PastHoursOnly.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    /** Athena over Glue's output; the current hour is never sealed early, so only the test's past hour is curated. */
    public static class PastHoursOnly implements QuarkusTestResourceLifecycleManager {
        private final EndToEndRollupTest.AthenaOverGlueOutput athenaOverGlue = new EndToEndRollupTest.AthenaOverGlueOutput();

        @Override
        public Map<String, String> start() {
            Map<String, String> c = new HashMap<>(athenaOverGlue.start());
            c.put("tributary.glue.seal-open-hour", "false");
            return c;
        }

        @Override
        public void stop() {
            athenaOverGlue.stop();
        }
    }

    static final String KEY = "test-key";

    @Inject
    @DataSource("redshift")
    AgroalDataSource redshift;

    @AfterEach
    void releaseHeldRuns() {
        GlueStandInResource.server().releaseRuns();
    }

    /**
     * Enriched raw lines of one arrival hour, as the ingest route writes them, all events inside that hour, in the raw zone
     * of the running application.
     */
    static void writeRawHour(Instant start, int n) throws IOException {
        Config config = ConfigProvider.getConfig();
        String rawBucket = config.getValue("tributary.lake.raw-bucket", String.class);
        String rawPrefix = config.getOptionalValue("tributary.lake.raw-prefix", String.class).orElse("raw/events");
        StringBuilder ndjson = new StringBuilder();
        String[] types = {"page_view", "click", "purchase"};
        String[] devices = {"desktop", "mobile", "tablet"};
        for (int i = 0; i < n; i++) {
            Instant t = start.plusSeconds(60L * i % 3500);
            String time = Timestamps.iso(t);
            ndjson.append("{\"event_id\":\"ops-").append(i).append("\",\"event_type\":\"").append(types[i % 3])
                    .append("\",\"user_id\":\"u").append(i % 7).append("\",\"timestamp\":\"").append(time)
                    .append("\",\"event_time\":\"").append(time).append("\",\"ingest_time\":\"").append(Timestamps.iso(t.plusSeconds(1)))
                    .append("\",\"event_date\":\"").append(t.toString(), 0, 10).append("\",\"event_hour\":")
                    .append(Integer.parseInt(t.toString().substring(11, 13)))
                    .append(",\"time_flag\":null,\"page_url\":\"https://shop.example.com/p\",\"page_host\":\"shop.example.com\","
                            + "\"page_path\":\"/p\",\"product_id\":\"p").append(i % 5).append("\",\"category\":\"books\",\"session_id\":\"s")
                    .append(i % 9).append("\",\"device_type\":\"").append(devices[i % 3])
                    .append("\",\"country\":\"DE\",\"city\":null,\"shard_id\":\"shardId-000000000000\",\"sequence_number\":\"")
                    .append(1000 + i).append("\"}\n");
        }
        byte[] gz = LakeFiles.gzip(ndjson.toString().getBytes(StandardCharsets.UTF_8));
        String hour = RawHours.of(start);
        String key = rawPrefix + "/dt=" + hour.substring(0, 10) + "/hour=" + hour.substring(11) + "/shardId-000000000000-1000-"
                + (1000 + n - 1) + ".json.gz";
        S3Client s3 = Arc.container().instance(S3Client.class).get();
        s3.putObject(b -> b.bucket(rawBucket).key(key), RequestBody.fromBytes(gz));
    }

    /** The hour's row of GET /api/hours. */
    static Map<String, Object> hourRow(String hour) {
        List<Map<String, Object>> rows = given().header("X-Api-Key", KEY).queryParam("from", hour).queryParam("to", hour)
                .when().get("/api/hours").then().statusCode(200).extract().jsonPath().getList("$");
        assertEquals(1, rows.size(), rows.toString());
        return rows.get(0);
    }

    static String state(String hour) {
        return (String) hourRow(hour).get("state");
    }

    @Test
    void aCuratedHourIsListedRolledUpAndReCuratingItRunsGlueAgainWithTheSameRedshiftRows() throws Exception {
        Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(3, ChronoUnit.HOURS);
        String hour = RawHours.of(start);
        writeRawHour(start, 40);

        // key, malformed input, hours without raw data
        given().when().get("/api/hours").then().statusCode(401).body("error", equalTo("missing or wrong X-Api-Key header"));
        given().header("X-Api-Key", "wrong").when().post("/api/hours/" + hour + "/recurate").then().statusCode(401);
        given().header("X-Api-Key", KEY).when().post("/api/hours/2024-13-01-00/recurate").then().statusCode(400)
                .body("error", equalTo("not an hour (yyyy-MM-dd-HH, UTC): '2024-13-01-00'"));
        given().header("X-Api-Key", KEY).queryParam("from", "2024-01-01-00").queryParam("to", "2024-01-08-00")
                .when().post("/api/hours/recurate").then().statusCode(400).body("error", containsString("at most 168"));
        given().header("X-Api-Key", KEY).when().post("/api/hours/2020-01-01-00/recurate").then().statusCode(404)
                .body("error", equalTo("hour 2020-01-01-00 has no raw data"));
        given().header("X-Api-Key", KEY).when().get("/api/hours/2020-01-01-00/history").then().statusCode(404);

        // sealed (its end is long past, every shard idle), curated by the Glue job, rolled up
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1)).until(() -> "rolled_up".equals(state(hour)));
        Map<String, Object> first = hourRow(hour);
        String firstRun = (String) first.get("glue_run_id");
        String firstQuery = (String) first.get("athena_query_id");
        assertEquals(GlueStandInResource.server().runsFor(hour).get(0).id(), firstRun);
        assertNotNull(firstQuery);
        assertEquals(1, first.get("attempts"));
        Instant from = start.minus(1, ChronoUnit.HOURS);
        Instant to = start.plus(2, ChronoUnit.HOURS);
        Map<String, List<String>> rows = RollupComputation.actual(redshift, from, to);
        assertFalse(rows.get("hourly_rollup").isEmpty(), "rolled up into Redshift: " + rows);

        // re-curate; held in RUNNING, the hour refuses another re-curation and a rollup
        GlueStandInResource.server().holdRuns();
        given().header("X-Api-Key", KEY).when().post("/api/hours/" + hour + "/recurate").then().statusCode(202)
                .body("accepted", equalTo(List.of(hour)));
        await().atMost(Duration.ofSeconds(30)).until(() -> "curating".equals(state(hour)));
        String secondRun = (String) hourRow(hour).get("glue_run_id");
        assertNotEquals(firstRun, secondRun);
        assertEquals(true, hourRow(hour).get("in_flight"));
        given().header("X-Api-Key", KEY).when().post("/api/hours/" + hour + "/recurate").then().statusCode(409)
                .body("error", equalTo("hour " + hour + " is curating (Glue run " + secondRun + "); try again when it ends"));
        given().header("X-Api-Key", KEY).queryParam("from", hour).queryParam("to", RawHours.of(start.plus(1, ChronoUnit.HOURS)))
                .when().post("/api/hours/rollup").then().statusCode(409).body("error", containsString("is curating"));

        GlueStandInResource.server().releaseRuns();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> "rolled_up".equals(state(hour)));
        assertEquals(2, GlueStandInResource.server().runsFor(hour).size(), "one more Glue run, no other");
        Map<String, Object> second = hourRow(hour);
        assertEquals(secondRun, second.get("glue_run_id"));
        assertNotEquals(firstQuery, second.get("athena_query_id"));
        assertEquals(rows, RollupComputation.actual(redshift, from, to), "the same rows: the rerun replaced them");

        // re-roll-up a range: only the hour with raw data is accepted; again the same rows
        String secondQuery = (String) second.get("athena_query_id");
        given().header("X-Api-Key", KEY).queryParam("from", RawHours.of(start.minus(1, ChronoUnit.HOURS)))
                .queryParam("to", RawHours.of(start.plus(1, ChronoUnit.HOURS)))
                .when().post("/api/hours/rollup").then().statusCode(202).body("accepted", equalTo(List.of(hour)));
        await().atMost(Duration.ofSeconds(60)).until(() -> !secondQuery.equals(hourRow(hour).get("athena_query_id"))
                && "rolled_up".equals(state(hour)) && Boolean.FALSE.equals(hourRow(hour).get("in_flight")));
        assertEquals(rows, RollupComputation.actual(redshift, from, to));
        assertEquals(2, GlueStandInResource.server().runsFor(hour).size());

        List<Map<String, Object>> history = given().header("X-Api-Key", KEY).when().get("/api/hours/" + hour + "/history")
                .then().statusCode(200).extract().jsonPath().getList("$");
        List<Object> states = history.stream().map(h -> h.get("state")).toList();
        assertEquals(List.of("sealed", "curating", "curated", "curated", "rolled_up", "sealed", "sealed", "curating", "curated",
                "curated", "rolled_up", "rolled_up", "rolled_up"), states, history.toString());
        assertEquals("re-curation requested", history.get(5).get("detail"));
        assertEquals(secondRun, history.get(7).get("glue_run_id"));

        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("tributary_lake_operations_total{operation=\"recurate\",outcome=\"accepted\"} 1.0"))
                .body(containsString("tributary_lake_operations_total{operation=\"recurate\",outcome=\"refused\"} 1.0"))
                .body(containsString("tributary_lake_operations_total{operation=\"rollup\",outcome=\"accepted\"} 1.0"))
                .body(containsString("tributary_lake_operations_hours_total{operation=\"recurate\"} 1.0"));
    }
}
