package io.tributary.batch;

import java.time.Instant;
import java.util.ArrayDeque;

/**
 * Per-shard checkpoint tracking. Records of a shard are read in sequence order and each goes to one batch; consecutive
 * records of the same batch form a segment. The checkpoint may only pass a segment once its batch is durable, so it is the
 * last sequence number of the longest durable prefix. The user records of one Kinesis record (a KPL aggregate, a JSON
 * array) share its sequence number and may go to several batches: the checkpoint passes that sequence number only when
 * the segment holding its last user record is durable. Not thread-safe: the {@link Batcher} guards it.
 */
final class ShardProgress {

    /** {@code lastSeq[0]} is the segment's last sequence number, {@code lastArrival[0]} that record's arrival;
     *  {@code priorSeq[0]} and {@code priorArrival[0]} the record before it in the segment (null when it holds one). */
    private record Segment(OpenBatch batch, String firstSeq, String[] lastSeq, Instant[] lastArrival,
                           String[] priorSeq, Instant[] priorArrival) {
    }

    private final ArrayDeque<Segment> segments = new ArrayDeque<>();
    /** Last sequence number handed to the pipeline in this process (resume point for a re-opened iterator). */
    String lastRead;
    /** Last sequence number durably in S3 with everything before it. */
    String checkpoint;
    /** Kinesis arrival time of the checkpoint's record (null when unknown: no checkpoint, or one written before it was kept). */
    Instant checkpointArrival;
    /** Arrival time of the checkpoint value last written to the checkpoint store. */
    Instant persistedArrival;
    /** Checkpoint value last written to the checkpoint store. */
    String persisted;
    /** Partition of the newest raw record, to seal older hours early. */
    String lastRawPartition;
    long pendingRecords;

    ShardProgress(String checkpoint, Instant checkpointArrival) {
        this.checkpoint = checkpoint;
        this.persisted = checkpoint;
        this.checkpointArrival = checkpointArrival;
        this.persistedArrival = checkpointArrival;
    }

    void track(OpenBatch batch, String seq, Instant arrival) {
        Segment tail = segments.peekLast();
        if (tail != null && tail.batch == batch) {
            if (!seq.equals(tail.lastSeq[0])) {
                tail.priorSeq[0] = tail.lastSeq[0];
                tail.priorArrival[0] = tail.lastArrival[0];
            }
            tail.lastSeq[0] = seq;
            tail.lastArrival[0] = arrival;
        } else {
            segments.addLast(new Segment(batch, seq, new String[] {seq}, new Instant[] {arrival}, new String[1], new Instant[1]));
        }
        lastRead = seq;
        pendingRecords++;
    }

    /** Advances the checkpoint over every leading segment whose batch is durable. */
    void advance(int durableRecords) {
        pendingRecords -= durableRecords;
        while (!segments.isEmpty() && segments.peekFirst().batch.durable) {
            Segment done = segments.pollFirst();
            Segment next = segments.peekFirst();
            if (next != null && next.firstSeq.equals(done.lastSeq[0])) {
                // the Kinesis record's remaining user records are in the next segment: stop before it
                if (done.priorSeq[0] != null) {
                    checkpoint = done.priorSeq[0];
                    checkpointArrival = done.priorArrival[0];
                }
            } else {
                checkpoint = done.lastSeq[0];
                checkpointArrival = done.lastArrival[0];
            }
        }
    }

    /** First sequence number that is not yet durable, or null when everything read is durable. */
    String firstUndurable() {
        Segment head = segments.peekFirst();
        return head == null ? null : head.firstSeq;
    }
}
