package io.tributary.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.Body;
import org.apache.camel.Header;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.api.ApiKey;
import io.tributary.config.TributaryConfig;
import io.tributary.event.EventProcessor;
import io.tributary.event.ReasonCode;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * {@code POST /events}: one JSON object, a JSON array, or NDJSON. Each record gets the verdict the Kinesis consumer would
 * give it; accepted ones get an event id (their own, else a new UUID written into the record) and go to Kinesis, and the
 * reply holds exactly one result per record, in order.
 */
@Singleton
@Named("httpIngest")
public class HttpIngest {

    private static final Logger LOG = Logger.getLogger(HttpIngest.class);

    private final EventProcessor processor;
    private final KinesisPublisher publisher;
    private final RecordSplitter splitter;
    private final int maxRecordBytes;
    private final ApiKey apiKey;
    private final MeterRegistry registry;

    /** Record {@code index} ready for Kinesis with the event id it carries, or the reason it is not sent. */
    private record Prepared(int index, KinesisPublisher.Entry entry, String eventId, IngestReply.Result rejection) {
        static Prepared rejected(int index, ReasonCode reason, String message) {
            return new Prepared(index, null, null, IngestReply.Result.rejected(reason.name(), message));
        }
    }

    public HttpIngest(EventProcessor processor, KinesisClient kinesis, TributaryConfig config, MeterRegistry registry) {
        this.processor = processor;
        this.registry = registry;
        var ingest = config.ingest();
        if (ingest.apiKey().isBlank()) {
            throw new IllegalStateException("tributary.ingest.api-key must not be blank");
        }
        if (ingest.maxRecordsPerRequest() < 1) {
            throw new IllegalStateException("tributary.ingest.max-records-per-request must be at least 1, got " + ingest.maxRecordsPerRequest());
        }
        this.apiKey = new ApiKey(ingest.apiKey());
        this.splitter = new RecordSplitter(ingest.maxRecordsPerRequest());
        this.maxRecordBytes = config.event().maxRecordBytes();
        this.publisher = new KinesisPublisher(kinesis, config.kinesis().stream(), ingest.maxAttempts(), ingest.retryBackoff(), Thread::sleep);
    }

    /** Handles one request: 401 without the API key, 415 for form posts, 400 for a body without records, 413 over the
     *  record limit, 503 when Kinesis did not store some records, else 200. */
    public IngestReply handle(@Header("X-Api-Key") String key, @Header("Content-Type") String contentType, @Body byte[] body)
            throws InterruptedException {
        if (!apiKey.matches(key)) {
            return IngestReply.error(401, "missing or wrong X-Api-Key header");
        }
        if (contentType != null && (contentType.startsWith("application/x-www-form-urlencoded") || contentType.startsWith("multipart/"))) {
            return IngestReply.error(415, "Content-Type " + contentType + " is not accepted: send application/json or application/x-ndjson");
        }
        byte[] bytes = body == null ? new byte[0] : body;
        RecordSplitter.Spans spans;
        try {
            spans = splitter.split(bytes);
        } catch (RecordSplitter.BodyRefused e) {
            return IngestReply.error(e.status(), e.getMessage());
        }
        IngestReply.Result[] results = results(bytes, spans);
        count(results);
        return IngestReply.of(results);
    }

    /** One result per record: rejected ones answered at once, the rest after PutRecords. */
    private IngestReply.Result[] results(byte[] body, RecordSplitter.Spans spans) throws InterruptedException {
        IngestReply.Result[] results = new IngestReply.Result[spans.count()];
        List<Prepared> toSend = new ArrayList<>(spans.count());
        Instant arrival = Instant.now();
        for (int i = 0; i < spans.count(); i++) {
            Prepared p = prepare(i, spans.copy(body, i), arrival);
            if (p.rejection() != null) {
                results[i] = p.rejection();
            } else {
                toSend.add(p);
            }
        }
        if (!toSend.isEmpty()) {
            List<KinesisPublisher.Outcome> outcomes = publisher.publish(toSend.stream().map(Prepared::entry).toList());
            for (int j = 0; j < outcomes.size(); j++) {
                Prepared p = toSend.get(j);
                results[p.index()] = result(p.eventId(), outcomes.get(j));
            }
        }
        return results;
    }

    /** The consumer's verdict on one record, then its event id and Kinesis' own limits (partition key, 1 MiB). */
    private Prepared prepare(int index, byte[] record, Instant arrival) {
        EventProcessor.Verdict verdict = processor.check(record, arrival);
        if (!verdict.accepted()) {
            return Prepared.rejected(index, verdict.reason(), verdict.message());
        }
        try {
            String eventId = verdict.eventId();
            byte[] data = record;
            if (eventId == null) {
                eventId = UUID.randomUUID().toString();
                data = EventIds.assign(record, eventId);
                if (data.length > maxRecordBytes) {
                    return Prepared.rejected(index, ReasonCode.TOO_LARGE, "record is " + data.length
                            + " bytes with the event_id assigned to it, over the limit of " + maxRecordBytes);
                }
            }
            KinesisPublisher.Entry entry = new KinesisPublisher.Entry(data, KinesisPublisher.partitionKey(verdict.userId()));
            String overLimit = KinesisPublisher.overRecordLimit(entry);
            return overLimit == null ? new Prepared(index, entry, eventId, null) : Prepared.rejected(index, ReasonCode.TOO_LARGE, overLimit);
        } catch (RuntimeException e) {
            LOG.errorf(e, "preparing an accepted record for Kinesis failed");
            return Prepared.rejected(index, ReasonCode.PROCESSING_FAILED, "processing failed: " + e);
        }
    }

    private static IngestReply.Result result(String eventId, KinesisPublisher.Outcome o) {
        if (o.ok()) {
            return new IngestReply.Result(IngestReply.ACCEPTED, null, null, eventId, o.shardId(), o.sequenceNumber());
        }
        return new IngestReply.Result(o.rejected() ? IngestReply.REJECTED : IngestReply.FAILED, o.errorCode(), o.errorMessage(),
                eventId, null, null);
    }

    private void count(IngestReply.Result[] results) {
        int failed = 0;
        for (IngestReply.Result r : results) {
            registry.counter("tributary.http.records", "status", r.status(), "reason", r.reason() == null ? "" : r.reason()).increment();
            if (IngestReply.FAILED.equals(r.status())) {
                failed++;
            }
        }
        if (failed > 0) {
            LOG.warnf("%d of %d records could not be sent to Kinesis", failed, results.length);
        }
    }
}
