package io.tributary.lambda;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.restassured.RestAssured;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.tributary.local.LakeFiles;
import io.tributary.local.LambdaRuntimeStandInResource;
import io.tributary.local.S3StandInResource;

/**
 * Lambda mode end to end: Kinesis events posted to the Lambda mock event server, polled by the function's runtime loop,
 * through the same ingest core into the S3 stand-in. Each test uses its own shard, so their objects never meet.
 */
@QuarkusTest
@TestProfile(LambdaTestProfile.class)
@QuarkusTestResource(S3StandInResource.class)
@QuarkusTestResource(LambdaRuntimeStandInResource.class)
class KinesisLambdaTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "test.lambda.events-url")
    String events;
    @ConfigProperty(name = "test.s3-basedir")
    Path basedir;
    @ConfigProperty(name = "tributary.lake.raw-bucket")
    String rawBucket;
    @ConfigProperty(name = "tributary.lake.errors-bucket")
    String errorsBucket;

    /** REST Assured talks to the mock event server: Lambda mode has no HTTP listener of its own. */
    @BeforeEach
    void toTheMockEventServer() {
        URI uri = URI.create(events);
        RestAssured.baseURI = "http://" + uri.getHost();
        RestAssured.port = uri.getPort();
    }

    @AfterEach
    void s3Back() {
        S3Faults.clear();
    }

    static ObjectNode event(String name) throws IOException {
        try (InputStream in = KinesisLambdaTest.class.getResourceAsStream("/lambda/" + name)) {
            return (ObjectNode) JSON.readTree(in);
        }
    }

    static List<String> sequenceNumbers(JsonNode event) {
        return event.get("Records").findValues("sequenceNumber").stream().map(JsonNode::asText).toList();
    }

    List<LakeFiles.Line> raw(String shard) {
        return LakeFiles.lines(basedir, rawBucket, "raw/events").stream().filter(l -> l.key().contains("/" + shard + "-")).toList();
    }

    List<LakeFiles.Line> errors(String shard) {
        return LakeFiles.lines(basedir, errorsBucket, "errors/events").stream().filter(l -> l.key().contains("/" + shard + "-")).toList();
    }

    static Set<String> seqs(List<LakeFiles.Line> lines) {
        return lines.stream().map(l -> l.json().get("sequence_number").asText()).collect(Collectors.toSet());
    }

    @Test
    void cleanBatchLandsInTheRawZoneWithNoFailures() throws IOException {
        ObjectNode event = event("kinesis-clean.json");
        given().contentType("application/json").body(event.toString())
                .when().post("/")
                .then().statusCode(200).body("batchItemFailures", empty());

        List<LakeFiles.Line> lines = raw("shardId-000000000000");
        assertEquals(Set.copyOf(sequenceNumbers(event)), seqs(lines), "every record durable before the invocation returned");
        assertEquals(5, lines.size());
        LakeFiles.Line first = lines.stream().filter(l -> l.json().get("user_id").asText().equals("clean_0")).findFirst().orElseThrow();
        assertEquals("2024-11-25T10:00:00.123Z", first.json().get("ingest_time").asText(), "arrival from approximateArrivalTimestamp");
        assertEquals("shardId-000000000000", first.json().get("shard_id").asText(), "shard from eventID");
        assertTrue(first.key().startsWith("raw/events/dt=2024-11-25/hour=10/shardId-000000000000-"), first.key());
    }

    @Test
    void poisonRecordsAreQuarantinedAndNeverFailTheBatch() throws IOException {
        ObjectNode event = event("kinesis-poison.json");
        given().contentType("application/json").body(event.toString())
                .when().post("/")
                .then().statusCode(200).body("batchItemFailures", empty());

        List<String> seq = sequenceNumbers(event);
        assertEquals(Set.of(seq.get(0), seq.get(3)), seqs(raw("shardId-000000000001")), "the good records in the raw zone");
        List<LakeFiles.Line> errors = errors("shardId-000000000001");
        assertEquals(Set.of(seq.get(1), seq.get(2), seq.get(4)), seqs(errors), "the bad ones quarantined");
        assertEquals(Set.of("NOT_JSON", "MISSING_FIELD", "INVALID_UTF8"),
                errors.stream().map(l -> l.json().get("reason").asText()).collect(Collectors.toSet()));
    }

    @Test
    void s3OutageReportsTheFirstUndurableRecordAndTheRetryLosesNothing() throws IOException {
        ObjectNode event = event("kinesis-outage.json");
        List<String> seq = sequenceNumbers(event);
        // records 0-2 arrive at 10:59, 3-5 at 11:00: the hour-10 object is written, the hour-11 one hits the outage
        S3Faults.failPuts(key -> key.contains("/hour=11/"));
        given().contentType("application/json").body(event.toString())
                .when().post("/")
                .then().statusCode(200)
                .body("batchItemFailures", hasSize(1))
                .body("batchItemFailures[0].itemIdentifier", equalTo(seq.get(3)));
        assertEquals(Set.copyOf(seq.subList(0, 3)), seqs(raw("shardId-000000000002")), "only the records before the failure are durable");

        // the event source mapping re-sends the shard from the reported record once S3 is back
        S3Faults.clear();
        ArrayNode retried = JSON.createArrayNode();
        event.get("Records").forEach(r -> {
            if (seq.indexOf(r.get("kinesis").get("sequenceNumber").asText()) >= 3) {
                retried.add(r);
            }
        });
        ObjectNode retry = JSON.createObjectNode().set("Records", retried);
        given().contentType("application/json").body(retry.toString())
                .when().post("/")
                .then().statusCode(200).body("batchItemFailures", empty());

        List<LakeFiles.Line> lines = raw("shardId-000000000002");
        assertEquals(Set.copyOf(seq), seqs(lines), "nothing lost");
        assertEquals(6, lines.size(), "nothing written twice");
    }

    @Test
    void anOutageOfTheErrorsZoneFailsFromTheQuarantinedRecord() throws IOException {
        ObjectNode event = event("kinesis-poison.json");
        List<String> seq = sequenceNumbers(event);
        // renumber the shard so this test's objects do not meet the poison test's
        event.get("Records").forEach(r -> ((ObjectNode) r).put("eventID",
                r.get("eventID").asText().replace("shardId-000000000001", "shardId-000000000009")));
        S3Faults.failPuts(key -> key.startsWith("errors/"));
        given().contentType("application/json").body(event.toString())
                .when().post("/")
                .then().statusCode(200)
                .body("batchItemFailures", hasSize(1))
                .body("batchItemFailures[0].itemIdentifier", equalTo(seq.get(1)));
    }

    @Test
    void anUnreadableEventFailsTheInvocation() {
        given().contentType("application/json").body("{\"Records\":[{\"eventID\":\"no-shard\"}]}")
                .when().post("/")
                .then().statusCode(500).body("errorType", equalTo("java.lang.IllegalArgumentException"));
    }
}
