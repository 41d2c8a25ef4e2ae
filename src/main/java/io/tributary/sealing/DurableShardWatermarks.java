package io.tributary.sealing;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

import io.tributary.batch.ShardPosition;
import io.tributary.checkpoint.CheckpointStore;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The watermark of every shard of the stream, from evidence that survives the process that produced it: the durable
 * position the shard's owner published in the {@link CheckpointStore} (any number of container tasks, or Lambda
 * invocations), and one read of the shard right after that position. The read is what tells a stalled shard from a quiet
 * one: a record after the durable position is not durable yet (its arrival says which hours it holds back); an empty read
 * with {@code MillisBehindLatest} 0 shows the shard at its tip; an exhausted closed shard is ended. A shard whose read fails
 * gives no evidence and holds every hour back.
 * <p>Cost: per call, one GetObject per shard, and one GetShardIterator and usually one GetRecords (limit 1) per shard not
 * already durable past {@code needed} — far below the per-shard limits (5 reads per second), once per sealing round.
 */
public final class DurableShardWatermarks implements ShardWatermarks {

    private static final Logger LOG = Logger.getLogger(DurableShardWatermarks.class);
    /** GetRecords calls per probe: an empty read that is still behind the tip is followed this many times at most. */
    static final int MAX_READS = 3;

    private final KinesisClient kinesis;
    private final String stream;
    private final CheckpointStore positions;
    private final Clock clock;

    public DurableShardWatermarks(KinesisClient kinesis, String stream, CheckpointStore positions, Clock clock) {
        this.kinesis = kinesis;
        this.stream = stream;
        this.positions = positions;
        this.clock = clock;
    }

    @Override
    public List<ShardWatermark> current(Instant needed) {
        List<ShardWatermark> marks = new ArrayList<>();
        try {
            for (Shard shard : shards()) {
                String id = shard.shardId();
                ShardPosition durable = positions.loadPosition(id);
                if (durable != null && durable.arrival() != null && !durable.arrival().isBefore(needed)) {
                    marks.add(ShardWatermark.durable(id, durable.sequenceNumber(), durable.arrival()));
                } else {
                    marks.add(probe(id, durable));
                }
            }
        } catch (SdkException e) {
            LOG.warnf("shard watermarks unknown (%s): no hour is sealed this round", e.getMessage());
            return List.of();
        }
        return marks;
    }

    private List<Shard> shards() {
        List<Shard> all = new ArrayList<>();
        String next = null;
        do {
            String token = next;
            var page = kinesis.listShards(b -> {
                if (token == null) {
                    b.streamName(stream);
                } else {
                    b.nextToken(token); // ListShards takes the token instead of the stream name
                }
            });
            all.addAll(page.shards());
            next = page.nextToken();
        } while (next != null);
        return all;
    }

    /** Reads the shard right after its durable position (from its start when it has none). */
    ShardWatermark probe(String shardId, ShardPosition durable) {
        String seq = durable == null ? null : durable.sequenceNumber();
        Instant arrival = durable == null ? null : durable.arrival();
        Instant readAt = clock.instant();
        try {
            String iterator = kinesis.getShardIterator(b -> {
                b.streamName(stream).shardId(shardId);
                if (seq == null) {
                    b.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
                } else {
                    b.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).startingSequenceNumber(seq);
                }
            }).shardIterator();
            for (int read = 0; read < MAX_READS && iterator != null; read++) {
                String it = iterator;
                GetRecordsResponse r = kinesis.getRecords(b -> b.shardIterator(it).limit(1));
                if (!r.records().isEmpty()) {
                    return new ShardWatermark(shardId, seq, arrival, r.records().get(0).approximateArrivalTimestamp(), null, false);
                }
                if (r.nextShardIterator() == null) {
                    return new ShardWatermark(shardId, seq, arrival, null, null, true);
                }
                if (r.millisBehindLatest() != null && r.millisBehindLatest() == 0) {
                    return new ShardWatermark(shardId, seq, arrival, null, readAt, false);
                }
                iterator = r.nextShardIterator();
            }
            LOG.debugf("shard %s: still behind its tip after %d empty reads; no evidence this round", shardId, MAX_READS);
        } catch (SdkException e) {
            LOG.warnf("shard %s could not be read after its durable position %s (%s): it holds every hour back", shardId, seq,
                    e.getMessage());
        }
        return new ShardWatermark(shardId, seq, arrival, null, null, false);
    }
}
