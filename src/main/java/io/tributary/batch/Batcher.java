package io.tributary.batch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;

import io.tributary.event.EventFacts;
import io.tributary.event.RecordMeta;
import io.tributary.event.RoutedRecord;
import io.tributary.event.Zone;

/**
 * Batches processed records per (zone, shard, partition) into gzip NDJSON objects and tracks per-shard checkpoints.
 * A batch is sealed when it reaches max records or max bytes, when it is older than max age, when a newer raw hour opens
 * for its shard (arrival time only moves forward within a shard), or on drain. Thread-safe: the consumer polls shards in
 * parallel and a timer seals aged batches. Each raw batch also keeps a tally of its valid events by the key
 * {@code tally} gives (the real-time minute windows), read once the batch is durable ({@link #tallies}).
 */
public final class Batcher {

    private final BatchSettings settings;
    private final LakeLayout layout;
    private final LongSupplier nanoClock;
    private final Function<EventFacts, Object> tally;
    private final Map<OpenKey, OpenBatch> open = new LinkedHashMap<>();
    private final Map<String, ShardProgress> shards = new HashMap<>();

    public Batcher(BatchSettings settings, LakeLayout layout, LongSupplier nanoClock) {
        this(settings, layout, nanoClock, facts -> null);
    }

    /** {@code tally}: the key a valid event is tallied under in its raw batch, or null for none. */
    public Batcher(BatchSettings settings, LakeLayout layout, LongSupplier nanoClock, Function<EventFacts, Object> tally) {
        this.settings = settings;
        this.layout = layout;
        this.nanoClock = nanoClock;
        this.tally = tally;
    }

    public Batcher(BatchSettings settings, LakeLayout layout) {
        this(settings, layout, System::nanoTime);
    }

    /** Seeds a shard's checkpoint (loaded from the checkpoint store) before its first record. */
    public synchronized void restore(String shardId, String checkpoint) {
        restore(shardId, checkpoint, null);
    }

    /** Seeds a shard's checkpoint and the arrival time of its record (null when the stored checkpoint predates it). */
    public synchronized void restore(String shardId, String checkpoint, Instant checkpointArrival) {
        shards.computeIfAbsent(shardId, s -> new ShardProgress(checkpoint, checkpointArrival));
    }

    /** Adds one record; returns the batches this sealed (usually none). */
    public synchronized List<SealedBatch> add(RecordMeta meta, RoutedRecord record) {
        String shardId = meta.shardId();
        long now = nanoClock.getAsLong();
        ShardProgress progress = shards.computeIfAbsent(shardId, s -> new ShardProgress(null, null));
        List<SealedBatch> sealed = new ArrayList<>(0);
        if (record.zone() == Zone.RAW) {
            String previous = progress.lastRawPartition;
            if (previous != null && previous.compareTo(record.partition()) < 0) {
                OpenBatch older = open.remove(openKey(Zone.RAW, shardId, previous));
                if (older != null) {
                    sealed.add(seal(older));
                }
            }
            if (previous == null || previous.compareTo(record.partition()) < 0) {
                progress.lastRawPartition = record.partition();
            }
        }
        OpenKey key = openKey(record.zone(), shardId, record.partition());
        OpenBatch batch = open.get(key);
        if (batch == null) {
            batch = new OpenBatch(record.zone(), record.partition(), shardId, now, settings.gzipLevel());
            open.put(key, batch);
        }
        batch.append(record.line(), meta.position());
        if (record.facts() != null) {
            Object k = tally.apply(record.facts());
            if (k != null) {
                batch.tally(k);
            }
        }
        progress.track(batch, meta.sequenceNumber(), meta.arrival());
        if (batch.records >= settings.maxRecords() || batch.uncompressedBytes >= settings.maxBytes()) {
            open.remove(key);
            sealed.add(seal(batch));
        }
        return sealed;
    }

    /** Adds the user records of one Kinesis record (a KPL aggregate, a JSON array or NDJSON) at once, so no batch sealed
     *  by the timer meanwhile can move the checkpoint past the record while part of it is still unbatched. */
    public synchronized List<SealedBatch> addAll(List<RecordMeta> metas, List<RoutedRecord> records) {
        List<SealedBatch> sealed = new ArrayList<>(0);
        for (int i = 0; i < records.size(); i++) {
            sealed.addAll(add(metas.get(i), records.get(i)));
        }
        return sealed;
    }

    /** Seals every batch older than max age. */
    public synchronized List<SealedBatch> expired() {
        long now = nanoClock.getAsLong();
        long maxAge = settings.maxAge().toNanos();
        List<SealedBatch> sealed = new ArrayList<>(0);
        for (Iterator<OpenBatch> it = open.values().iterator(); it.hasNext();) {
            OpenBatch b = it.next();
            if (now - b.openedAtNanos >= maxAge) {
                it.remove();
                sealed.add(seal(b));
            }
        }
        return sealed;
    }

    /** Seals every open batch (shutdown, end of a Lambda invocation). */
    public synchronized List<SealedBatch> drain() {
        List<SealedBatch> sealed = new ArrayList<>(open.size());
        for (OpenBatch b : open.values()) {
            sealed.add(seal(b));
        }
        open.clear();
        return sealed;
    }

