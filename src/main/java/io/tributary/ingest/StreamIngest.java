package io.tributary.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Headers;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tributary.analytics.MinuteWindows;
import io.tributary.batch.Batcher;
import io.tributary.batch.SealedBatch;
import io.tributary.event.EventProcessor;
import io.tributary.event.ReasonCode;
import io.tributary.event.RecordMeta;
import io.tributary.event.RoutedRecord;
import io.tributary.event.Zone;

/**
 * What the ingest routes call per Kinesis record and per batch: process → batch, then after each S3 put, commit.
 * Owns the pipeline metrics. The one ingest core for the container consumer and the Lambda handler.
 */
@Singleton
@Named("streamIngest")
public class StreamIngest {

    /** Header names the aws2-kinesis consumer sets (Kinesis2Constants). */
    public static final String SHARD_ID = "CamelAwsKinesisShardId";
    public static final String SEQUENCE_NUMBER = "CamelAwsKinesisSequenceNumber";
    public static final String ARRIVAL = "CamelAwsKinesisApproximateArrivalTimestamp";
    /** Exchange property holding the batch being written. */
    public static final String BATCH = "tributaryBatch";

    private final EventProcessor processor;
    private final Batcher batcher;
    private final String stream;
    private final MeterRegistry registry;
    private final Counter received;
    private final Counter valid;
    private final Map<ReasonCode, Counter> invalid = new EnumMap<>(ReasonCode.class);
    private final Map<Zone, Counter> batches = new EnumMap<>(Zone.class);
    private final Map<Zone, Counter> bytes = new EnumMap<>(Zone.class);
    private final DistributionSummary batchRecords;
    private final Timer flushLatency;
    private final Map<String, AtomicLong> lastArrival = new ConcurrentHashMap<>();
    private final MinuteWindows minutes;

    /** Without real-time minute windows (the ingest benchmark's bare path). */
    public StreamIngest(EventProcessor processor, Batcher batcher, String stream, MeterRegistry registry) {
        this(processor, batcher, stream, registry, MinuteWindows.disabled());
    }

    @Inject
    public StreamIngest(EventProcessor processor, Batcher batcher,
                        @ConfigProperty(name = "tributary.kinesis.stream") String stream, MeterRegistry registry,
                        MinuteWindows minutes) {
        this.minutes = minutes;
        this.processor = processor;
        this.batcher = batcher;
        this.stream = stream;
        this.registry = registry;
        this.received = Counter.builder("tributary.records.received").description("Records received (each user record of a KPL aggregate, JSON array or NDJSON record counts)").register(registry);
        this.valid = Counter.builder("tributary.records.valid").description("Records written to the raw zone").register(registry);
        for (ReasonCode r : ReasonCode.values()) {
            invalid.put(r, Counter.builder("tributary.records.invalid").tag("reason", r.name())
                    .description("Records written to the errors zone, by reason").register(registry));
        }
        for (Zone z : Zone.values()) {
            String zone = z.name().toLowerCase();
            batches.put(z, Counter.builder("tributary.batches.flushed").tag("zone", zone).description("Objects written").register(registry));
            bytes.put(z, Counter.builder("tributary.bytes.flushed").tag("zone", zone).baseUnit("bytes")
                    .description("Compressed bytes written").register(registry));
        }
        this.batchRecords = DistributionSummary.builder("tributary.batch.records").description("Records per written object").register(registry);
        this.flushLatency = Timer.builder("tributary.flush.latency").description("Time to write one object to S3").register(registry);
        Gauge.builder("tributary.batches.open", batcher, Batcher::openBatches).description("Open batches").register(registry);
    }

    /**
     * Processes one Kinesis record; returns the batches it sealed, to be written, or null when it sealed none (the usual
     * case: the route then skips the split without building one per record). A record holding several user records (a KPL
     * aggregate, a JSON array, NDJSON: see {@link ProducerRecords}) is split, and each user record is validated on its own
     * under the record's sequence number and its sub-sequence number; an unreadable KPL aggregate goes whole to the errors
     * zone as {@code BAD_AGGREGATE}.
     */
    public List<SealedBatch> accept(@Body byte[] payload, @Header(SHARD_ID) String shardId,
                                    @Header(SEQUENCE_NUMBER) String sequenceNumber, @Header(ARRIVAL) Instant arrival) {
        RecordMeta meta = new RecordMeta(stream, shardId, sequenceNumber, arrival);
        lastArrival.computeIfAbsent(shardId, this::registerShardGauges).set(arrival.toEpochMilli());
        if (payload.length > 0 && payload[0] == '{') {
            // the usual record, one JSON object: processed as it is, without a scan for more records first. A record the
            // event processor accepts is exactly one object, which unpacking leaves whole; anything else is unpacked below
            RoutedRecord routed = processor.process(payload, meta);
            if (routed.reason() == null) {
                List<SealedBatch> sealed = batcher.add(meta, counted(routed));
                return sealed.isEmpty() ? null : sealed;
            }
        }
        ProducerRecords.Unpacked unpacked = ProducerRecords.unpack(payload);
        List<SealedBatch> sealed;
        if (unpacked.whole()) {
            sealed = batcher.add(meta, process(payload, meta));
        } else if (unpacked.badAggregate() != null) {
            received.increment();
            invalid.get(unpacked.reason()).increment();
            sealed = batcher.add(meta, processor.rejected(payload, meta, unpacked.reason(), unpacked.badAggregate()));
        } else {
            List<byte[]> records = unpacked.records();
            List<RecordMeta> metas = new ArrayList<>(records.size());
            List<RoutedRecord> routed = new ArrayList<>(records.size());
            for (int i = 0; i < records.size(); i++) {
                RecordMeta sub = meta.sub(i);
                metas.add(sub);
                routed.add(process(records.get(i), sub));
            }
            sealed = batcher.addAll(metas, routed);
        }
        return sealed.isEmpty() ? null : sealed;
    }

