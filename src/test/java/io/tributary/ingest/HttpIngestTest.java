package io.tributary.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.event.EventContract;
import io.tributary.event.EventPolicy;
import io.tributary.event.EventProcessor;
import io.tributary.event.RecordMeta;
import io.tributary.event.RoutedRecord;
import io.tributary.event.Zone;
import io.tributary.local.TypedConfig;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/** POST /events logic without HTTP: one result per record, the consumer's verdict, Kinesis' limits, assigned event ids. */
class HttpIngestTest {

    static final String KEY = "k";
    static final ObjectMapper JSON = new ObjectMapper();
    static final String NOW = Instant.now().toString();

    final EventProcessor processor = new EventProcessor(EventContract.load(), EventPolicy.defaults());
    final FakeKinesis kinesis = new FakeKinesis();

    HttpIngest ingest(Map<String, String> overrides) {
        Map<String, String> p = new HashMap<>(Map.of("tributary.ingest.retry-backoff", "1ms"));
        p.putAll(overrides);
        return new HttpIngest(processor, kinesis, TypedConfig.of(p), new SimpleMeterRegistry());
    }

    JsonNode post(HttpIngest ingest, int expectedStatus, byte[] body) throws Exception {
        IngestReply reply = ingest.handle(KEY, "application/json", body);
        assertEquals(expectedStatus, reply.getStatus(), reply.getJson().length() > 2000 ? reply.getJson().substring(0, 2000) : reply.getJson());
        return JSON.readTree(reply.getJson());
    }

    JsonNode post(int expectedStatus, String body) throws Exception {
        return post(ingest(Map.of()), expectedStatus, body.getBytes(StandardCharsets.UTF_8));
    }

    static String event(String userId) {
        return "{\"timestamp\":\"" + NOW + "\",\"user_id\":\"" + userId + "\",\"event_type\":\"click\"}";
    }

    static String eventWithId(String userId, String eventIdJson) {
        return "{\"event_id\":" + eventIdJson + ",\"timestamp\":\"" + NOW + "\",\"user_id\":\"" + userId + "\",\"event_type\":\"click\"}";
    }

    static String statuses(JsonNode reply) {
        List<String> s = new ArrayList<>();
        reply.get("results").forEach(r -> s.add(r.get("status").asText() + (r.has("reason") ? ":" + r.get("reason").asText() : "")));
        return String.join(",", s);
    }

    static void assertIndexesInOrder(JsonNode reply, int n) {
        assertEquals(n, reply.get("results").size(), "one result per record");
        for (int i = 0; i < n; i++) {
            assertEquals(i, reply.get("results").get(i).get("index").asInt());
        }
    }

    @Test
    void anOversizeElementOfAnArrayGetsItsOwnTooLargeResultAndTheOthersAreAccepted() throws Exception {
        String head = "{\"timestamp\":\"" + NOW + "\",\"user_id\":\"big\",\"event_type\":\"click\",\"data\":{";
        String bigValue = head + "\"note\":\"" + "x".repeat(FakeKinesis.MIB + 100) + "\"}}";
        // a name this long is also over Jackson's default limits, which made the whole array unreadable
        String bigName = head + "\"" + "n".repeat(FakeKinesis.MIB + 100) + "\":1}}";
        JsonNode reply = post(200, "[" + event("a") + ",\n" + bigValue + " , " + event("b") + "," + bigName + "," + event("c") + "]");
        assertIndexesInOrder(reply, 5);
        assertEquals("accepted,rejected:TOO_LARGE,accepted,rejected:TOO_LARGE,accepted", statuses(reply));
        assertTrue(reply.get("results").get(1).get("message").asText().contains("over the limit of 1048576"));
        assertEquals(3, reply.get("accepted").asInt());
        assertEquals(2, reply.get("rejected").asInt());
        assertEquals(3, kinesis.stored.size());
    }

