package io.tributary.sealing;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.tributary.batch.ShardWatermark;

/**
 * When a raw hour is complete. Every shard must be past the hour end plus the grace period: its checkpoint record arrived
 * at or after {@code end + grace} (arrival only moves forward within a shard, so everything of the hour before it is
 * durable), or the shard is idle: nothing read but not yet durable, and no record read for at least the grace period
 * (a quiet shard, or a closed shard read to its end). And the wall clock must be past {@code end + grace}, unless
 * {@code sealOpenHour} (tests, dev mode) lets an hour whose shards are all idle seal early — only once some shard has a
 * durable record of that hour, so a freshly started process does not seal an hour before its first record arrives.
 */
public final class SealPolicy {

    private final Duration grace;
    private final boolean sealOpenHour;

    public SealPolicy(Duration grace, boolean sealOpenHour) {
        this.grace = grace;
        this.sealOpenHour = sealOpenHour;
    }

    public boolean complete(String hour, Instant now, List<ShardWatermark> shards) {
        if (shards.isEmpty()) {
            return false; // no shard heard of yet (just started): nothing is known
        }
        Instant cutoff = RawHours.end(hour).plus(grace);
        Instant start = RawHours.start(hour);
        boolean allIdle = true;
        boolean anyDataOfTheHour = false;
        for (ShardWatermark s : shards) {
            anyDataOfTheHour |= s.checkpointArrival() != null && !s.checkpointArrival().isBefore(start);
            boolean idle = s.pendingRecords() == 0 && s.idleFor().compareTo(grace) >= 0;
            boolean past = s.checkpointArrival() != null && !s.checkpointArrival().isBefore(cutoff);
            allIdle &= idle;
            if (!idle && !past) {
                return false;
            }
        }
        return !now.isBefore(cutoff) || (sealOpenHour && allIdle && anyDataOfTheHour);
    }

    public Duration grace() {
        return grace;
    }
}
