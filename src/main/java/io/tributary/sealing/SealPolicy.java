package io.tributary.sealing;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * When a raw hour is complete: the wall clock is past {@code end + grace}, and every shard of the stream proves that all of
 * its records that arrived before {@code end + grace} are durable in the raw zone ({@link ShardWatermark#durableBefore}).
 * A shard that cannot be read, or whose owner has not published its durable position, holds every hour back — a stalled
 * shard and a quiet one look different. With {@code sealOpenHour} (tests, dev mode) the current hour may seal early when every
 * shard was found at its tip (or ended) and some shard holds a durable record of the hour.
 */
public final class SealPolicy {

    private final Duration grace;
    private final boolean sealOpenHour;

    public SealPolicy(Duration grace, boolean sealOpenHour) {
        this.grace = grace;
        this.sealOpenHour = sealOpenHour;
    }

    /** Whether the hour may be looked at yet (no shard need be read before that). */
    public boolean due(String hour, Instant now) {
        return sealOpenHour || !now.isBefore(cutoff(hour));
    }

    /** The cutoff of the newest hour that is due now: a shard durable past it need not be read for any due hour. */
    public Instant latestDueCutoff(Instant now) {
        if (sealOpenHour) {
            return now;
        }
        return cutoff(RawHours.of(now.minus(grace).minus(Duration.ofHours(1))));
    }

    public Instant cutoff(String hour) {
        return RawHours.end(hour).plus(grace);
    }

    public boolean complete(String hour, Instant now, List<ShardWatermark> shards) {
        if (shards.isEmpty()) {
            return false; // the stream could not be listed: nothing is known
        }
        Instant cutoff = cutoff(hour);
        if (!now.isBefore(cutoff)) {
            return shards.stream().allMatch(s -> s.durableBefore(cutoff));
        }
        if (!sealOpenHour) {
            return false;
        }
        Instant start = RawHours.start(hour);
        boolean anyDataOfTheHour = shards.stream().anyMatch(s -> s.durableArrival() != null && !s.durableArrival().isBefore(start));
        return anyDataOfTheHour && shards.stream().allMatch(ShardWatermark::caughtUp);
    }
}
