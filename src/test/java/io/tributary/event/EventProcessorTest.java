package io.tributary.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class EventProcessorTest {

    static final EventContract CONTRACT = EventContract.load();
    static final EventProcessor PROCESSOR = new EventProcessor(CONTRACT, EventPolicy.defaults());
    static final Instant ARRIVAL = Instant.parse("2024-01-15T10:30:02.123Z");
    static final RecordMeta META = new RecordMeta("events", "shardId-000000000001", "49590338271490256608559692538361571095921575989136588898", ARRIVAL);
    static final ObjectMapper JSON = new ObjectMapper();

    static final String SEED = """
            {"timestamp":"2024-01-15T10:30:00Z","user_id":"user_123","event_type":"Page_View",
             "data":{"page_url":"https://Shop.Example.com:443/products/123?ref=x#top","product_id":"prod_123","category":"electronics",
                     "session_id":"sess_abc","device_type":"iPhone","location":{"country":"usa","city":"New York"}}}""";

    static JsonNode line(RoutedRecord r) throws Exception {
        return JSON.readTree(r.line());
    }

    @Test
    void seedEventIsEnrichedWithIdsTimesPartitionsLineageAndNormalisedFields() throws Exception {
        RoutedRecord r = PROCESSOR.process(SEED.getBytes(StandardCharsets.UTF_8), META);
        assertEquals(Zone.RAW, r.zone());
        assertNull(r.reason());
        assertEquals("dt=2024-01-15/hour=10", r.partition());
        JsonNode e = line(r);
        assertEquals(EventProcessor.derivedEventId(META), e.get("event_id").asText());
        assertEquals("page_view", e.get("event_type").asText());
        assertEquals("user_123", e.get("user_id").asText());
        assertEquals("2024-01-15T10:30:00Z", e.get("timestamp").asText());
        assertEquals("2024-01-15T10:30:00.000Z", e.get("event_time").asText());
        assertEquals("2024-01-15T10:30:02.123Z", e.get("ingest_time").asText());
        assertEquals("2024-01-15", e.get("event_date").asText());
        assertEquals(10, e.get("event_hour").asInt());
        assertTrue(e.get("time_flag").isNull());
        assertEquals("shop.example.com", e.get("page_host").asText());
        assertEquals("/products/123", e.get("page_path").asText());
        assertEquals("mobile", e.get("device_type").asText());
        assertEquals("US", e.get("country").asText());
        assertEquals("New York", e.get("city").asText());
        assertEquals(META.shardId(), e.get("shard_id").asText());
        assertEquals(META.sequenceNumber(), e.get("sequence_number").asText());
    }

    @Test
    void rawLineHasExactlyTheContractsRawColumnsInOrder() throws Exception {
        JsonNode e = line(PROCESSOR.process(SEED.getBytes(StandardCharsets.UTF_8), META));
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = e.fieldNames(); it.hasNext();) {
            names.add(it.next());
        }
        assertEquals(CONTRACT.columnNames("raw"), names);
    }

    @Test
    void producerEventIdIsKeptAndDerivedIdIsDeterministic() throws Exception {
        String withId = SEED.replace("{\"timestamp\"", "{\"event_id\":\"evt-42\",\"timestamp\"");
        assertEquals("evt-42", line(PROCESSOR.process(withId.getBytes(StandardCharsets.UTF_8), META)).get("event_id").asText());
        RecordMeta other = new RecordMeta("events", META.shardId(), "4959", ARRIVAL);
        assertEquals(EventProcessor.derivedEventId(META), EventProcessor.derivedEventId(
                new RecordMeta("events", META.shardId(), META.sequenceNumber(), Instant.EPOCH)));
        assertFalse(EventProcessor.derivedEventId(META).equals(EventProcessor.derivedEventId(other)));
    }

    @Test
    void userRecordsOfOneKinesisRecordGetDistinctDerivedIdsNamedBySubSequenceNumber() {
        RecordMeta first = META.sub(0);
        RecordMeta second = META.sub(1);
        assertEquals(java.util.UUID.nameUUIDFromBytes((META.stream() + "/" + META.shardId() + "/" + META.sequenceNumber() + "/1")
                .getBytes(StandardCharsets.UTF_8)).toString(), EventProcessor.derivedEventId(second));
        assertFalse(EventProcessor.derivedEventId(first).equals(EventProcessor.derivedEventId(second)));
        assertFalse(EventProcessor.derivedEventId(first).equals(EventProcessor.derivedEventId(META)));
        assertEquals(EventProcessor.derivedEventId(second), EventProcessor.derivedEventId(
                new RecordMeta(META.stream(), META.shardId(), META.sequenceNumber(), Instant.EPOCH, 1)), "stable across replays");
    }

    @Test
    void derivedEventIdIsTheNameBasedUuidOfStreamShardAndSequence() {
        assertEquals(java.util.UUID.nameUUIDFromBytes((META.stream() + "/" + META.shardId() + "/" + META.sequenceNumber())
                .getBytes(StandardCharsets.UTF_8)).toString(), EventProcessor.derivedEventId(META));
    }

    @Test
    void offsetTimestampIsConvertedToUtcAndPartitionedByEventTime() throws Exception {
        String s = SEED.replace("2024-01-15T10:30:00Z", "2024-01-15T08:59:59.5+01:00");
        JsonNode e = line(PROCESSOR.process(s.getBytes(StandardCharsets.UTF_8), META));
        assertEquals("2024-01-15T07:59:59.500Z", e.get("event_time").asText());
        assertEquals(7, e.get("event_hour").asInt());
    }

    @Test
    void lateEventLandsInItsArrivalPartitionWithAFlag() throws Exception {
        String s = SEED.replace("2024-01-15T10:30:00Z", "2023-12-01T00:00:00Z");
        JsonNode e = line(PROCESSOR.process(s.getBytes(StandardCharsets.UTF_8), META));
        assertEquals("late", e.get("time_flag").asText());
        assertEquals("2024-01-15", e.get("event_date").asText());
        assertEquals(10, e.get("event_hour").asInt());
        assertEquals("2023-12-01T00:00:00.000Z", e.get("event_time").asText());
    }

    @Test
    void futureEventLandsInItsArrivalPartitionWithAFlag() throws Exception {
        String s = SEED.replace("2024-01-15T10:30:00Z", "2024-01-15T12:00:00Z");
        JsonNode e = line(PROCESSOR.process(s.getBytes(StandardCharsets.UTF_8), META));
        assertEquals("future", e.get("time_flag").asText());
        assertEquals(10, e.get("event_hour").asInt());
    }

    @Test
    void eventWithinTheWindowKeepsItsEventHourAcrossMidnight() throws Exception {
        String s = SEED.replace("2024-01-15T10:30:00Z", "2024-01-14T23:59:00Z");
        JsonNode e = line(PROCESSOR.process(s.getBytes(StandardCharsets.UTF_8), META));
        assertTrue(e.get("time_flag").isNull());
        assertEquals("2024-01-14", e.get("event_date").asText());
        assertEquals(23, e.get("event_hour").asInt());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "NOT_JSON      | {\"timestamp\": ",
        "NOT_JSON      | {\"a\":1} trailing",
        "NOT_OBJECT    | [1,2,3]",
        "NOT_OBJECT    | \"just a string\"",
        "MISSING_FIELD | {\"timestamp\":\"2024-01-15T10:30:00Z\",\"event_type\":\"click\"}",
        "MISSING_FIELD | {\"timestamp\":\"2024-01-15T10:30:00Z\",\"user_id\":\"  \",\"event_type\":\"click\"}",
        "MISSING_FIELD | {\"timestamp\":null,\"user_id\":\"u\",\"event_type\":\"click\"}",
        "WRONG_TYPE    | {\"timestamp\":\"2024-01-15T10:30:00Z\",\"user_id\":42,\"event_type\":\"click\"}",
        "WRONG_TYPE    | {\"timestamp\":\"2024-01-15T10:30:00Z\",\"user_id\":\"u\",\"event_type\":\"click\",\"data\":[]}",
        "WRONG_TYPE    | {\"timestamp\":\"2024-01-15T10:30:00Z\",\"user_id\":\"u\",\"event_type\":\"click\",\"data\":{\"location\":{\"country\":1}}}",
        "BAD_TIMESTAMP | {\"timestamp\":\"yesterday\",\"user_id\":\"u\",\"event_type\":\"click\"}",
        "BAD_TIMESTAMP | {\"timestamp\":\"2024-02-30T10:00:00Z\",\"user_id\":\"u\",\"event_type\":\"click\"}",
        // years outside the contract's 1900-9999: five digits, far out (once an exception that lost the record), too early
        "BAD_TIMESTAMP | {\"timestamp\":\"+12345-01-01T00:00:00Z\",\"user_id\":\"u\",\"event_type\":\"click\"}",
        "BAD_TIMESTAMP | {\"timestamp\":\"+999999999-12-31T23:59:59-18:00\",\"user_id\":\"u\",\"event_type\":\"click\"}",
        "BAD_TIMESTAMP | {\"timestamp\":\"-0044-03-15T12:00:00Z\",\"user_id\":\"u\",\"event_type\":\"click\"}",
        "BAD_TIMESTAMP | {\"timestamp\":\"1899-12-31T23:59:59Z\",\"user_id\":\"u\",\"event_type\":\"click\"}",
        "BAD_TIMESTAMP | {\"timestamp\":\"9999-12-31T23:00:00-05:00\",\"user_id\":\"u\",\"event_type\":\"click\"}",
        // 22 euro signs are 66 bytes: over event_type's 64 (Redshift VARCHAR(64) counts bytes)
        "TOO_LONG      | {\"timestamp\":\"2024-01-15T10:30:00Z\",\"user_id\":\"u\",\"event_type\":\"€€€€€€€€€€€€€€€€€€€€€€\"}",
        "BAD_CHARACTER | {\"timestamp\":\"2024-01-15T10:30:00Z\",\"user_id\":\"u\",\"event_type\":\"\\u0001\"}",
        "BAD_CHARACTER | {\"timestamp\":\"2024-01-15T10:30:00Z\",\"user_id\":\"u\",\"event_type\":\"a\\u0085b\"}",
        "BAD_CHARACTER | {\"timestamp\":\"2024-01-15T10:30:00Z\",\"user_id\":\"u\\ud800\",\"event_type\":\"click\"}",
        "DUPLICATE_FIELD | {\"timestamp\":\"2024-01-15T10:30:00Z\",\"user_id\":\"u\",\"event_type\":\"click\",\"user_id\":\"v\"}",
    })
    void invalidRecordGoesToTheErrorsZoneWithReasonAndOriginalPayload(ReasonCode expected, String payload) throws Exception {
        RoutedRecord r = PROCESSOR.process(payload.getBytes(StandardCharsets.UTF_8), META);
        assertEquals(Zone.ERRORS, r.zone());
        assertEquals(expected, r.reason());
        assertEquals("dt=2024-01-15", r.partition());
        JsonNode e = line(r);
        assertEquals(expected.name(), e.get("reason").asText());
        assertFalse(e.get("message").asText().isBlank());
        assertEquals(payload, e.get("payload").asText());
        assertEquals("utf8", e.get("payload_encoding").asText());
        assertEquals(META.sequenceNumber(), e.get("sequence_number").asText());
        assertEquals(META.shardId(), e.get("shard_id").asText());
        assertEquals(CONTRACT.columnNames("errors"), fieldNames(e));
    }

    @Test
    void missingFieldMessageNamesTheField() {
        RoutedRecord r = PROCESSOR.process("{\"timestamp\":\"2024-01-15T10:30:00Z\",\"user_id\":\"u\"}".getBytes(StandardCharsets.UTF_8), META);
        assertTrue(new String(r.line(), StandardCharsets.UTF_8).contains("required field 'event_type' is missing"));
    }

    @Test
    void invalidUtf8IsKeptAsBase64() throws Exception {
        byte[] payload = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        RoutedRecord r = PROCESSOR.process(payload, META);
        assertEquals(ReasonCode.INVALID_UTF8, r.reason());
        JsonNode e = line(r);
        assertEquals("base64", e.get("payload_encoding").asText());
        assertEquals(Base64.getEncoder().encodeToString(payload), e.get("payload").asText());
    }

    @Test
    void oversizedRecordIsRejected() {
        EventProcessor small = new EventProcessor(CONTRACT, new EventPolicy(100, 32, EventPolicy.defaults().lateWindow(),
                EventPolicy.defaults().futureWindow()));
        assertEquals(ReasonCode.TOO_LARGE, small.process(SEED.getBytes(StandardCharsets.UTF_8), META).reason());
    }

    @Test
    void anOversizedRecordThatIsNotUtf8KeepsItsExactBytesAsBase64() throws Exception {
        EventProcessor small = new EventProcessor(CONTRACT, new EventPolicy(100, 32, EventPolicy.defaults().lateWindow(),
                EventPolicy.defaults().futureWindow()));
        byte[] payload = (SEED + "\u0000").getBytes(StandardCharsets.UTF_8);
        payload[20] = (byte) 0xC3; // a lead byte without its continuation
        RoutedRecord r = small.process(payload, META);
        assertEquals(ReasonCode.TOO_LARGE, r.reason());
        JsonNode e = line(r);
        assertEquals("base64", e.get("payload_encoding").asText());
        org.junit.jupiter.api.Assertions.assertArrayEquals(payload, Base64.getDecoder().decode(e.get("payload").asText()));
    }

    @Test
    void tooDeepNestingIsRejected() {
        String deep = "{\"timestamp\":\"2024-01-15T10:30:00Z\",\"user_id\":\"u\",\"event_type\":\"x\",\"extra\":"
                + "[".repeat(40) + "]".repeat(40) + "}";
        assertEquals(ReasonCode.TOO_DEEP, PROCESSOR.process(deep.getBytes(StandardCharsets.UTF_8), META).reason());
    }

    @Test
    void aHugeNumberIsNotCalledTooDeep() throws Exception {
        String huge = SEED.replace("{\"timestamp\"", "{\"ignored\":" + "9".repeat(1200) + ",\"timestamp\"");
        RoutedRecord r = PROCESSOR.process(huge.getBytes(StandardCharsets.UTF_8), META);
        assertEquals(ReasonCode.NUMBER_TOO_LONG, r.reason());
        assertTrue(line(r).get("message").asText().contains("1000 digits"), line(r).get("message").asText());
    }

    @Test
    void anUnforeseenFailureLandsInTheErrorsZoneWithItsPayloadInsteadOfEscaping() throws Exception {
        // a late window so wide that arrival minus the window overflows Instant: enrichment throws DateTimeException
        EventProcessor broken = new EventProcessor(CONTRACT, new EventPolicy(1_048_576, 32,
                java.time.Duration.ofSeconds(Long.MAX_VALUE), EventPolicy.defaults().futureWindow()));
        RoutedRecord r = broken.process(SEED.getBytes(StandardCharsets.UTF_8), META);
        assertEquals(Zone.ERRORS, r.zone());
        assertEquals(ReasonCode.PROCESSING_FAILED, r.reason());
        JsonNode e = line(r);
        assertTrue(e.get("message").asText().contains("java.time.DateTimeException"), e.get("message").asText());
        assertEquals(SEED, e.get("payload").asText());
        assertEquals(ReasonCode.PROCESSING_FAILED, broken.check(SEED.getBytes(StandardCharsets.UTF_8), ARRIVAL).reason());
    }

    @Test
    void checkGivesTheConsumersVerdictAndTheProducersIds() {
        EventProcessor.Verdict ok = PROCESSOR.check(SEED.replace("{\"timestamp\"", "{\"event_id\":\"e-1\",\"timestamp\"")
                .getBytes(StandardCharsets.UTF_8), ARRIVAL);
        assertTrue(ok.accepted());
        assertEquals("e-1", ok.eventId());
        assertEquals("user_123", ok.userId());
        assertNull(PROCESSOR.check(SEED.getBytes(StandardCharsets.UTF_8), ARRIVAL).eventId());
        assertEquals(ReasonCode.BAD_TIMESTAMP, PROCESSOR.check(
                "{\"timestamp\":\"+12345-01-01T00:00:00Z\",\"user_id\":\"u\",\"event_type\":\"x\"}".getBytes(StandardCharsets.UTF_8),
                ARRIVAL).reason());
    }

    @Test
    void lowerCasingThatLengthensTheEventTypeIsCheckedAgainstTheLimit() {
        // U+0130 is 2 bytes; lower-cased (Locale.ROOT) it becomes "i" + U+0307, 3 bytes: 32 of them fit as sent, not as written
        String type = "\u0130".repeat(32);
        String payload = "{\"timestamp\":\"2024-01-15T10:30:00Z\",\"user_id\":\"u\",\"event_type\":\"" + type + "\"}";
        RoutedRecord r = PROCESSOR.process(payload.getBytes(StandardCharsets.UTF_8), META);
        assertEquals(ReasonCode.TOO_LONG, r.reason());
        assertTrue(new String(r.line(), StandardCharsets.UTF_8).contains("lower-cased"));
    }

    @Test
    void stringsAtTheirByteLimitAreAccepted() throws Exception {
        String type = "€".repeat(21); // 63 bytes
        String payload = "{\"timestamp\":\"9999-12-31T23:59:59.999Z\",\"user_id\":\"u\",\"event_type\":\"" + type + "\"}";
        RoutedRecord r = PROCESSOR.process(payload.getBytes(StandardCharsets.UTF_8), META);
        assertNull(r.reason(), () -> new String(r.line(), StandardCharsets.UTF_8));
        assertEquals("9999-12-31T23:59:59.999Z", line(r).get("event_time").asText());
        assertEquals(type, line(r).get("event_type").asText());
    }

    @Test
    void unknownFieldsAreIgnoredButTheWholeRecordMustBeValidJson() throws Exception {
        String extra = SEED.replace("{\"timestamp\"", "{\"extra\":{\"deep\":[1,{\"x\":null}],\"user_id\":7},\"timestamp\"");
        assertEquals("user_123", line(PROCESSOR.process(extra.getBytes(StandardCharsets.UTF_8), META)).get("user_id").asText());
        String broken = SEED.replace("{\"timestamp\"", "{\"extra\":[1,},\"timestamp\"");
        assertEquals(ReasonCode.NOT_JSON, PROCESSOR.process(broken.getBytes(StandardCharsets.UTF_8), META).reason());
    }

    @Test
    void optionalFieldsMayBeAbsent() throws Exception {
        String minimal = "{\"timestamp\":\"2024-01-15T10:30:00Z\",\"user_id\":\"u\",\"event_type\":\"login\"}";
        JsonNode e = line(PROCESSOR.process(minimal.getBytes(StandardCharsets.UTF_8), META));
        assertTrue(e.get("page_url").isNull());
        assertEquals("unknown", e.get("device_type").asText());
        assertTrue(e.get("country").isNull());
    }

    private static List<String> fieldNames(JsonNode e) {
        List<String> names = new ArrayList<>();
        e.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
