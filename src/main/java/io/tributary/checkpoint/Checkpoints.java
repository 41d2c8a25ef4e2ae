package io.tributary.checkpoint;

import java.util.Map;

import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.tributary.batch.Batcher;
import io.tributary.batch.ShardPosition;

/** Loads a shard's checkpoint when its iterator opens and writes advanced checkpoints to the store. */
@Singleton
@Named("checkpoints")
public class Checkpoints {

    private static final Logger LOG = Logger.getLogger(Checkpoints.class);

    private final Batcher batcher;
    private final CheckpointStore store;

    public Checkpoints(Batcher batcher, CheckpointStore store) {
        this.batcher = batcher;
        this.store = store;
    }

    /** Resume point of a shard: what this process already read, else the durable checkpoint, else null (iterator type). */
    public String resumeAfter(String shardId) {
        String inProcess = batcher.resumeAfter(shardId);
        if (inProcess != null) {
            return inProcess;
        }
        ShardPosition position = store.loadPosition(shardId);
        String stored = position == null ? null : position.sequenceNumber();
        batcher.restore(shardId, stored, position == null ? null : position.arrival());
        LOG.infof("shard %s resumes %s", shardId, stored == null ? "from the configured iterator type" : "after " + stored);
        return stored;
    }

    /** Writes every checkpoint that advanced since the last call. Serialised: the timer route and the shutdown flush both
     *  call it, and two unsynchronised callers could finish in the wrong order and leave an older checkpoint in S3. */
    public synchronized int persist() {
        Map<String, ShardPosition> changed = batcher.unpersistedPositions();
        changed.forEach((shard, position) -> {
            store.save(shard, position);
            batcher.persisted(shard, position);
        });
        return changed.size();
    }
}
