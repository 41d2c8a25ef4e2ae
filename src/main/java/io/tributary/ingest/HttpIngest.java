package io.tributary.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.Body;
import org.apache.camel.Header;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.config.TributaryConfig;
import io.tributary.event.EventProcessor;
import io.tributary.event.ParsedEvent;
import io.tributary.event.RejectedRecord;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * {@code POST /events}: one JSON object, a JSON array, or NDJSON. Each record is validated against the table contract;
 * valid ones go to Kinesis (partition key user_id), and the reply says per record whether it was accepted or why not.
 */
@Singleton
@Named("httpIngest")
public class HttpIngest {

    private static final Logger LOG = Logger.getLogger(HttpIngest.class);

    private final EventProcessor processor;
    private final KinesisPublisher publisher;
    private final byte[] apiKey;
    private final ObjectMapper mapper = new ObjectMapper();
    private final MeterRegistry registry;

    public HttpIngest(EventProcessor processor, KinesisClient kinesis, TributaryConfig config, MeterRegistry registry) {
        this.processor = processor;
        this.registry = registry;
        var ingest = config.ingest();
        if (ingest.apiKey().isBlank()) {
            throw new IllegalStateException("tributary.ingest.api-key must not be blank");
        }
        this.apiKey = ingest.apiKey().getBytes(StandardCharsets.UTF_8);
        this.publisher = new KinesisPublisher(kinesis, config.kinesis().stream(), ingest.maxAttempts(), ingest.retryBackoff(), Thread::sleep);
    }

    /** Handles one request: 401 without the API key, 415 for form posts, 400 for an empty body, 503 when Kinesis
     *  refused some records. */
    public IngestReply handle(@Header("X-Api-Key") String key, @Header("Content-Type") String contentType, @Body byte[] body)
            throws InterruptedException {
        if (key == null || !MessageDigest.isEqual(apiKey, key.getBytes(StandardCharsets.UTF_8))) {
            return error(401, "missing or wrong X-Api-Key header");
        }
        if (contentType != null && (contentType.startsWith("application/x-www-form-urlencoded") || contentType.startsWith("multipart/"))) {
            return error(415, "Content-Type " + contentType + " is not accepted: send application/json or application/x-ndjson");
        }
        List<byte[]> records = split(body == null ? new byte[0] : body);
        if (records.isEmpty()) {
            return error(400, "request body holds no records: send a JSON object, a JSON array or NDJSON");
        }
        ArrayNode results = mapper.createArrayNode();
        List<KinesisPublisher.Entry> entries = new ArrayList<>();
        List<ObjectNode> entryResults = new ArrayList<>();
        int rejected = 0;
        for (int i = 0; i < records.size(); i++) {
            ObjectNode r = results.addObject().put("index", i);
            try {
                ParsedEvent event = processor.validate(records.get(i));
                entries.add(new KinesisPublisher.Entry(records.get(i), partitionKey(event.userId())));
                entryResults.add(r);
            } catch (RejectedRecord e) {
                rejected++;
                r.put("status", "rejected").put("reason", e.reason().name()).put("message", e.getMessage());
                registry.counter("tributary.http.records", "status", "rejected", "reason", e.reason().name()).increment();
            }
        }
        int accepted = 0;
        int failed = 0;
        List<KinesisPublisher.Outcome> outcomes = entries.isEmpty() ? List.of() : publisher.publish(entries);
        for (int i = 0; i < outcomes.size(); i++) {
            KinesisPublisher.Outcome o = outcomes.get(i);
            ObjectNode r = entryResults.get(i);
            if (o.ok()) {
                accepted++;
                r.put("status", "accepted").put("shard_id", o.shardId()).put("sequence_number", o.sequenceNumber());
            } else {
                failed++;
                r.put("status", "failed").put("reason", o.errorCode()).put("message", o.errorMessage());
            }
        }
        registry.counter("tributary.http.records", "status", "accepted", "reason", "").increment(accepted);
        registry.counter("tributary.http.records", "status", "failed", "reason", "").increment(failed);
        if (failed > 0) {
            LOG.warnf("%d of %d records could not be sent to Kinesis", failed, records.size());
        }
        ObjectNode reply = mapper.createObjectNode().put("accepted", accepted).put("rejected", rejected).put("failed", failed);
        reply.set("results", results);
        return new IngestReply(failed > 0 ? 503 : 200, reply.toString());
    }

    private static String partitionKey(String userId) {
        return userId != null && !userId.isEmpty() ? userId : UUID.randomUUID().toString();
    }

    /** One object, an array (each element re-serialised), or NDJSON (one record per non-blank line). */
    List<byte[]> split(byte[] body) {
        int first = 0;
        while (first < body.length && Character.isWhitespace(body[first])) {
            first++;
        }
        if (first == body.length) {
            return List.of();
        }
        if (body[first] == '[') {
            try {
                JsonNode array = mapper.readTree(body);
                if (array != null && array.isArray()) {
                    List<byte[]> out = new ArrayList<>(array.size());
                    for (JsonNode element : array) {
                        out.add(mapper.writeValueAsBytes(element));
                    }
                    return out;
                }
            } catch (IOException e) {
                // not a well-formed array: fall through and treat each line as a record, each rejected with its own reason
                LOG.debugf("body starts with '[' but is not a JSON array: %s", e.getMessage());
            }
        }
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '\n') {
                int end = i > start && body[i - 1] == '\r' ? i - 1 : i;
                if (!isBlank(body, start, end)) {
                    lines.add(java.util.Arrays.copyOfRange(body, start, end));
                }
                start = i + 1;
            }
        }
        if (lines.size() > 1 && body[first] == '{' && isSingleValue(body)) {
            return List.of(body);
        }
        return lines;
    }

    private boolean isSingleValue(byte[] body) {
        try (var parser = mapper.createParser(body)) {
            mapper.readTree(parser);
            return parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isBlank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!Character.isWhitespace(b[i])) {
                return false;
            }
        }
        return true;
    }

    private IngestReply error(int status, String message) {
        return new IngestReply(status, mapper.createObjectNode().put("error", message).toString());
    }
}
