package io.tributary.kcl;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

import io.tributary.batch.Batcher;
import io.tributary.batch.SealedBatch;
import io.tributary.batch.ShardPosition;
import io.tributary.checkpoint.CheckpointStore;
import io.tributary.ingest.KinesisBatch;
import software.amazon.kinesis.exceptions.InvalidStateException;
import software.amazon.kinesis.exceptions.KinesisClientLibDependencyException;
import software.amazon.kinesis.exceptions.ShutdownException;
import software.amazon.kinesis.exceptions.ThrottlingException;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.processor.RecordProcessorCheckpointer;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import software.amazon.kinesis.retrieval.kpl.ExtendedSequenceNumber;

/**
 * The record processor of one shard lease: hands each GetRecords batch to the ingest route as one exchange, and moves the
 * shard's KCL checkpoint only to the shard's durable position (the last record durable in S3 with everything before it,
 * tracked by {@link Batcher}). A batch whose processing fails stops the shard here: nothing after the durable position is
 * checkpointed, the failure is logged and reported by readiness, and the records are read again after a restart.
 */
final class ShardIngestProcessor implements ShardRecordProcessor {

    private static final Logger LOG = Logger.getLogger(ShardIngestProcessor.class);

    /** The ingest route and the write of sealed batches, as the consumer runs them. */
    interface Pipeline {
        void ingest(KinesisBatch batch) throws Exception;

        void write(SealedBatch batch) throws Exception;
    }

    private final Pipeline pipeline;
    private final Batcher batcher;
    private final CheckpointStore store;
    private final KclStatus status;
    private final long checkpointIntervalNanos;
    private final Duration shardEndWait;
    private final long maxUndurable;
    private final java.util.function.BooleanSupplier stopping;

    private String shardId;
    /** Last value checkpointed to the KCL (or the lease's checkpoint at start): KCL checkpoints only move forward. */
    private BigInteger checkpointed;
    /** Last sequence number handed to this processor: the KCL refuses a checkpoint beyond it. */
    private BigInteger lastHanded;
    private long lastCheckpointNanos;
    private Exception failure;

    ShardIngestProcessor(Pipeline pipeline, Batcher batcher, CheckpointStore store, KclStatus status, Duration checkpointInterval,
                         Duration shardEndWait, long maxUndurable, java.util.function.BooleanSupplier stopping) {
        this.maxUndurable = maxUndurable;
        this.stopping = stopping;
        this.pipeline = pipeline;
        this.batcher = batcher;
        this.store = store;
        this.status = status;
        this.checkpointIntervalNanos = checkpointInterval.toNanos();
        this.shardEndWait = shardEndWait;
    }

    @Override
    public void initialize(InitializationInput input) {
        shardId = input.shardId();
        ExtendedSequenceNumber start = input.extendedSequenceNumber();
        String startSeq = isSequenceNumber(start) ? start.sequenceNumber() : null;
        checkpointed = startSeq == null ? null : new BigInteger(startSeq);
        if (!batcher.tracks(shardId)) {
            // the S3 checkpoint object keeps the arrival time of the durable record (hour sealing reads it)
            ShardPosition stored = null;
            try {
                stored = store.loadPosition(shardId);
            } catch (RuntimeException e) {
                LOG.warnf("shard %s: cannot read its S3 checkpoint object (%s); its arrival time is unknown until the next durable batch", shardId, e.toString());
            }
            boolean same = stored != null && startSeq != null && startSeq.equals(stored.sequenceNumber());
            batcher.restore(shardId, startSeq, same ? stored.arrival() : null);
        }
        status.owned(shardId);
        LOG.infof("shard %s: lease taken, reading after %s", shardId, start);
    }

    @Override
    public void processRecords(ProcessRecordsInput input) {
        if (failure != null) {
            status.handed(shardId, durableSequence());
            return; // stopped: what was read after the failure is read again after a restart
        }
        List<KinesisClientRecord> records = input.records();
        if (!records.isEmpty()) {
            List<KinesisBatch.Record> batch = new ArrayList<>(records.size());
            for (KinesisClientRecord r : records) {
                batch.add(new KinesisBatch.Record(bytes(r.data()), r.sequenceNumber(), r.approximateArrivalTimestamp()));
            }
            try {
                pipeline.ingest(new KinesisBatch(shardId, batch, input.millisBehindLatest()));
            } catch (Exception e) {
                failure = e;
                status.failed(shardId, e);
                LOG.errorf(e, "shard %s: processing of %d records from %s failed; the shard stops here, its checkpoint stays at "
                        + "the durable position %s, readiness reports it", shardId, records.size(), records.get(0).sequenceNumber(), durableSequence());
                return;
            }
            lastHanded = new BigInteger(records.get(records.size() - 1).sequenceNumber());
        }
        status.handed(shardId, durableSequence());
        checkpointDurable(input.checkpointer(), false);
        // backpressure: while S3 does not take the writes, hold the shard here (KCL stops asking for more of it; its
        // iterator may expire meanwhile, and the KCL gets a new one after the last record read)
        while (batcher.pending(shardId) > maxUndurable && !stopping.getAsBoolean()) {
            sleep(200);
        }
    }