    /** Seals every open batch of one shard (a KCL record processor that ends its shard or is asked to shut down). */
    public synchronized List<SealedBatch> drain(String shardId) {
        List<SealedBatch> sealed = new ArrayList<>(0);
        for (Iterator<OpenBatch> it = open.values().iterator(); it.hasNext();) {
            OpenBatch b = it.next();
            if (b.shardId.equals(shardId)) {
                it.remove();
                sealed.add(seal(b));
            }
        }
        return sealed;
    }

    /** The shard's durable checkpoint (last sequence number durable in S3 with everything before it), or null. */
    public synchronized ShardPosition durable(String shardId) {
        ShardProgress p = shards.get(shardId);
        return p == null || p.checkpoint == null ? null : new ShardPosition(p.checkpoint, p.checkpointArrival);
    }

    /** Records of the shard read but not yet durable. */
    public synchronized long pending(String shardId) {
        ShardProgress p = shards.get(shardId);
        return p == null ? 0 : p.pendingRecords;
    }

    /** Whether this process tracks the shard (read it, or restored its checkpoint). */
    public synchronized boolean tracks(String shardId) {
        return shards.containsKey(shardId);
    }

    /** Marks a written batch durable and advances its shard's checkpoint as far as the durable prefix allows. */
    public synchronized void committed(SealedBatch batch) {
        OpenBatch b = (OpenBatch) batch.token();
        b.durable = true;
        shards.get(b.shardId).advance(b.records);
    }

    /** The tallies of a sealed batch (empty for none): key → {count}. */
    public Map<Object, long[]> tallies(SealedBatch batch) {
        return ((OpenBatch) batch.token()).tallies();
    }

    /** Checkpoints that moved since the last {@link #persisted} call, by shard. */
    public synchronized Map<String, String> unpersistedCheckpoints() {
        Map<String, String> changed = new HashMap<>();
        shards.forEach((shard, p) -> {
            if (p.checkpoint != null && !p.checkpoint.equals(p.persisted)) {
                changed.put(shard, p.checkpoint);
            }
        });
        return changed;
    }

    /** Checkpoints (with the arrival time of their record) that moved since the last {@link #persisted} call, by shard. */
    public synchronized Map<String, ShardPosition> unpersistedPositions() {
        Map<String, ShardPosition> changed = new HashMap<>();
        shards.forEach((shard, p) -> {
            if (p.checkpoint != null && !p.checkpoint.equals(p.persisted)) {
                changed.put(shard, new ShardPosition(p.checkpoint, p.checkpointArrival));
            }
        });
        return changed;
    }

    /** Records that a shard's checkpoint was written to the checkpoint store. */
    public synchronized void persisted(String shardId, String checkpoint) {
        shards.get(shardId).persisted = checkpoint;
    }

    /** Records that a shard's checkpoint and its arrival time were written to the checkpoint store. */
    public synchronized void persisted(String shardId, ShardPosition position) {
        ShardProgress p = shards.get(shardId);
        p.persisted = position.sequenceNumber();
        p.persistedArrival = position.arrival();
    }

    /** Where a re-opened shard iterator must resume: after the last record this process read, else after the checkpoint. */
    public synchronized String resumeAfter(String shardId) {
        ShardProgress p = shards.get(shardId);
        if (p == null) {
            return null;
        }
        return p.lastRead != null ? p.lastRead : p.checkpoint;
    }

    /** Lowest sequence number of a shard that is not durable yet (the Lambda retry point); null when all are durable. */
    public synchronized String firstUndurable(String shardId) {
        ShardProgress p = shards.get(shardId);
        return p == null ? null : p.firstUndurable();
    }

    /** Records read but not yet durable, per shard (checkpoint lag). */
    public synchronized Map<String, Long> pendingRecords() {
        Map<String, Long> pending = new HashMap<>();
        shards.forEach((shard, p) -> pending.put(shard, p.pendingRecords));
        return pending;
    }

    /** Forgets every open batch and every shard's progress: a Lambda invocation starts from nothing, because the event
     *  source mapping, not this process, owns the checkpoints and re-sends whatever an invocation reported as failed. */
    public synchronized void reset() {
        open.clear();
        shards.clear();
    }

    /** Number of open batches. */
    public synchronized int openBatches() {
        return open.size();
    }

    private SealedBatch seal(OpenBatch b) {
        byte[] body = b.finish();
        return new SealedBatch(b.zone, layout.bucket(b.zone), layout.key(b.zone, b.partition, b.shardId, b.firstSeq, b.lastSeq),
                body, b.records, b.uncompressedBytes, b.shardId, b.lastSeq, b);
    }

    /** Identity of an open batch; a record rather than a concatenated string: no allocation of a key text per record. */
    private record OpenKey(Zone zone, String shardId, String partition) {
    }

    private static OpenKey openKey(Zone zone, String shardId, String partition) {
        return new OpenKey(zone, shardId, partition);
    }
}
