package io.tributary.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.tributary.local.AthenaStandInResource;
import io.tributary.local.CuratedWriter;
import io.tributary.local.KinesisStandInResource;
import io.tributary.local.RedshiftStandInResource;
import io.tributary.local.S3StandInResource;

/** POST/GET /api/queries on the Athena stand-in over curated Parquet: rows, paging, limits, rejections, errors, API key. */
@QuarkusTest
@QuarkusTestResource(KinesisStandInResource.class)
@QuarkusTestResource(S3StandInResource.class)
@QuarkusTestResource(RedshiftStandInResource.class)
@QuarkusTestResource(AthenaStandInResource.class)
class QueryApiTest {

    private static final String KEY = "test-key";
    private static final Instant DAY = Instant.parse("2023-06-01T08:00:00Z");
    private static boolean written;

    @ConfigProperty(name = "test.s3-basedir")
    String basedir;

    @ConfigProperty(name = "test.curated-bucket")
    String bucket;

    @ConfigProperty(name = "test.curated-prefix")
    String prefix;

    @BeforeEach
    void curatedRows() throws Exception {
        if (!written) {
            List<CuratedWriter.Row> rows = new ArrayList<>();
            for (int i = 0; i < 250; i++) {
                Instant t = DAY.plusSeconds(i * 10L);
                rows.add(new CuratedWriter.Row(String.format("q-%03d", i), i % 2 == 0 ? "click" : "page_view", "u" + i % 7, t,
                        t.plusSeconds(1), null, "books", "s" + i % 11, "mobile", "US"));
            }
            CuratedWriter.write(Path.of(basedir, bucket, prefix), rows);
            written = true;
        }
    }

    private static String start(String sql) {
        return given().header("X-Api-Key", KEY).contentType("application/json").body(Map.of("sql", sql))
                .when().post("/api/queries")
                .then().statusCode(202).body("state", equalTo("QUEUED")).extract().path("id");
    }

    private static JsonPath finished(String id) {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(
                () -> given().header("X-Api-Key", KEY).when().get("/api/queries/" + id).then().statusCode(200).extract().jsonPath(),
                j -> !List.of("QUEUED", "RUNNING").contains(j.getString("state")));
    }

    @Test
    void aValidQueryReturnsRows() {
        JsonPath j = finished(start("SELECT event_type, count(*) AS events FROM events WHERE event_date = '2023-06-01' "
                + "GROUP BY event_type ORDER BY event_type"));
        assertEquals("SUCCEEDED", j.getString("state"));
        assertEquals(List.of("event_type", "events"), j.getList("columns.name"));
        assertEquals(List.of(List.of("click", "125"), List.of("page_view", "125")), j.getList("rows"));
        assertEquals(false, j.getBoolean("truncated"));
    }

    @Test
    void resultsComeInPagesUpToTheRowLimit() {
        String id = start("-- every row of the day\nSELECT event_id FROM events WHERE event_date = '2023-06-01' ORDER BY event_id;");
        JsonPath first = finished(id);
        assertEquals(100, first.getList("rows").size());
        assertEquals("q-000", first.getString("rows[0][0]"));
        JsonPath second = given().header("X-Api-Key", KEY).queryParam("nextToken", first.getString("nextToken"))
                .when().get("/api/queries/" + id).then().statusCode(200).extract().jsonPath();
        assertEquals("q-100", second.getString("rows[0][0]"));
        assertEquals(100, second.getList("rows").size());
        // tributary.query.max-rows=200 in tests: the third page is cut off
        assertEquals(true, second.getBoolean("truncated"));
        assertEquals(null, second.getString("nextToken"));
    }

    @Test
    void ddlAndDmlAreRejected() {
        for (String sql : List.of("DROP TABLE events", "CREATE TABLE x AS SELECT * FROM events", "INSERT INTO events SELECT * FROM events",
                "DELETE FROM events", "SELECT 1; DROP TABLE events", "MSCK REPAIR TABLE events")) {
            given().header("X-Api-Key", KEY).contentType("application/json").body(Map.of("sql", sql))
                    .when().post("/api/queries")
                    .then().statusCode(400).body("error", containsString("only"));
        }
        given().header("X-Api-Key", KEY).contentType("application/json").body("{\"query\": \"SELECT 1\"}")
                .when().post("/api/queries").then().statusCode(400).body("error", containsString("'sql'"));
        given().header("X-Api-Key", KEY).contentType("application/json").body("{not json")
                .when().post("/api/queries").then().statusCode(400).body("error", containsString("not valid JSON"));
    }

    @Test
    void badSqlAndUnknownTablesGiveAClearError() {
        JsonPath bad = finished(start("SELECT FROM WHERE events"));
        assertEquals("FAILED", bad.getString("state"));
        org.hamcrest.MatcherAssert.assertThat(bad.getString("error").toLowerCase(), containsString("syntax"));
        JsonPath unknown = finished(start("SELECT * FROM no_such_table"));
        assertEquals("FAILED", unknown.getString("state"));
        org.hamcrest.MatcherAssert.assertThat(unknown.getString("error"), containsString("no_such_table"));
        given().header("X-Api-Key", KEY).when().get("/api/queries/00000000-0000-0000-0000-000000000000")
                .then().statusCode(404).body("error", containsString("no query"));
    }

    @Test
    void noApiKeyGives401() {
        given().contentType("application/json").body(Map.of("sql", "SELECT 1")).when().post("/api/queries")
                .then().statusCode(401).body("error", containsString("X-Api-Key"));
        given().header("X-Api-Key", "wrong").contentType("application/json").body(Map.of("sql", "SELECT 1")).when().post("/api/queries")
                .then().statusCode(401);
        given().when().get("/api/queries/abc").then().statusCode(401).body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("rows")));
        given().header("X-Api-Key", KEY).when().get("/api/queries/abc").then().statusCode(404);
    }
}
