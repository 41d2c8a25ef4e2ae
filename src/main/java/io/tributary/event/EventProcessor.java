package io.tributary.event;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.DateTimeException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

/** Parse → validate → enrich for one record. Plain Java: no Camel, no CDI, so it is unit-tested directly
 *  and shared by the Kinesis consumer, the Lambda handler and HTTP ingest. Never throws for bad input. */
public final class EventProcessor {

    private final EventPolicy policy;
    private final List<FieldSpec> fields;
    private final Normalizer normalizer = new Normalizer();
    private final FieldTrie trie;
    private final JsonFactory factory;
    private final int timestampField;
    private final int eventIdField;
    private final int userIdField;
    private final int eventTypeField;
    private final int pageUrlField;
    private final int productIdField;
    private final int categoryField;
    private final int sessionIdField;
    private final int deviceTypeField;
    private final int countryField;
    private final int cityField;
    /** Accepted event times: from the first instant of the contract's first year to before the year after its last. */
    private final Instant earliest;
    private final Instant latestExclusive;
    private final String yearRange;

    public EventProcessor(EventContract contract, EventPolicy policy) {
        this.policy = policy;
        this.fields = contract.inputFields();
        this.trie = FieldTrie.of(fields);
        this.timestampField = required("timestamp");
        this.userIdField = required("user_id");
        this.eventTypeField = required("event_type");
        this.eventIdField = index("event_id");
        this.pageUrlField = index("data.page_url");
        this.productIdField = index("data.product_id");
        this.categoryField = index("data.category");
        this.sessionIdField = index("data.session_id");
        this.deviceTypeField = index("data.device_type");
        this.countryField = index("data.location.country");
        this.cityField = index("data.location.city");
        this.earliest = java.time.LocalDate.of(contract.minYear(), 1, 1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
        this.latestExclusive = java.time.LocalDate.of(contract.maxYear(), 1, 1).plusYears(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
        this.yearRange = contract.minYear() + "-" + contract.maxYear();
        JsonFactory jf = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(policy.maxNestingDepth()).build())
                .build();
        this.factory = jf;
    }

    /** Index of a contract input field the enrichment reads; -1 when the contract has dropped it (it is then null). */
    private int index(String path) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).path().equals(path)) {
                return i;
            }
        }
        return -1;
    }

    private int required(String path) {
        int i = index(path);
        if (i < 0 || !fields.get(i).required()) {
            throw new IllegalStateException("table contract: enrichment needs the required input field '" + path + "'");
        }
        return i;
    }

    /** Validates a payload against the table contract in one streaming pass; the contract's fields when valid. */
    public ParsedEvent validate(byte[] payload) throws RejectedRecord {
        if (payload.length > policy.maxRecordBytes()) {
            throw new RejectedRecord(ReasonCode.TOO_LARGE,
                    "record is " + payload.length + " bytes, over the limit of " + policy.maxRecordBytes());
        }
        if (!isUtf8(payload)) {
            throw new RejectedRecord(ReasonCode.INVALID_UTF8, "record is not valid UTF-8");
        }
        String[] values = new String[fields.size()];
        JsonToken[] kinds = new JsonToken[fields.size()];
        try (JsonParser p = factory.createParser(payload)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new RejectedRecord(ReasonCode.NOT_JSON, "not JSON: empty record");
            }
            if (first != JsonToken.START_OBJECT) {
                p.skipChildren();
                requireEnd(p);
                throw new RejectedRecord(ReasonCode.NOT_OBJECT, "record is a JSON " + typeName(first) + ", not an object");
            }
            collect(p, trie, values, kinds, fields);
            requireEnd(p);
        } catch (StreamConstraintsException e) {
            throw constraintViolated(e);
        } catch (JsonProcessingException e) {
            throw new RejectedRecord(ReasonCode.NOT_JSON, "not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Instant timestamp = null;
        for (int i = 0; i < fields.size(); i++) {
            Instant t = checkField(fields.get(i), kinds[i], values[i]);
            if (i == timestampField) {
                timestamp = t;
            }
        }
        if (timestamp.isBefore(earliest) || !timestamp.isBefore(latestExclusive)) {
            throw new RejectedRecord(ReasonCode.BAD_TIMESTAMP, "field 'timestamp' is in year " + yearOf(timestamp)
                    + " (UTC), outside the accepted years " + yearRange + ": '" + abbreviate(values[timestampField]) + "'");
        }
        return new ParsedEvent(values, timestamp, values[userIdField]);
    }

    private static String yearOf(Instant t) {
        try {
            return String.valueOf(t.atOffset(java.time.ZoneOffset.UTC).getYear());
        } catch (DateTimeException e) {
            return t.getEpochSecond() < 0 ? "before -999999999" : "after 999999999";
        }
    }

    /** Jackson's read limits: a number too long to parse (anywhere, even in a field the contract ignores) or nesting
     *  too deep. Each gets its own reason, so a producer knows which it hit. */
    private RejectedRecord constraintViolated(StreamConstraintsException e) {
        String m = String.valueOf(e.getOriginalMessage());
        if (m.startsWith("Number value length") || m.contains("Number length")) {
            return new RejectedRecord(ReasonCode.NUMBER_TOO_LONG, "a JSON number is longer than "
                    + StreamReadConstraints.DEFAULT_MAX_NUM_LEN + " digits: " + m);
        }
        if (m.contains("nesting depth")) {
            return new RejectedRecord(ReasonCode.TOO_DEEP, "JSON nesting is deeper than " + policy.maxNestingDepth());
        }
        return new RejectedRecord(ReasonCode.TOO_LARGE, "a JSON value is over the parser's limits: " + m);
    }

    /** Walks one object, keeping the text and token kind of contract fields and skipping everything else. */
    private static void collect(JsonParser p, FieldTrie node, String[] values, JsonToken[] kinds, List<FieldSpec> fields)
            throws IOException, RejectedRecord {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            FieldTrie child = node.children.get(p.currentName());
            JsonToken value = p.nextToken();
            if (child == null) {
                p.skipChildren();
                continue;
            }
            if (child.fieldIndex >= 0) {
                if (kinds[child.fieldIndex] != null) {
                    // JSON readers disagree on which of two values wins (first, last, or an error): refuse to guess
                    throw new RejectedRecord(ReasonCode.DUPLICATE_FIELD, "field '" + fields.get(child.fieldIndex).path()
                            + "' appears more than once");
                }
                kinds[child.fieldIndex] = value;
                values[child.fieldIndex] = value == JsonToken.VALUE_STRING ? p.getText() : null;
            }
            if (value == JsonToken.START_OBJECT && !child.children.isEmpty()) {
                collect(p, child, values, kinds, fields);
            } else {
                p.skipChildren();
            }
        }
    }

    private static void requireEnd(JsonParser p) throws IOException, RejectedRecord {
        if (p.nextToken() != null) {
            throw new RejectedRecord(ReasonCode.NOT_JSON, "not JSON: trailing content after the first value");
        }
    }

    /** Checks one contract field; returns the parsed instant of a timestamp field. */
    private static Instant checkField(FieldSpec f, JsonToken kind, String text) throws RejectedRecord {
        if (kind == null || kind == JsonToken.VALUE_NULL) {
            if (f.required()) {
                throw new RejectedRecord(ReasonCode.MISSING_FIELD, "required field '" + f.path() + "' is missing");
            }
            return null;
        }
        switch (f.type()) {
            case "string", "timestamp" -> {
                if (kind != JsonToken.VALUE_STRING) {
                    throw new RejectedRecord(ReasonCode.WRONG_TYPE, "field '" + f.path() + "' must be a string, got " + typeName(kind));
                }
                boolean blank = checkString("field '" + f.path() + "'", text, f.maxBytes());
                if (f.required() && blank) {
                    throw new RejectedRecord(ReasonCode.MISSING_FIELD, "required field '" + f.path() + "' is empty");
                }
                if (f.type().equals("timestamp")) {
                    try {
                        return Timestamps.parse(text);
                    } catch (DateTimeException e) {
                        throw new RejectedRecord(ReasonCode.BAD_TIMESTAMP, "field '" + f.path()
                                + "' is not an ISO-8601 date-time: '" + abbreviate(text) + "'");
                    }
                }
                return null;
            }
            case "object" -> {
                if (kind != JsonToken.START_OBJECT) {
                    throw new RejectedRecord(ReasonCode.WRONG_TYPE, "field '" + f.path() + "' must be an object, got " + typeName(kind));
                }
                return null;
            }
            default -> throw new IllegalStateException("table contract: unknown type '" + f.type() + "' of " + f.path());
        }
    }

    /** A string every sink stores as sent: at most {@code maxBytes} of UTF-8 (Redshift's VARCHAR(n) counts bytes), no
     *  control characters (Spark trims only spaces, Java all of U+0000-U+0020, so they would be judged differently),
     *  no unpaired surrogates (they have no UTF-8 form). Returns {@link String#isBlank()} of the text, found in the same
     *  pass. */
    static boolean checkString(String label, String text, int maxBytes) throws RejectedRecord {
        int bytes = 0;
        boolean blank = true;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (blank && c != ' ' && !Character.isWhitespace(c)) {
                blank = false;
            }
            if (c < 0x80) {
                if (c < 0x20 || c == 0x7f) {
                    throw badCharacter(label, c, i);
                }
                bytes++;
            } else if (c < 0x800) {
                if (c <= 0x9f) {
                    throw badCharacter(label, c, i);
                }
                bytes += 2;
            } else if (!Character.isSurrogate(c)) {
                bytes += 3;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                throw new RejectedRecord(ReasonCode.BAD_CHARACTER, label + " holds an unpaired surrogate "
                        + String.format("\\u%04X", (int) c) + " at character " + i);
            }
        }
        if (bytes > maxBytes) {
            throw new RejectedRecord(ReasonCode.TOO_LONG, label + " is " + bytes
                    + " bytes of UTF-8, over the limit of " + maxBytes);
        }
        return blank;
    }

    private static RejectedRecord badCharacter(String label, char c, int at) {
        return new RejectedRecord(ReasonCode.BAD_CHARACTER, label + " holds control character "
                + String.format("U+%04X", (int) c) + " at character " + at);
    }

    private static String typeName(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "object";
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> t.name().toLowerCase(Locale.ROOT);
        };
    }

    /** Validates and enriches one Kinesis record into its raw-zone line, or its errors-zone line with the reason.
     *  Total: whatever goes wrong, the record comes back as one of the two, never as an exception. */
    public RoutedRecord process(byte[] payload, RecordMeta meta) {
        try {
            ParsedEvent event = validate(payload);
            return enrich(event, meta);
        } catch (RejectedRecord r) {
            return rejected(payload, meta, r.reason(), r.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            return rejected(payload, meta, ReasonCode.PROCESSING_FAILED, unforeseen(e));
        }
    }

    /** The verdict HTTP ingest gives a producer before it sends: the same full processing the consumer runs (so what is
     *  accepted here is never rejected there), and for an accepted record its producer event id (null when it sent none)
     *  and user id. Never throws. */
    public Verdict check(byte[] payload, Instant arrival) {
        RecordMeta meta = new RecordMeta("http", "http", "0", arrival);
        try {
            ParsedEvent event = validate(payload);
            enrich(event, meta);
            String eventId = event.text(eventIdField);
            return new Verdict(null, null, eventId == null || eventId.isBlank() ? null : eventId, event.userId());
        } catch (RejectedRecord r) {
            return new Verdict(r.reason(), r.getMessage(), null, null);
        } catch (RuntimeException | StackOverflowError e) {
            return new Verdict(ReasonCode.PROCESSING_FAILED, unforeseen(e), null, null);
        }
    }

    /** What {@link #check} found: {@code reason} is null for an accepted record. */
    public record Verdict(ReasonCode reason, String message, String eventId, String userId) {
        public boolean accepted() {
            return reason == null;
        }
    }

    private static String unforeseen(Throwable e) {
        return "processing failed: " + e.getClass().getName() + (e.getMessage() == null ? "" : ": " + abbreviate(e.getMessage()));
    }

    /** The errors-zone line of a rejected record: original payload (base64 when not UTF-8), reason, message, lineage. */
    public RoutedRecord rejected(byte[] payload, RecordMeta meta, ReasonCode reason, String message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 256);
        try (JsonGenerator g = factory.createGenerator(out)) {
            // any rejection can carry bytes that are not UTF-8 (an oversize record is refused before decoding): base64 keeps them
            boolean utf8 = reason != ReasonCode.INVALID_UTF8 && isUtf8(payload);
            g.writeStartObject();
            g.writeStringField("reason", reason.name());
            g.writeStringField("message", message);
            g.writeStringField("payload", utf8 ? new String(payload, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(payload));
            g.writeStringField("payload_encoding", utf8 ? "utf8" : "base64");
            g.writeStringField("shard_id", meta.shardId());
            g.writeStringField("sequence_number", meta.sequenceNumber());
            if (meta.subSequence() >= 0) {
                g.writeNumberField("sub_sequence_number", meta.subSequence());
            } else {
                g.writeNullField("sub_sequence_number");
            }
            g.writeStringField("ingest_time", Timestamps.iso(meta.arrival()));
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RoutedRecord(Zone.ERRORS, "dt=" + Timestamps.date(meta.arrival()), out.toByteArray(), reason);
    }

    /** Raw-zone partition path for an arrival time: {@code dt=YYYY-MM-DD/hour=HH}. */
    public static String rawPartition(Instant arrival) {
        return Timestamps.hourPartition(arrival);
    }

    /** The fields of a raw-zone line, in the order {@link #enrich} writes them. */
    private static final JsonLine.Fields RAW_LINE = new JsonLine.Fields("event_id", "event_type", "user_id", "timestamp",
            "event_time", "ingest_time", "event_date", "event_hour", "time_flag", "page_url", "page_host", "page_path",
            "product_id", "category", "session_id", "device_type", "country", "city", "shard_id", "sequence_number");

    private RoutedRecord enrich(ParsedEvent e, RecordMeta meta) throws RejectedRecord {
        // lower-casing can lengthen a string (U+0130 becomes two characters): check the value that is written
        String eventType = e.text(eventTypeField).trim().toLowerCase(Locale.ROOT);
        checkString("field 'event_type' (lower-cased)", eventType, fields.get(eventTypeField).maxBytes());
        String timestamp = e.text(timestampField);
        Instant eventTime = e.timestamp();
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
        String pageUrl = e.text(pageUrlField);
        String eventId = e.text(eventIdField);
        if (eventId == null || eventId.isBlank()) {
            eventId = derivedEventId(meta);
        }

        String deviceType = normalizer.deviceType(e.text(deviceTypeField));
        String country = normalizer.country(e.text(countryField));
        byte[] line = new JsonLine(RAW_LINE, 768)
                .field("event_id", eventId)
                .field("event_type", eventType)
                .field("user_id", e.text(userIdField))
                .field("timestamp", timestamp)
                .isoField("event_time", eventTime)
                .isoField("ingest_time", arrival)
                .field("event_date", Timestamps.date(partitionTime))
                .field("event_hour", Timestamps.hour(partitionTime))
                .field("time_flag", flag)
                .field("page_url", pageUrl)
                .field("page_host", pageUrl == null ? null : Normalizer.urlHost(pageUrl))
                .field("page_path", pageUrl == null ? null : Normalizer.urlPath(pageUrl))
                .field("product_id", e.text(productIdField))
                .field("category", e.text(categoryField))
                .field("session_id", e.text(sessionIdField))
                .field("device_type", deviceType)
                .field("country", country)
                .field("city", e.text(cityField))
                .field("shard_id", meta.shardId())
                .field("sequence_number", meta.sequenceNumber())
                .end();
        EventFacts facts = new EventFacts(eventTime.toEpochMilli(), eventType, country, deviceType);
        return new RoutedRecord(Zone.RAW, rawPartition(arrival), line, null, facts);
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
     *  A name-based (version 3) UUID of {@code stream/shard/sequence}, equal to {@link UUID#nameUUIDFromBytes}; for a user
     *  record of a split Kinesis record (KPL aggregate, JSON array, NDJSON) of {@code stream/shard/sequence/sub-sequence}. */
    public static String derivedEventId(RecordMeta meta) {
        String name = meta.stream() + '/' + meta.shardId() + '/' + meta.sequenceNumber()
                + (meta.subSequence() < 0 ? "" : "/" + meta.subSequence());
        byte[] md5 = MD5.get().digest(name.getBytes(StandardCharsets.UTF_8));
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
