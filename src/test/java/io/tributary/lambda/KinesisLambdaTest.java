package io.tributary.lambda;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

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
import io.restassured.response.Response;
import io.tributary.batch.ShardPosition;
import io.tributary.checkpoint.CheckpointStore;
import io.tributary.local.EventSourceMappingStandIn;
import io.tributary.local.LakeFiles;
import io.tributary.local.LambdaRuntimeStandInResource;
import io.tributary.local.S3StandInResource;
import io.tributary.local.TerraformDefaults;

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
    @Inject
    CheckpointStore watermarks;

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

    /** The event source mapping's retries as deployed: the root Terraform default (-1: until the record expires). */
    static int deployedRetryAttempts() {
        return (int) TerraformDefaults.number("terraform/variables.tf", "lambda_maximum_retry_attempts");
    }

    /** One record of a Kinesis event, as the event source mapping sends it. */
    static ObjectNode record(String shard, long index, String payload, Instant arrival) {
        return record(shard, index, payload.getBytes(StandardCharsets.UTF_8), arrival);
    }

    static ObjectNode record(String shard, long index, byte[] payload, Instant arrival) {
        String seq = new BigInteger("49590338271490256608559692538361571095921575989136000000")
                .add(BigInteger.valueOf(Long.parseLong(shard.substring(shard.indexOf('-') + 1)) * 1_000 + index)).toString();
        ObjectNode r = JSON.createObjectNode();
        ObjectNode k = r.putObject("kinesis");
        k.put("kinesisSchemaVersion", "1.0");
        k.put("partitionKey", "pk-" + index);
        k.put("sequenceNumber", seq);
        k.put("data", Base64.getEncoder().encodeToString(payload));
        k.put("approximateArrivalTimestamp", BigDecimal.valueOf(arrival.toEpochMilli(), 3));
        r.put("eventSource", "aws:kinesis");
        r.put("eventID", shard + ":" + seq);
        r.put("eventName", "aws:kinesis:record");
        r.put("eventSourceARN", "arn:aws:kinesis:us-east-1:000000000000:stream/tributary-events");
        return r;
    }

    static String valid(String user) {
        return "{\"timestamp\":\"2024-11-25T10:00:00Z\",\"user_id\":\"" + user + "\",\"event_type\":\"page_view\"}";
    }

    static String seq(ObjectNode record) {
        return record.get("kinesis").get("sequenceNumber").asText();
    }

    /** Invokes the function through the mock event server, as the event source mapping would. */
    static EventSourceMappingStandIn.Reply invoke(ObjectNode event) {
        Response r = given().contentType("application/json").body(event.toString()).when().post("/");
        try {
            return new EventSourceMappingStandIn.Reply(r.statusCode(), JSON.readTree(r.asString()));
        } catch (IOException e) {
            throw new AssertionError("unreadable reply: " + r.asString(), e);
        }
    }

    static List<String> itemFailures(EventSourceMappingStandIn.Invocation i) {
        List<String> out = new ArrayList<>();
        i.reply().body().path("batchItemFailures").forEach(f -> out.add(f.get("itemIdentifier").asText()));
        return out;
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
    void aKplAggregatedRecordIsDeaggregatedIntoOneEventPerUserRecord() {
        String shard = "shardId-000000000014";
        Instant at = Instant.parse("2024-11-25T14:00:00Z");
        byte[] aggregate = io.tributary.ingest.KplAggregate.ofText("user123", List.of(valid("kpl_0"), valid("kpl_1"), valid("kpl_2")));
        byte[] corrupt = aggregate.clone();
        corrupt[corrupt.length - 1] ^= 1;
        List<ObjectNode> records = List.of(record(shard, 0, aggregate, at), record(shard, 1, corrupt, at.plusSeconds(1)),
                record(shard, 2, valid("kpl_plain"), at.plusSeconds(2)));
        EventSourceMappingStandIn mapping = new EventSourceMappingStandIn(deployedRetryAttempts(), 100, 5);
        mapping.drain(records, KinesisLambdaTest::invoke);

        assertEquals(List.of(), itemFailures(mapping.invocations().get(0)));
        List<LakeFiles.Line> raw = raw(shard);
        assertEquals(4, raw.size(), "three user records and the plain record");
        assertEquals(Set.of("kpl_0", "kpl_1", "kpl_2"), raw.stream().filter(l -> l.json().get("sequence_number").asText().equals(seq(records.get(0))))
                .map(l -> l.json().get("user_id").asText()).collect(Collectors.toSet()), "lineage: the Kinesis sequence number");
        assertEquals(4, raw.stream().map(l -> l.json().get("event_id").asText()).distinct().count(), "distinct derived event ids");
        List<LakeFiles.Line> errors = errors(shard);
        assertEquals(Set.of(seq(records.get(1))), seqs(errors), "the corrupt aggregate kept whole");
        assertEquals("BAD_AGGREGATE", errors.get(0).json().get("reason").asText());
        assertEquals("base64", errors.get(0).json().get("payload_encoding").asText());
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
        assertEquals(seq.get(2), watermarks.loadPosition("shardId-000000000002").sequenceNumber(),
                "the shard's published watermark stops at the last durable record");

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
        ShardPosition published = watermarks.loadPosition("shardId-000000000002");
        assertEquals(seq.get(5), published.sequenceNumber());
        assertEquals(Instant.ofEpochMilli(1732532410005L), published.arrival(), "with its arrival time, for hour sealing");
    }

    @Test
    void aWatermarkThatCannotBePublishedIsReportedAsAFailureSoTheRecordComesBack() {
        String shard = "shardId-000000000015";
        Instant at = Instant.parse("2024-11-25T15:00:00Z");
        List<ObjectNode> records = List.of(record(shard, 0, valid("wm_0"), at), record(shard, 1, valid("wm_1"), at.plusSeconds(1)));
        ArrayNode batch = JSON.createArrayNode();
        records.forEach(batch::add);
        S3Faults.failPuts(key -> key.contains("_checkpoints/") && key.endsWith(shard));
        Response r = given().contentType("application/json").body(JSON.createObjectNode().set("Records", batch).toString()).when().post("/");
        r.then().statusCode(200).body("batchItemFailures", hasSize(1)).body("batchItemFailures[0].itemIdentifier", equalTo(seq(records.get(1))));
        assertEquals(Set.of(seq(records.get(0)), seq(records.get(1))), seqs(raw(shard)), "the records are durable all the same");
        assertNull(watermarks.loadPosition(shard));
        S3Faults.clear();
        ArrayNode retry = JSON.createArrayNode().add(records.get(1));
        given().contentType("application/json").body(JSON.createObjectNode().set("Records", retry).toString()).when().post("/")
                .then().statusCode(200).body("batchItemFailures", empty());
        assertEquals(seq(records.get(1)), watermarks.loadPosition(shard).sequenceNumber(), "published by the retry");
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

    /** Longer than the old settings allowed: 1 invocation + 10 retries, then the mapping skipped the range. */
    static final int OUTAGE_INVOCATIONS = 12;

    @Test
    void s3OutageIsRetriedUntilS3RecoversAndNoRecordIsSkippedOrWrittenTwice() {
        String shard = "shardId-000000000010";
        Instant hour10 = Instant.parse("2024-11-25T10:59:57Z");
        List<ObjectNode> records = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            // records 0-2 arrive in hour 10, 3-5 in hour 11: the hour-10 object is written, the hour-11 one meets the outage
            records.add(record(shard, i, valid("outage_" + i), hour10.plusSeconds(i)));
        }
        S3Faults.failPuts(key -> key.contains("/hour=11/" + shard + "-"));
        AtomicInteger calls = new AtomicInteger();
        EventSourceMappingStandIn mapping = new EventSourceMappingStandIn(deployedRetryAttempts(), 100, 40);
        mapping.drain(records, event -> {
            if (calls.incrementAndGet() > OUTAGE_INVOCATIONS) {
                S3Faults.clear();
            }
            return invoke(event);
        });

        assertEquals(List.of(), mapping.skipped(), "no range skipped: the mapping retried until S3 was back");
        List<EventSourceMappingStandIn.Invocation> invocations = mapping.invocations();
        assertEquals(OUTAGE_INVOCATIONS + 1, invocations.size());
        for (EventSourceMappingStandIn.Invocation i : invocations.subList(0, OUTAGE_INVOCATIONS)) {
            assertEquals(200, i.reply().status(), "a failed S3 write is a partial batch response, not a function error");
            assertEquals(List.of(seq(records.get(3))), itemFailures(i), "every retry reports the first record not in S3");
        }
        assertEquals(List.of(), itemFailures(invocations.get(OUTAGE_INVOCATIONS)));

        List<LakeFiles.Line> lines = raw(shard);
        assertEquals(records.stream().map(KinesisLambdaTest::seq).collect(Collectors.toSet()), seqs(lines), "nothing lost");
        assertEquals(6, lines.size(), "every record once");
        Map<String, Long> perKey = lines.stream().collect(Collectors.groupingBy(LakeFiles.Line::key, Collectors.counting()));
        assertEquals(2, perKey.size(), "one object per arrival hour: " + perKey.keySet());
        assertEquals(Set.of(3L), Set.copyOf(perKey.values()), "each object holds its three records once");
    }

    @Test
    void aRecordWithAnOutOfRangeYearGoesToTheErrorsZoneAndTheShardMovesOn() {
        String shard = "shardId-000000000011";
        Instant at = Instant.parse("2024-11-25T12:00:00Z");
        String poison = "{\"event_id\":\"x\",\"user_id\":\"u\",\"event_type\":\"view\",\"timestamp\":\"+999999999-01-01T00:00:00Z\"}";
        List<ObjectNode> records = List.of(record(shard, 0, valid("year_0"), at), record(shard, 1, poison, at.plusSeconds(1)),
                record(shard, 2, valid("year_2"), at.plusSeconds(2)), record(shard, 3, valid("year_3"), at.plusSeconds(3)));
        EventSourceMappingStandIn mapping = new EventSourceMappingStandIn(deployedRetryAttempts(), 100, 5);
        mapping.drain(records, KinesisLambdaTest::invoke);

        assertEquals(1, mapping.invocations().size(), "one invocation: the bad record does not hold the shard back");
        assertEquals(List.of(), itemFailures(mapping.invocations().get(0)));
        assertEquals(Set.of(seq(records.get(0)), seq(records.get(2)), seq(records.get(3))), seqs(raw(shard)));
        List<LakeFiles.Line> errors = errors(shard);
        assertEquals(Set.of(seq(records.get(1))), seqs(errors));
        JsonNode quarantined = errors.get(0).json();
        assertTrue(Set.of("BAD_TIMESTAMP", "PROCESSING_FAILED").contains(quarantined.get("reason").asText()), quarantined.toString());
        assertEquals(poison, quarantined.get("payload").asText(), "the original payload is kept");
    }

    @Test
    void aRecordWhoseProcessingFailsUnexpectedlyIsQuarantinedAndDoesNotBlockItsShard() {
        String shard = "shardId-000000000012";
        Instant at = Instant.parse("2024-11-25T13:00:00Z");
        String faulty = "{\"timestamp\":\"2024-11-25T10:00:00Z\",\"user_id\":\"u\",\"event_type\":\"view\",\"note\":\""
                + ProcessingFaults.MARKER + "\"}";
        List<ObjectNode> records = List.of(record(shard, 0, valid("fault_0"), at), record(shard, 1, faulty, at.plusSeconds(1)),
                record(shard, 2, valid("fault_2"), at.plusSeconds(2)), record(shard, 3, valid("fault_3"), at.plusSeconds(3)));
        EventSourceMappingStandIn mapping = new EventSourceMappingStandIn(deployedRetryAttempts(), 100, 5);
        mapping.drain(records, KinesisLambdaTest::invoke);

        assertEquals(1, mapping.invocations().size(), "one invocation: the failing record does not hold the shard back");
        assertEquals(List.of(), itemFailures(mapping.invocations().get(0)));
        assertEquals(Set.of(seq(records.get(0)), seq(records.get(2)), seq(records.get(3))), seqs(raw(shard)));
        List<LakeFiles.Line> errors = errors(shard);
        assertEquals(Set.of(seq(records.get(1))), seqs(errors));
        JsonNode quarantined = errors.get(0).json();
        assertEquals("PROCESSING_FAILED", quarantined.get("reason").asText());
        assertTrue(quarantined.get("message").asText().contains("java.lang.IllegalStateException"), quarantined.toString());
        assertEquals(faulty, quarantined.get("payload").asText(), "the original payload is kept");
    }

    @Test
    void aQuarantineTheErrorsZoneCannotTakeIsRetriedNotSkipped() {
        String shard = "shardId-000000000013";
        Instant at = Instant.parse("2024-11-25T14:00:00Z");
        String faulty = "{\"note\":\"" + ProcessingFaults.MARKER + "\"}";
        List<ObjectNode> records = List.of(record(shard, 0, valid("q_0"), at), record(shard, 1, faulty, at.plusSeconds(1)),
                record(shard, 2, valid("q_2"), at.plusSeconds(2)));
        S3Faults.failPuts(key -> key.startsWith("errors/") && key.contains("/" + shard + "-"));
        AtomicInteger calls = new AtomicInteger();
        EventSourceMappingStandIn mapping = new EventSourceMappingStandIn(deployedRetryAttempts(), 100, 10);
        mapping.drain(records, event -> {
            if (calls.incrementAndGet() > 2) {
                S3Faults.clear();
            }
            return invoke(event);
        });

        assertEquals(List.of(), mapping.skipped());
        assertEquals(List.of(seq(records.get(1))), itemFailures(mapping.invocations().get(0)), "retry from the quarantined record");
        assertEquals(Set.of(seq(records.get(0)), seq(records.get(2))), seqs(raw(shard)));
        assertEquals(Set.of(seq(records.get(1))), seqs(errors(shard)));
        assertEquals(1, errors(shard).size());
    }

    @Test
    void anUnreadableEventFailsTheInvocation() {
        given().contentType("application/json").body("{\"Records\":[{\"eventID\":\"no-shard\"}]}")
                .when().post("/")
                .then().statusCode(500).body("errorType", equalTo("java.lang.IllegalArgumentException"));
    }
}
