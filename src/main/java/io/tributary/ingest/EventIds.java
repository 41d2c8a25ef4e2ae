package io.tributary.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Writes an event id into a record before it is first sent to Kinesis, so every resend of it (ours after a throttled or
 * timed-out PutRecords, or the producer's after a 503) carries the same id and is deduplicated downstream instead of
 * getting a new id derived from its Kinesis sequence number. Only the top-level {@code event_id} changes: every other
 * byte of the record is kept as sent.
 */
final class EventIds {

    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] FIELD = "\"event_id\":".getBytes(StandardCharsets.UTF_8);

    private EventIds() {
    }

    /**
     * The record with {@code eventId} as its top-level {@code event_id}: the value replaced when the field is there (null
     * or blank: the event processor accepts only those without an id of their own), else the field added first.
     *
     * @param record a JSON object the event processor accepted (so not empty: it has the required fields)
     * @param eventId an id that needs no JSON escaping (a UUID)
     */
    static byte[] assign(byte[] record, String eventId) {
        byte[] value = ('"' + eventId + '"').getBytes(StandardCharsets.UTF_8);
        try (JsonParser p = JSON.createParser(record)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object");
            }
            int open = (int) p.currentTokenLocation().getByteOffset();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                boolean isEventId = "event_id".equals(p.currentName());
                p.nextToken();
                int valueStart = (int) p.currentTokenLocation().getByteOffset();
                p.skipChildren();
                if (isEventId) {
                    p.finishToken();
                    return splice(record, valueStart, (int) p.currentLocation().getByteOffset(), value);
                }
            }
            ByteArrayOutputStream field = new ByteArrayOutputStream(FIELD.length + value.length + 1);
            field.writeBytes(FIELD);
            field.writeBytes(value);
            field.write(',');
            return splice(record, open + 1, open + 1, field.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("record accepted by the event processor is not readable", e);
        }
    }

    /** {@code record} with bytes {@code [from, to)} replaced by {@code insert}. */
    private static byte[] splice(byte[] record, int from, int to, byte[] insert) {
        byte[] out = new byte[record.length - (to - from) + insert.length];
        System.arraycopy(record, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(record, to, out, from + insert.length, record.length - to);
        return out;
    }
}
