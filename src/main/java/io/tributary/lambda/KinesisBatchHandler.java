package io.tributary.lambda;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.RuntimeCamelException;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.tributary.batch.Batcher;
import io.tributary.batch.SealedBatch;
import io.tributary.batch.ShardPosition;
import io.tributary.checkpoint.CheckpointStore;
import io.tributary.ingest.StreamIngest;
import io.tributary.metrics.EmfMetrics;

/**
 * Lambda mode: one invocation of the Kinesis event source mapping. Every record goes through the same ingest core as the
 * container consumer ({@code direct:ingest}: parse, validate, enrich, batch, write); before returning, every open batch is
 * written, because a Lambda keeps nothing between invocations. When an S3 write fails, the reply names per shard the first
 * record that is not durable, and the event source mapping re-sends the shard from there (until the record expires, with
 * the deployed settings). Bad records never fail the batch: the ingest core puts them in the errors zone, and a record
 * whose processing throws anyway is quarantined there ({@code PROCESSING_FAILED}) instead of being retried forever.
 * After the writes, the last durable record of each shard is published as the shard's durable watermark (the
 * {@link CheckpointStore} object, moved forward only), which hour sealing reads; if that fails, the record is reported
 * as failed, so the event source mapping sends it again and the next invocation publishes it.
 */
@Singleton
@Named("kinesisBatchHandler")
public class KinesisBatchHandler {

    private static final Logger LOG = Logger.getLogger(KinesisBatchHandler.class);

    private final Batcher batcher;
    private final StreamIngest ingest;
    private final ProducerTemplate producer;
    private final ObjectMapper json;
    private final EmfMetrics metrics;
    private final CheckpointStore watermarks;

    public KinesisBatchHandler(CamelContext camel, Batcher batcher, StreamIngest ingest, ObjectMapper json, EmfMetrics metrics,
                               CheckpointStore watermarks) {
        this.batcher = batcher;
        this.ingest = ingest;
        this.producer = camel.createProducerTemplate();
        this.json = json;
        this.metrics = metrics;
        this.watermarks = watermarks;
    }

    /** The stream form the Lambda runtimes call: Kinesis event JSON in, partial batch response JSON out. */
    public void handle(InputStream event, OutputStream reply) throws IOException {
        BatchResponse response = handle(json.readValue(event, KinesisEventBatch.class));
        json.writeValue(reply, response);
    }

    /** Ingests one event source mapping batch; synchronized because the batcher's state belongs to one invocation. */
    public synchronized BatchResponse handle(KinesisEventBatch event) {
        batcher.reset();
        Set<String> shards = new LinkedHashSet<>();
        // shard → sequence number of the record whose processing failed (a failed S3 write is tracked by the batcher)
        Map<String, String> failedAt = new HashMap<>();
        int records = 0;
        try {
            for (KinesisEventBatch.Record record : event.records()) {
                String shard = record.shardId();
                shards.add(shard);
                if (failedAt.containsKey(shard)) {
                    continue; // the mapping re-sends this shard from its first failure; writing more of it would only duplicate
                }
                KinesisEventBatch.Kinesis k = record.kinesis();
                Map<String, Object> headers = new HashMap<>(4);
                headers.put(StreamIngest.SHARD_ID, shard);
                headers.put(StreamIngest.SEQUENCE_NUMBER, k.sequenceNumber());
                headers.put(StreamIngest.ARRIVAL, k.arrival());
                try {
                    producer.sendBodyAndHeaders("direct:ingest", k.data(), headers);
                    records++;
                } catch (RuntimeException e) {
                    if (k.sequenceNumber().equals(batcher.resumeAfter(shard))) {
                        // the record reached the batcher: what failed is the write of a batch it sealed
                        LOG.warnf("shard %s: record %s not durable (%s); the rest of the shard is left to the retry", shard, k.sequenceNumber(), rootCause(e));
                        failedAt.put(shard, k.sequenceNumber());
                    } else if (quarantine(shard, k, e)) {
                        records++;
                    } else {
                        failedAt.put(shard, k.sequenceNumber());
                    }
                }
            }
            int written = 0;
            for (SealedBatch batch : batcher.drain()) {
                if (failedAt.containsKey(batch.shardId())) {
                    continue;
                }
                try {
                    producer.sendBody("direct:write-batch", batch);
                    written++;
                } catch (RuntimeException e) {
                    LOG.warnf("shard %s: %s not written (%s)", batch.shardId(), batch, rootCause(e));
                    failedAt.put(batch.shardId(), batcher.firstUndurable(batch.shardId()));
                }
            }
            List<BatchResponse.ItemFailure> failures = new ArrayList<>();
            Map<String, String> retryFrom = new LinkedHashMap<>();
            for (String shard : shards) {
                // every batch was written or failed, so the first record the batcher still holds is the first one lost
                String first = batcher.firstUndurable(shard);
                String from = first != null ? first : failedAt.get(shard);
                if (from != null) {
                    retryFrom.put(shard, from);
                    failures.add(new BatchResponse.ItemFailure(from));
                }
            }
            for (var published : publishWatermarks(event, retryFrom).entrySet()) {
                retryFrom.put(published.getKey(), published.getValue());
                failures.add(new BatchResponse.ItemFailure(published.getValue()));
            }
            if (retryFrom.isEmpty()) {
                LOG.debugf("invocation: %d records durable, %d open batches written", records, written);
            } else {
                LOG.warnf("invocation: partial batch failure, retry from %s", retryFrom);
            }
            return new BatchResponse(failures);
        } finally {
            batcher.reset();
            // the execution environment may be frozen after the reply: this invocation's counts go out now
            try {
                metrics.publish();
            } catch (RuntimeException e) {
                LOG.warnf(e, "could not write the EMF metrics line");
            }
        }
    }

