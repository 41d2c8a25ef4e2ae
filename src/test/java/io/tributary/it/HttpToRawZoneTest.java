package io.tributary.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tributary.event.Timestamps;
import io.tributary.local.EventGenerator;
import io.tributary.local.KinesisStandInResource;
import io.tributary.local.LakeFiles;
import io.tributary.local.S3StandInResource;
import io.tributary.local.StandIns;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** End to end on the stand-ins: HTTP → Kinesis (kinesalite) → consumer route → raw and errors zones (s3proxy). */
@QuarkusTest
@QuarkusTestResource(KinesisStandInResource.class)
@QuarkusTestResource(S3StandInResource.class)
class HttpToRawZoneTest {

    static final String KEY = "test-key";
    static final Pattern RAW_KEY = Pattern.compile("raw/events/dt=(\\d{4}-\\d{2}-\\d{2})/hour=(\\d{2})/(shardId-\\d+)-(\\d+)-(\\d+)\\.json\\.gz");

    @ConfigProperty(name = "test.s3-basedir")
    Path basedir;
    @ConfigProperty(name = "tributary.lake.raw-bucket")
    String rawBucket;
    @ConfigProperty(name = "tributary.lake.errors-bucket")
    String errorsBucket;
    @ConfigProperty(name = "tributary.kinesis.stream")
    String stream;
    @ConfigProperty(name = "tributary.kinesis.endpoint-override")
    String kinesisEndpoint;