    @Test
    void everyElementOfAnArrayGetsOneResultWhateverIsWrongWithIt() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("[" + event("a") + ",").getBytes(StandardCharsets.UTF_8));
        body.writeBytes("{\"user_id\":\"latin1 \u00e9\"},".getBytes(StandardCharsets.ISO_8859_1));
        body.writeBytes(("{\"timestamp\":,\"user_id\":\"x\"}, 42, \"text, with [brackets]\", , {\"deep\":"
                + "[".repeat(2000) + "]".repeat(2000) + "}, " + event("b") + "]").getBytes(StandardCharsets.UTF_8));
        JsonNode reply = post(ingest(Map.of()), 200, body.toByteArray());
        assertIndexesInOrder(reply, 8);
        assertEquals("accepted,rejected:INVALID_UTF8,rejected:NOT_JSON,rejected:NOT_OBJECT,rejected:NOT_OBJECT,"
                + "rejected:NOT_JSON,rejected:TOO_DEEP,accepted", statuses(reply));
    }

    @Test
    void ndjsonLinesAndASinglePrettyPrintedObjectAreRecords() throws Exception {
        JsonNode lines = post(200, event("a") + "\r\n\n{not json\n" + event("b") + "\n");
        assertEquals("accepted,rejected:NOT_JSON,accepted", statuses(lines));
        JsonNode single = post(200, event("c").replace(",", ",\n  "));
        assertEquals("accepted", statuses(single));
    }

    @Test
    void bodiesWithoutRecordsAreRefusedAsAWhole() throws Exception {
        assertTrue(post(400, " \n ").get("error").asText().contains("no records"));
        assertTrue(post(400, "[ ]").get("error").asText().contains("no records"));
        assertTrue(post(400, "[" + event("a") + ", {\"a\":\"unclosed]").get("error").asText().contains("not closed"));
        assertTrue(post(400, "[" + event("a") + "] {}").get("error").asText().contains("after the JSON array"));
        assertTrue(kinesis.calls.isEmpty());
    }

    @Test
    void aRecordTheConsumerWouldRejectIsNeverAccepted() throws Exception {
        // 32 x U+0130 is 64 bytes of UTF-8 and passes validation; lower-cased it is 96 bytes, which enrichment refuses
        String eventType = "\u0130".repeat(32);
        JsonNode reply = post(200, "[" + event("a").replace("\"click\"", "\"" + eventType + "\"") + "," + event("b") + "]");
        assertEquals("rejected:TOO_LONG,accepted", statuses(reply));
        assertEquals(1, kinesis.stored.size());
    }

    @Test
    void aUserIdLongerThanTheKinesisKeyLimitGetsAStableDerivedPartitionKey() throws Exception {
        String longUser = "u".repeat(300);
        JsonNode reply = post(200, event("a") + "\n" + event(longUser) + "\n" + event(longUser) + "\n" + event("b") + "\n");
        assertEquals("accepted,accepted,accepted,accepted", statuses(reply));
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(longUser.getBytes(StandardCharsets.UTF_8)));
        List<String> keys = kinesis.stored.stream().map(PutRecordsRequestEntry::partitionKey).toList();
        assertEquals(List.of("a", expected, expected, "b"), keys);
        assertTrue(kinesis.stored.get(1).data().asUtf8String().contains(longUser), "the record keeps its user_id");
        assertEquals(1, kinesis.calls.size(), "no failed call, no retry");
    }

    @Test
    void aRecordOverKinesisLimitWithItsKeyIsTooLargeAlone() throws Exception {
        // exactly max-record-bytes (the consumer would take it), but data + partition key is over Kinesis' 1 MiB
        String head = "{\"event_id\":\"e1\",\"timestamp\":\"" + NOW + "\",\"user_id\":\"edge\",\"event_type\":\"click\",\"data\":{\"note\":\"";
        String tail = "\"}}";
        String edge = head + "x".repeat(FakeKinesis.MIB - head.length() - tail.length()) + tail;
        assertEquals(FakeKinesis.MIB, edge.length());
        JsonNode reply = post(200, "[" + event("a") + "," + edge + "," + event("b") + "]");
        assertEquals("accepted,rejected:TOO_LARGE,accepted", statuses(reply));
        assertTrue(reply.get("results").get(1).get("message").asText().contains("partition key"));
        assertEquals(2, kinesis.stored.size());
    }

    @Test
    void anEventIdIsAssignedBeforeSendingWrittenIntoTheRecordAndReturned() throws Exception {
        JsonNode reply = post(200, "[" + event("a") + "," + eventWithId("b", "\"producer-id\"") + "," + eventWithId("c", "null")
                + "," + eventWithId("d", "\"  \"") + "]");
        assertEquals("accepted,accepted,accepted,accepted", statuses(reply));
        JsonNode results = reply.get("results");
        assertEquals("producer-id", results.get(1).get("event_id").asText());
        for (int i : new int[] {0, 2, 3}) {
            String id = results.get(i).get("event_id").asText();
            assertEquals(id, UUID.fromString(id).toString(), "a random UUID for record " + i);
        }
        assertNotEquals(results.get(0).get("event_id"), results.get(2).get("event_id"));
        for (int i = 0; i < 4; i++) {
            // the consumer reads the same id back from what was sent: it keeps it instead of deriving one
            byte[] sent = kinesis.stored.get(i).data().asByteArray();
            RoutedRecord raw = processor.process(sent, new RecordMeta("s", "shardId-000000000000", "1", Instant.now()));
            assertEquals(Zone.RAW, raw.zone(), new String(sent, StandardCharsets.UTF_8));
            assertEquals(results.get(i).get("event_id").asText(), JSON.readTree(raw.line()).get("event_id").asText());
        }
    }

    @Test
    void aThrottledRecordIsResentWithTheEventIdItWasFirstSentWith() throws Exception {
        kinesis.entryError = (data, call) -> call == 1 && data.contains("\"slow\"") ? "ProvisionedThroughputExceededException" : null;
        JsonNode reply = post(200, event("a") + "\n" + event("slow") + "\n");
        assertEquals("accepted,accepted", statuses(reply));
        String first = kinesis.calls.get(0).get(1).data().asUtf8String();
        String resent = kinesis.calls.get(1).get(0).data().asUtf8String();
        assertEquals(first, resent);
        assertTrue(resent.contains(reply.get("results").get(1).get("event_id").asText()));
    }

    @Test
    void recordsThatKinesisKeepsRefusingAreFailedWithTheirEventIdAnd503() throws Exception {
        kinesis.entryError = (data, call) -> data.contains("\"slow\"") ? "ProvisionedThroughputExceededException" : null;
        JsonNode reply = post(ingest(Map.of()), 503, (event("a") + "\n" + event("slow") + "\n").getBytes(StandardCharsets.UTF_8));
        assertEquals("accepted,failed:ProvisionedThroughputExceededException", statuses(reply));
        assertFalse(reply.get("results").get(1).get("event_id").asText().isEmpty(), "a resend can reuse the id");
    }

    @Test
    void moreRecordsThanTheLimitGet413NamingTheLimit() throws Exception {
        HttpIngest small = ingest(Map.of("tributary.ingest.max-records-per-request", "3"));
        String four = event("a") + "\n" + event("b") + "\n" + event("c") + "\n" + event("d") + "\n";
        JsonNode reply = post(small, 413, four.getBytes(StandardCharsets.UTF_8));
        assertTrue(reply.get("error").asText().contains("3"), reply.toString());
        assertTrue(reply.get("error").asText().contains("tributary.ingest.max-records-per-request"), reply.toString());
        post(small, 413, ("[" + event("a") + "," + event("b") + "," + event("c") + "," + event("d") + "]").getBytes(StandardCharsets.UTF_8));
        post(small, 200, ("[" + event("a") + "," + event("b") + "," + event("c") + "]").getBytes(StandardCharsets.UTF_8));
        assertEquals(3, kinesis.stored.size(), "nothing of a refused request is sent");
    }

    @Test
    void tenMebibytesOfEmptyObjectsGet413WithoutProcessingThem() throws Exception {
        byte[] body = "{}\n".repeat(10 * FakeKinesis.MIB / 3).getBytes(StandardCharsets.UTF_8);
        HttpIngest ingest = ingest(Map.of());
        // a generous guard, not a timing test: before the limit this took minutes and gigabytes
        JsonNode reply = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> post(ingest, 413, body));
        assertTrue(reply.get("error").asText().contains("10000"));
        assertTrue(kinesis.calls.isEmpty());
    }

    @Test
    void aRecordKinesisRefusesIsRejectedAloneAndTheOthersAreStoredOnce() throws Exception {
        // a whole-call refusal caused by one record (here: a stand-in rule; in practice a limit Kinesis adds later)
        kinesis.callError = call -> kinesis.calls.get(call - 1).stream().anyMatch(e -> e.data().asUtf8String().contains("poison"))
                ? FakeKinesis.serviceError(400, "ValidationException", "record 'poison' is refused") : null;
        JsonNode reply = post(200, event("a") + "\n" + event("poison") + "\n" + event("b") + "\n" + event("c") + "\n");
        assertEquals("accepted,rejected:ValidationException,accepted,accepted", statuses(reply));
        assertTrue(reply.get("results").get(1).get("message").asText().contains("refused"));
        assertEquals(3, kinesis.stored.size());
        assertEquals(1, kinesis.storedCount("\"a\""));
    }
}
