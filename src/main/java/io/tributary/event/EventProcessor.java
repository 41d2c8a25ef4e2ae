package io.tributary.event;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Parse → validate → enrich for one record. Plain Java: no Camel, no CDI, so it is unit-tested directly
 *  and shared by the Kinesis consumer, the Lambda handler and HTTP ingest. Never throws for bad input. */
public final class EventProcessor {

    private final EventPolicy policy;
    private final List<FieldSpec> fields;
    private final Normalizer normalizer = new Normalizer();
    private final ObjectMapper mapper;
    private final JsonFactory factory;

    public EventProcessor(EventContract contract, EventPolicy policy) {
        this.policy = policy;
        this.fields = contract.inputFields();
        JsonFactory jf = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(policy.maxNestingDepth()).build())
                .build();
        this.mapper = new ObjectMapper(jf).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.factory = mapper.getFactory();
    }

    /** Validates a payload against the table contract; the parsed object when valid. */
    public ObjectNode validate(byte[] payload) throws RejectedRecord {
        if (payload.length > policy.maxRecordBytes()) {
            throw new RejectedRecord(ReasonCode.TOO_LARGE,
                    "record is " + payload.length + " bytes, over the limit of " + policy.maxRecordBytes());
        }
        if (!isUtf8(payload)) {
            throw new RejectedRecord(ReasonCode.INVALID_UTF8, "record is not valid UTF-8");
        }
        JsonNode node;
        try {
            node = mapper.readTree(payload);
        } catch (StreamConstraintsException e) {
            throw new RejectedRecord(ReasonCode.TOO_DEEP, "JSON nesting is deeper than " + policy.maxNestingDepth());
        } catch (JsonProcessingException e) {
            throw new RejectedRecord(ReasonCode.NOT_JSON, "not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (node == null || node.isMissingNode()) {
            throw new RejectedRecord(ReasonCode.NOT_JSON, "not JSON: empty record");
        }
        if (!node.isObject()) {
            throw new RejectedRecord(ReasonCode.NOT_OBJECT, "record is a JSON " + node.getNodeType().name().toLowerCase(Locale.ROOT)
                    + ", not an object");
        }
        for (FieldSpec f : fields) {
            checkField((ObjectNode) node, f);
        }
        return (ObjectNode) node;
    }

    private static void checkField(ObjectNode root, FieldSpec f) throws RejectedRecord {
        JsonNode v = root;
        for (String s : f.segments()) {
            v = v.get(s);
            if (v == null || v.isNull()) {
                if (f.required()) {
                    throw new RejectedRecord(ReasonCode.MISSING_FIELD, "required field '" + f.path() + "' is missing");
                }
                return;
            }
        }
        switch (f.type()) {
            case "string", "timestamp" -> {
                if (!v.isTextual()) {
                    throw new RejectedRecord(ReasonCode.WRONG_TYPE, "field '" + f.path() + "' must be a string, got "
                            + v.getNodeType().name().toLowerCase(Locale.ROOT));
                }
                if (f.required() && v.textValue().isBlank()) {
                    throw new RejectedRecord(ReasonCode.MISSING_FIELD, "required field '" + f.path() + "' is empty");
                }
                if (f.type().equals("timestamp")) {
                    try {
                        Timestamps.parse(v.textValue());
                    } catch (DateTimeParseException e) {
                        throw new RejectedRecord(ReasonCode.BAD_TIMESTAMP, "field '" + f.path()
                                + "' is not an ISO-8601 date-time: '" + abbreviate(v.textValue()) + "'");
                    }
                }
            }
            case "object" -> {
                if (!v.isObject()) {
                    throw new RejectedRecord(ReasonCode.WRONG_TYPE, "field '" + f.path() + "' must be an object, got "
                            + v.getNodeType().name().toLowerCase(Locale.ROOT));
                }
            }
            default -> throw new IllegalStateException("table contract: unknown type '" + f.type() + "' of " + f.path());
        }
    }

    /** Validates and enriches one Kinesis record into its raw-zone line, or its errors-zone line with the reason. */
    public RoutedRecord process(byte[] payload, RecordMeta meta) {
        try {
            ObjectNode event = validate(payload);
            return enrich(event, meta);
        } catch (RejectedRecord r) {
            return rejected(payload, meta, r.reason(), r.getMessage());
        }
    }

    /** The errors-zone line of a rejected record: original payload (base64 when not UTF-8), reason, message, lineage. */
    public RoutedRecord rejected(byte[] payload, RecordMeta meta, ReasonCode reason, String message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 256);
        try (JsonGenerator g = factory.createGenerator(out)) {
            boolean utf8 = reason != ReasonCode.INVALID_UTF8;
            g.writeStartObject();
            g.writeStringField("reason", reason.name());
            g.writeStringField("message", message);
            g.writeStringField("payload", utf8 ? new String(payload, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(payload));
            g.writeStringField("payload_encoding", utf8 ? "utf8" : "base64");
            g.writeStringField("shard_id", meta.shardId());
            g.writeStringField("sequence_number", meta.sequenceNumber());
            g.writeStringField("ingest_time", Timestamps.iso(meta.arrival()));
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RoutedRecord(Zone.ERRORS, "dt=" + Timestamps.date(meta.arrival()), out.toByteArray(), reason);
    }

    /** Raw-zone partition path for an arrival time: {@code dt=YYYY-MM-DD/hour=HH}. */
    public static String rawPartition(Instant arrival) {
        int h = Timestamps.hour(arrival);
        return "dt=" + Timestamps.date(arrival) + "/hour=" + (h < 10 ? "0" : "") + h;
    }

    private RoutedRecord enrich(ObjectNode e, RecordMeta meta) {
        String timestamp = e.get("timestamp").textValue();
        Instant eventTime = Timestamps.parse(timestamp);
        Instant arrival = meta.arrival();
        String flag = null;
        Instant partitionTime = eventTime;
        if (eventTime.isBefore(arrival.minus(policy.lateWindow()))) {
            flag = "late";
            partitionTime = arrival;
        } else if (eventTime.isAfter(arrival.plus(policy.futureWindow()))) {
            flag = "future";
            partitionTime = arrival;
        }
        JsonNode data = e.path("data");
        JsonNode location = data.path("location");
        String pageUrl = text(data, "page_url");
        String eventId = text(e, "event_id");
        if (eventId == null || eventId.isBlank()) {
            eventId = derivedEventId(meta);
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        EventFacts facts;
        try (JsonGenerator g = factory.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("event_id", eventId);
            String eventType = e.get("event_type").textValue().trim().toLowerCase(Locale.ROOT);
            g.writeStringField("event_type", eventType);
            g.writeStringField("user_id", e.get("user_id").textValue());
            g.writeStringField("timestamp", timestamp);
            g.writeStringField("event_time", Timestamps.iso(eventTime));
            g.writeStringField("ingest_time", Timestamps.iso(arrival));
            g.writeStringField("event_date", Timestamps.date(partitionTime));
            g.writeNumberField("event_hour", Timestamps.hour(partitionTime));
            g.writeStringField("time_flag", flag);
            g.writeStringField("page_url", pageUrl);
            g.writeStringField("page_host", pageUrl == null ? null : Normalizer.urlHost(pageUrl));
            g.writeStringField("page_path", pageUrl == null ? null : Normalizer.urlPath(pageUrl));
            g.writeStringField("product_id", text(data, "product_id"));
            g.writeStringField("category", text(data, "category"));
            g.writeStringField("session_id", text(data, "session_id"));
            String deviceType = normalizer.deviceType(text(data, "device_type"));
            String country = normalizer.country(text(location, "country"));
            g.writeStringField("device_type", deviceType);
            g.writeStringField("country", country);
            facts = new EventFacts(eventTime.toEpochMilli(), eventType, country, deviceType);
            g.writeStringField("city", text(location, "city"));
            g.writeStringField("shard_id", meta.shardId());
            g.writeStringField("sequence_number", meta.sequenceNumber());
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return new RoutedRecord(Zone.RAW, rawPartition(arrival), out.toByteArray(), null, facts);
    }

    /** MessageDigest.getInstance looks up the provider on every call: keep one per thread. */
    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is a required JDK algorithm", e);
        }
    });

    /** Deterministic: the same Kinesis record always gets the same id, so replays deduplicate downstream.
     *  A name-based (version 3) UUID of {@code stream/shard/sequence}, equal to {@link UUID#nameUUIDFromBytes}. */
    public static String derivedEventId(RecordMeta meta) {
        byte[] md5 = MD5.get().digest((meta.stream() + '/' + meta.shardId() + '/' + meta.sequenceNumber()).getBytes(StandardCharsets.UTF_8));
        md5[6] = (byte) ((md5[6] & 0x0f) | 0x30);
        md5[8] = (byte) ((md5[8] & 0x3f) | 0x80);
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = (msb << 8) | (md5[i] & 0xff);
            lsb = (lsb << 8) | (md5[i + 8] & 0xff);
        }
        return new UUID(msb, lsb).toString();
    }

    private static String text(JsonNode parent, String field) {
        JsonNode v = parent.get(field);
        return v == null || !v.isTextual() ? null : v.textValue();
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }

    static boolean isUtf8(byte[] b) {
        for (byte x : b) {
            if (x < 0) {
                try {
                    StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(b));
                    return true;
                } catch (CharacterCodingException e) {
                    return false;
                }
            }
        }
        return true;
    }
}
