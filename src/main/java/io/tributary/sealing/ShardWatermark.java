package io.tributary.sealing;

import java.time.Instant;

/**
 * What is known, durably, of one shard for hour sealing. {@code durableSequence}/{@code durableArrival}: the position its
 * owner (a container consumer, a Lambda invocation) published after the record and everything before it was durable in
 * the raw zone (null: nothing published yet). Then what one read of the shard right after that position found:
 * {@code nextArrival}, the arrival time of the first record that is not durable yet; or {@code atTipAt}, the time of a read
 * that found nothing after it (the shard at its tip, {@code MillisBehindLatest} 0); or {@code ended}, a closed shard read to
 * its end. All three null/false: no evidence (the read failed or was inconclusive). "Nothing read lately" is never evidence.
 */
public record ShardWatermark(String shardId, String durableSequence, Instant durableArrival, Instant nextArrival, Instant atTipAt,
                             boolean ended) {

    /** Everything of the shard that arrived before {@code cutoff} is durable: arrival times only grow within a shard, so a
     *  durable record at or after the cutoff, or a first undurable one at or after it, or a read at the tip after it, prove it. */
    public boolean durableBefore(Instant cutoff) {
        return ended
                || (durableArrival != null && !durableArrival.isBefore(cutoff))
                || (nextArrival != null && !nextArrival.isBefore(cutoff))
                || (atTipAt != null && !atTipAt.isBefore(cutoff));
    }

    /** Everything the shard holds was durable when it was last read (at its tip, or ended). */
    public boolean caughtUp() {
        return ended || atTipAt != null;
    }

    /** A watermark known to be durable at or past {@code arrival} without reading the shard. */
    public static ShardWatermark durable(String shardId, String sequence, Instant arrival) {
        return new ShardWatermark(shardId, sequence, arrival, null, null, false);
    }
}