    /**
     * Publishes, per shard, the last record before its first undurable one (every record when none failed). Returns the
     * shards whose watermark could not be written, each with that record: reported as failed, it comes back in a retry.
     */
    private Map<String, String> publishWatermarks(KinesisEventBatch event, Map<String, String> retryFrom) {
        Map<String, KinesisEventBatch.Kinesis> lastDurable = new LinkedHashMap<>();
        for (KinesisEventBatch.Record record : event.records()) {
            String shard = record.shardId();
            String from = retryFrom.get(shard);
            KinesisEventBatch.Kinesis k = record.kinesis();
            if (from == null || new BigInteger(k.sequenceNumber()).compareTo(new BigInteger(from)) < 0) {
                lastDurable.merge(shard, k, (a, b) -> new BigInteger(b.sequenceNumber()).compareTo(new BigInteger(a.sequenceNumber())) > 0 ? b : a);
            }
        }
        Map<String, String> unpublished = new LinkedHashMap<>();
        lastDurable.forEach((shard, k) -> {
            try {
                watermarks.advance(shard, new ShardPosition(k.sequenceNumber(), k.arrival()));
            } catch (RuntimeException e) {
                LOG.warnf("shard %s: durable up to %s, but its watermark could not be published (%s); that record is retried",
                        shard, k.sequenceNumber(), rootCause(e));
                unpublished.put(shard, k.sequenceNumber());
            }
        });
        return unpublished;
    }

    /**
     * A record whose processing threw (not a write: the batcher never saw it). Retrying it would fail the same way, and
     * under an event source mapping that retries until the record expires it would hold its shard back for the stream's
     * whole retention; so it goes to the errors zone with the exception, and the shard moves on. True when quarantined;
     * false when even that failed (the errors-zone write included), and the record is left to the retry, never skipped.
     */
    private boolean quarantine(String shard, KinesisEventBatch.Kinesis k, RuntimeException e) {
        Throwable cause = unwrap(e);
        LOG.errorf(cause, "shard %s: processing record %s failed; it goes to the errors zone as PROCESSING_FAILED", shard, k.sequenceNumber());
        try {
            List<SealedBatch> sealed = ingest.quarantine(k.data(), shard, k.sequenceNumber(), k.arrival(), cause);
            if (sealed != null) {
                for (SealedBatch batch : sealed) {
                    producer.sendBody("direct:write-batch", batch);
                }
            }
            return true;
        } catch (RuntimeException q) {
            LOG.warnf("shard %s: record %s could not be quarantined (%s); the rest of the shard is left to the retry", shard, k.sequenceNumber(), rootCause(q));
            return false;
        }
    }

    /** The exception the ingest core threw, without Camel's wrappers. */
    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CamelExecutionException || t instanceof RuntimeCamelException) && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /** Camel has already logged the failed delivery with its stack trace; one line of cause is enough here. */
    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.toString();
    }

    @PreDestroy
    void close() throws Exception {
        producer.close();
    }
}