    @Override
    public void leaseLost(LeaseLostInput input) {
        // no checkpoint is possible any more; the new owner reads after the last durable position checkpointed
        status.released(shardId);
        LOG.infof("shard %s: lease lost", shardId);
    }

    @Override
    public void shardEnded(ShardEndedInput input) {
        if (failure != null) {
            throw new IllegalStateException("shard " + shardId + " ended after its processing failed; not checkpointed at SHARD_END", failure);
        }
        writeOpenBatches();
        long deadline = System.nanoTime() + shardEndWait.toNanos();
        while (batcher.firstUndurable(shardId) != null && System.nanoTime() < deadline) {
            sleep(100); // a batch sealed by the age timer may still be in its S3 put
        }
        String undurable = batcher.firstUndurable(shardId);
        if (undurable != null) {
            checkpointDurable(input.checkpointer(), true);
            // the KCL retries the end of the shard later; SHARD_END only when every record of it is durable
            throw new IllegalStateException("shard " + shardId + " ended with records not durable in S3 from " + undurable);
        }
        try {
            input.checkpointer().checkpoint();
            LOG.infof("shard %s: ended, every record durable, checkpointed at SHARD_END", shardId);
        } catch (ShutdownException | InvalidStateException e) {
            throw new IllegalStateException("shard " + shardId + ": SHARD_END checkpoint failed", e);
        } finally {
            status.released(shardId);
        }
    }

    @Override
    public void shutdownRequested(ShutdownRequestedInput input) {
        if (failure == null) {
            writeOpenBatches();
        }
        checkpointDurable(input.checkpointer(), true);
        status.released(shardId);
        LOG.infof("shard %s: shut down, checkpointed at %s", shardId, checkpointed);
    }

    /** Writes the shard's open batches (end of shard, shutdown); a write that fails stays not durable and is logged. */
    private void writeOpenBatches() {
        for (SealedBatch batch : batcher.drain(shardId)) {
            try {
                pipeline.write(batch);
            } catch (Exception e) {
                LOG.errorf(e, "shard %s: %s not written; its records stay after the checkpoint and are read again", shardId, batch.key());
            }
        }
    }

    /** Checkpoints the shard's durable position if it moved (at most every checkpoint interval unless {@code now}). */
    private void checkpointDurable(RecordProcessorCheckpointer checkpointer, boolean now) {
        long t = System.nanoTime();
        if (!now && t - lastCheckpointNanos < checkpointIntervalNanos) {
            return;
        }
        String durable = durableSequence();
        if (durable == null || lastHanded == null) {
            return;
        }
        BigInteger seq = new BigInteger(durable);
        if (seq.compareTo(lastHanded) > 0) {
            seq = lastHanded; // durable from an earlier lease of this process: everything up to here is durable too
        }
        if (checkpointed != null && seq.compareTo(checkpointed) <= 0) {
            return;
        }
        try {
            checkpointer.checkpoint(seq.toString());
            checkpointed = seq;
            lastCheckpointNanos = t;
        } catch (ShutdownException e) {
            LOG.infof("shard %s: lease gone, durable position %s not checkpointed (the next owner reads it again)", shardId, seq);
        } catch (ThrottlingException | KinesisClientLibDependencyException e) {
            LOG.warnf("shard %s: checkpoint at %s not written (%s); retried with the next batch", shardId, seq, e.toString());
        } catch (InvalidStateException e) {
            LOG.errorf(e, "shard %s: checkpoint at %s refused by the lease table", shardId, seq);
        }
    }

    private String durableSequence() {
        ShardPosition p = batcher.durable(shardId);
        return p == null ? null : p.sequenceNumber();
    }

    private static boolean isSequenceNumber(ExtendedSequenceNumber n) {
        return n != null && n.sequenceNumber() != null && !n.sequenceNumber().isEmpty()
                && Character.isDigit(n.sequenceNumber().charAt(0));
    }

    private static byte[] bytes(ByteBuffer data) {
        ByteBuffer b = data.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for durable writes", e);
        }
    }
}