    /** Events of one test: user ids carry a test-unique marker so tests sharing the stream do not count each other's. */
    static String events(String marker, int n) {
        EventGenerator g = new EventGenerator(n, Instant.now());
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < n; i++) {
            ndjson.append(g.nextJson().replace("\"user_id\":\"user_", "\"user_id\":\"" + marker + "_")).append('\n');
        }
        return ndjson.toString();
    }

    List<LakeFiles.Line> rawLinesOf(String marker) {
        return LakeFiles.lines(basedir, rawBucket, "raw/events").stream()
                .filter(l -> l.json().get("user_id").asText().startsWith(marker + "_")).toList();
    }

    @Test
    void postedEventsArriveInTheRawZoneWithTheRightKeysContentsAndCounts() {
        String marker = "m" + UUID.randomUUID().toString().substring(0, 6);
        int n = 300;
        given().header("X-Api-Key", KEY).contentType("application/x-ndjson").body(events(marker, n).getBytes(StandardCharsets.UTF_8))
                .when().post("/events")
                .then().statusCode(200).body("accepted", equalTo(n)).body("rejected", equalTo(0));

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> rawLinesOf(marker).size() >= n);
        List<LakeFiles.Line> lines = rawLinesOf(marker);
        assertEquals(n, lines.size(), "every event exactly once");
        Set<String> ids = new HashSet<>();
        for (LakeFiles.Line l : lines) {
            var m = RAW_KEY.matcher(l.key());
            assertTrue(m.matches(), "key " + l.key());
            Instant ingest = Instant.parse(l.json().get("ingest_time").asText());
            assertEquals(Timestamps.date(ingest), m.group(1), "partitioned by arrival date");
            assertEquals(Timestamps.hour(ingest), Integer.parseInt(m.group(2)), "partitioned by arrival hour");
            assertEquals(m.group(3), l.json().get("shard_id").asText());
            var seq = new java.math.BigInteger(l.json().get("sequence_number").asText());
            assertTrue(seq.compareTo(new java.math.BigInteger(m.group(4))) >= 0 && seq.compareTo(new java.math.BigInteger(m.group(5))) <= 0,
                    "sequence number inside the key's range");
            assertTrue(ids.add(l.json().get("event_id").asText()), "unique event ids");
            assertTrue(Set.of("desktop", "mobile", "tablet", "other", "unknown").contains(l.json().get("device_type").asText()));
        }
    }

    @Test
    void invalidRecordsAreRejectedPerRecordAndTheRestGoOn() {
        String body = "[{\"timestamp\":\"2024-01-15T10:30:00Z\",\"user_id\":\"ok_1\",\"event_type\":\"click\"},"
                + "{\"user_id\":\"no_time\",\"event_type\":\"click\"},"
                + "{\"timestamp\":\"soon\",\"user_id\":\"bad_time\",\"event_type\":\"click\"},"
                + "42]";
        given().header("X-Api-Key", KEY).contentType("application/json").body(body)
                .when().post("/events")
                .then().statusCode(200)
                .body("accepted", equalTo(1)).body("rejected", equalTo(3))
                .body("results[0].status", equalTo("accepted"))
                .body("results[1].reason", equalTo("MISSING_FIELD"))
                .body("results[1].message", containsString("timestamp"))
                .body("results[2].reason", equalTo("BAD_TIMESTAMP"))
                .body("results[3].reason", equalTo("NOT_OBJECT"));
    }

    @Test
    void anOversizeElementOfAnArrayGetsItsOwnTooLargeResultWhileTheOthersArriveWithTheReturnedEventIds() {
        String marker = "big" + UUID.randomUUID().toString().substring(0, 6);
        String[] good = events(marker, 3).split("\n");
        String head = "{\"timestamp\":\"" + Instant.now() + "\",\"user_id\":\"" + marker + "_big\",\"event_type\":\"click\",\"data\":{";
        String bigValue = head + "\"note\":\"" + "x".repeat(1024 * 1024) + "\"}}";
        String bigName = head + "\"" + "n".repeat(1024 * 1024) + "\":1}}";
        String body = "[" + good[0] + "," + bigValue + "," + good[1] + "," + bigName + "," + good[2] + "]";
        var reply = given().header("X-Api-Key", KEY).contentType("application/json").body(body)
                .when().post("/events")
                .then().statusCode(200)
                .body("accepted", equalTo(3)).body("rejected", equalTo(2)).body("results.size()", equalTo(5))
                .body("results.status", equalTo(List.of("accepted", "rejected", "accepted", "rejected", "accepted")))
                .body("results[1].reason", equalTo("TOO_LARGE")).body("results[3].reason", equalTo("TOO_LARGE"))
                .extract().jsonPath();
        Set<String> returnedIds = Set.of(reply.getString("results[0].event_id"), reply.getString("results[2].event_id"),
                reply.getString("results[4].event_id"));
        assertEquals(3, returnedIds.size(), "an event id per accepted record: " + returnedIds);

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> rawLinesOf(marker).size() >= 3);
        Set<String> rawIds = new HashSet<>();
        rawLinesOf(marker).forEach(l -> rawIds.add(l.json().get("event_id").asText()));
        assertEquals(returnedIds, rawIds, "the raw zone keeps the event ids the reply returned");
    }

    @Test
    void aUserIdLongerThanTheKinesisKeyLimitIsAcceptedAndKeepsItsUserId() {
        String marker = "long" + UUID.randomUUID().toString().substring(0, 6);
        String longUser = marker + "_" + "u".repeat(300);
        String[] lines = events(marker, 3).split("\n");
        String body = lines[0] + "\n" + lines[1].replaceFirst("\"user_id\":\"[^\"]*\"", "\"user_id\":\"" + longUser + "\"") + "\n"
                + lines[2].replaceFirst("\"user_id\":\"[^\"]*\"", "\"user_id\":\"" + longUser + "\"") + "\n";
        given().header("X-Api-Key", KEY).contentType("application/x-ndjson").body(body.getBytes(StandardCharsets.UTF_8))
                .when().post("/events")
                .then().statusCode(200).body("accepted", equalTo(3)).body("failed", equalTo(0));

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> rawLinesOf(marker).size() >= 3);
        List<LakeFiles.Line> longOnes = rawLinesOf(marker).stream().filter(l -> l.json().get("user_id").asText().equals(longUser)).toList();
        assertEquals(2, longOnes.size(), "the user_id is kept whole; only the partition key is derived");
        assertEquals(longOnes.get(0).json().get("shard_id").asText(), longOnes.get(1).json().get("shard_id").asText(),
                "a stable key: one user, one shard");
    }

    @Test
    void aSingleJsonObjectIsOneRecord() {
        given().header("X-Api-Key", KEY).contentType("application/json")
                .body("{\n \"timestamp\": \"2024-01-15T10:30:00Z\",\n \"user_id\": \"single\",\n \"event_type\": \"click\"\n}")
                .when().post("/events")
                .then().statusCode(200).body("accepted", equalTo(1));
    }

    @Test
    void badRecordsOnTheStreamLandInTheErrorsZoneWithTheirReasons() {
        String marker = "bad" + UUID.randomUUID().toString().substring(0, 6);
        try (KinesisClient kinesis = StandIns.kinesisClient(kinesisEndpoint)) {
            kinesis.putRecord(b -> b.streamName(stream).partitionKey(marker).data(SdkBytes.fromUtf8String("not json " + marker)));
            kinesis.putRecord(b -> b.streamName(stream).partitionKey(marker)
                    .data(SdkBytes.fromByteArray(("{\"user_id\":\"" + marker + "\",\"x\":\"\u00e9").getBytes(StandardCharsets.ISO_8859_1))));
            kinesis.putRecord(b -> b.streamName(stream).partitionKey(marker)
                    .data(SdkBytes.fromUtf8String("{\"timestamp\":\"2024-01-15T10:30:00Z\",\"event_type\":\"x\",\"note\":\"" + marker + "\"}")));
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> errorsOf(marker).size() >= 2);
        List<LakeFiles.Line> errors = errorsOf(marker);
        Set<String> reasons = new HashSet<>();
        errors.forEach(l -> reasons.add(l.json().get("reason").asText()));
        assertEquals(Set.of("NOT_JSON", "MISSING_FIELD"), reasons);
        errors.forEach(l -> assertTrue(l.key().matches("errors/events/dt=\\d{4}-\\d{2}-\\d{2}/shardId-\\d+-\\d+-\\d+\\.json\\.gz"), l.key()));
        await().atMost(Duration.ofSeconds(30)).until(() -> LakeFiles.lines(basedir, errorsBucket, "errors/events").stream()
                .anyMatch(l -> l.json().get("reason").asText().equals("INVALID_UTF8")
                        && new String(java.util.Base64.getDecoder().decode(l.json().get("payload").asText()), StandardCharsets.ISO_8859_1).contains(marker)));
    }

    List<LakeFiles.Line> errorsOf(String marker) {
        return LakeFiles.lines(basedir, errorsBucket, "errors/events").stream()
                .filter(l -> l.json().get("payload").asText().contains(marker)).toList();
    }

    @Test
    void missingOrWrongApiKeyGets401() {
        given().body("{}").when().post("/events").then().statusCode(401).body("error", containsString("X-Api-Key"));
        given().header("X-Api-Key", "nope").body("{}").when().post("/events").then().statusCode(401);
    }

    @Test
    void formPostsGet415WithTheAcceptedTypes() {
        given().header("X-Api-Key", KEY).contentType("application/x-www-form-urlencoded").body("{\"a\":1}")
                .when().post("/events").then().statusCode(415).body("error", containsString("application/x-ndjson"));
    }

    @Test
    void emptyBodyGets400() {
        given().header("X-Api-Key", KEY).body("  \n").when().post("/events").then().statusCode(400);
    }

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void bodyOverTheLimitGets413() throws Exception {
        // Expect: 100-continue lets the server refuse on Content-Length before the 11 MiB body is sent
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/events"))
                .header("X-Api-Key", KEY).expectContinue(true)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[11 * 1024 * 1024])).build();
        var response = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build().send(request, java.net.http.HttpResponse.BodyHandlers.discarding());
        assertEquals(413, response.statusCode());
    }

    @Test
    void metricsAndReadinessAreExposed() {
        given().header("X-Api-Key", KEY).body(events("met", 5)).when().post("/events").then().statusCode(200);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("tributary_records_received_total"))
                .body(containsString("tributary_batches_flushed_total{zone=\"raw\"}"))
                .body(containsString("tributary_shard_behind_ms"))
                .body(containsString("tributary_checkpoint_lag_records")));
        given().when().get("/q/health/ready").then().statusCode(200).body(containsString("kinesis"));
    }
}
