package io.tributary.ingest;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/** HTTP status and JSON body of an ingest request. Getters, so the route's simple language reads them. */
public final class IngestReply {

    static final String ACCEPTED = "accepted";
    static final String REJECTED = "rejected";
    static final String FAILED = "failed";

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * What happened to one record: {@code accepted} (stored in Kinesis: shard and sequence number), {@code rejected}
     * (the record itself is refused: reason and message; sending it again unchanged is refused again) or {@code failed}
     * (Kinesis did not store it: send it again later, with the same event id). {@code eventId} is set for every record
     * that was sent to Kinesis: the producer's own, or the one assigned to it.
     */
    record Result(String status, String reason, String message, String eventId, String shardId, String sequenceNumber) {
        static Result rejected(String reason, String message) {
            return new Result(REJECTED, reason, message, null, null, null);
        }
    }

    private final int status;
    private final String json;

    public IngestReply(int status, String json) {
        this.status = status;
        this.json = json;
    }

    /** A request refused as a whole: {@code {"error": message}}. */
    static IngestReply error(int status, String message) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("error", message);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new IngestReply(status, out.toString());
    }

    /** One result per record, in request order: 503 when any record failed (a resend can succeed), else 200. */
    static IngestReply of(Result[] results) {
        int accepted = 0;
        int rejected = 0;
        int failed = 0;
        for (Result r : results) {
            switch (r.status()) {
                case ACCEPTED -> accepted++;
                case REJECTED -> rejected++;
                default -> failed++;
            }
        }
        StringWriter out = new StringWriter(64 + results.length * 96);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField(ACCEPTED, accepted);
            g.writeNumberField(REJECTED, rejected);
            g.writeNumberField(FAILED, failed);
            g.writeArrayFieldStart("results");
            for (int i = 0; i < results.length; i++) {
                write(g, i, results[i]);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new IngestReply(failed > 0 ? 503 : 200, out.toString());
    }

    private static void write(JsonGenerator g, int index, Result r) throws IOException {
        g.writeStartObject();
        g.writeNumberField("index", index);
        g.writeStringField("status", r.status());
        writeIfSet(g, "event_id", r.eventId());
        writeIfSet(g, "reason", r.reason());
        writeIfSet(g, "message", r.message());
        writeIfSet(g, "shard_id", r.shardId());
        writeIfSet(g, "sequence_number", r.sequenceNumber());
        g.writeEndObject();
    }

    private static void writeIfSet(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }

    public int getStatus() {
        return status;
    }

    public String getJson() {
        return json;
    }
}
