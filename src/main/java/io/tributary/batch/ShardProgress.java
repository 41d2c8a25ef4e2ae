package io.tributary.batch;

import java.util.ArrayDeque;

/**
 * Per-shard checkpoint tracking. Records of a shard are read in sequence order and each goes to one batch; consecutive
 * records of the same batch form a segment. The checkpoint may only pass a segment once its batch is durable, so it is the
 * last sequence number of the longest durable prefix. Not thread-safe: the {@link Batcher} guards it.
 */
final class ShardProgress {

    private record Segment(OpenBatch batch, String firstSeq, String[] lastSeq) {
    }

    private final ArrayDeque<Segment> segments = new ArrayDeque<>();
    /** Last sequence number handed to the pipeline in this process (resume point for a re-opened iterator). */
    String lastRead;
    /** Last sequence number durably in S3 with everything before it. */
    String checkpoint;
    /** Checkpoint value last written to the checkpoint store. */
    String persisted;
    /** Partition of the newest raw record, to seal older hours early. */
    String lastRawPartition;
    long pendingRecords;

    ShardProgress(String checkpoint) {
        this.checkpoint = checkpoint;
        this.persisted = checkpoint;
    }

    void track(OpenBatch batch, String seq) {
        Segment tail = segments.peekLast();
        if (tail != null && tail.batch == batch) {
            tail.lastSeq[0] = seq;
        } else {
            segments.addLast(new Segment(batch, seq, new String[] {seq}));
        }
        lastRead = seq;
        pendingRecords++;
    }

    /** Advances the checkpoint over every leading segment whose batch is durable. */
    void advance(int durableRecords) {
        pendingRecords -= durableRecords;
        while (!segments.isEmpty() && segments.peekFirst().batch.durable) {
            checkpoint = segments.pollFirst().lastSeq[0];
        }
    }

    /** First sequence number that is not yet durable, or null when everything read is durable. */
    String firstUndurable() {
        Segment head = segments.peekFirst();
        return head == null ? null : head.firstSeq;
    }
}