    /**
     * Processes one GetRecords batch of one shard (the KCL consumer's exchange) in shard order, as {@link #accept} does
     * per record; returns every batch this sealed, or null when it sealed none.
     */
    public List<SealedBatch> acceptBatch(@Body KinesisBatch batch) {
        List<SealedBatch> sealed = null;
        for (KinesisBatch.Record r : batch.records()) {
            List<SealedBatch> s = accept(r.data(), batch.shardId(), r.sequenceNumber(), r.arrival());
            if (s != null) {
                if (sealed == null) {
                    sealed = new ArrayList<>(s);
                } else {
                    sealed.addAll(s);
                }
            }
        }
        return sealed;
    }

    /** Every open batch of one shard. */
    public List<SealedBatch> drain(String shardId) {
        return batcher.drain(shardId);
    }

    private RoutedRecord process(byte[] record, RecordMeta meta) {
        return counted(processor.process(record, meta));
    }

    /** Counts a processed record: received, and valid or invalid by its reason. */
    private RoutedRecord counted(RoutedRecord routed) {
        received.increment();
        if (routed.reason() == null) {
            valid.increment();
        } else {
            invalid.get(routed.reason()).increment();
        }
        return routed;
    }

    /**
     * Puts a record whose processing failed outside {@link EventProcessor} (which never throws) into the errors zone with
     * reason {@code PROCESSING_FAILED}, its payload and the exception: for a caller that must not retry it forever, such
     * as the Lambda handler under an event source mapping that retries until the record expires. Returns the batches
     * this sealed, or null.
     */
    public List<SealedBatch> quarantine(byte[] payload, String shardId, String sequenceNumber, Instant arrival, Throwable failure) {
        RecordMeta meta = new RecordMeta(stream, shardId, sequenceNumber, arrival);
        String message = "processing failed: " + failure.getClass().getName()
                + (failure.getMessage() == null ? "" : ": " + abbreviate(failure.getMessage()));
        RoutedRecord routed = processor.rejected(payload == null ? new byte[0] : payload, meta, ReasonCode.PROCESSING_FAILED, message);
        List<SealedBatch> sealed = batcher.add(meta, routed);
        invalid.get(ReasonCode.PROCESSING_FAILED).increment();
        return sealed.isEmpty() ? null : sealed;
    }

    private static String abbreviate(String s) {
        return s.length() <= 500 ? s : s.substring(0, 500) + "…";
    }

    /** Batches older than the max age. */
    public List<SealedBatch> expired() {
        return batcher.expired();
    }

    /** Every open batch. */
    public List<SealedBatch> drain() {
        return batcher.drain();
    }

    /** Turns a sealed batch into the S3 put: the object bytes as body, bucket and key as aws2-s3 headers. */
    public byte[] toPutObject(@Body SealedBatch batch, @Headers Map<String, Object> headers) {
        headers.put("CamelAwsS3OverrideBucketName", batch.bucket());
        headers.put("CamelAwsS3Key", batch.key());
        headers.put("CamelAwsS3ContentType", "application/gzip");
        headers.put("CamelAwsS3ContentLength", (long) batch.body().length);
        headers.put("tributaryPutStarted", System.nanoTime());
        return batch.body();
    }

    /** Called after the object is durably in S3: advances the checkpoint and records the flush. */
    public void committed(@ExchangeProperty(BATCH) SealedBatch batch, @Header("tributaryPutStarted") Long started) {
        batcher.committed(batch);
        if (batch.zone() == Zone.RAW) {
            // the part: the object's file name (<shard>-<first>-<last>.json.gz), the same for a batch written again with the same cut
            minutes.durable(batch.key().substring(batch.key().lastIndexOf('/') + 1), batcher.tallies(batch));
        }
        batches.get(batch.zone()).increment();
        bytes.get(batch.zone()).increment(batch.body().length);
        batchRecords.record(batch.records());
        if (started != null) {
            flushLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    private AtomicLong registerShardGauges(String shardId) {
        AtomicLong arrival = new AtomicLong();
        Gauge.builder("tributary.shard.behind.ms", arrival, a -> a.get() == 0 ? 0 : System.currentTimeMillis() - a.get())
                .tag("shard", shardId)
                .description("Milliseconds between now and the arrival time of the last record read (behind the stream tip)")
                .register(registry);
        Gauge.builder("tributary.checkpoint.lag.records", batcher, b -> b.pendingRecords().getOrDefault(shardId, 0L))
                .tag("shard", shardId)
                .description("Records read from the shard but not yet durable (the checkpoint is behind by this many)")
                .register(registry);
        return arrival;
    }
}
