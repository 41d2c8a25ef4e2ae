package io.tributary.kcl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import jakarta.inject.Singleton;

/**
 * What readiness needs to know of the KCL consumer: the shards this process holds leases for, when each last got a
 * GetRecords result, when its durable position last moved, and whether its processing failed. Thread-safe: every record
 * processor reports here.
 */
@Singleton
public class KclStatus {

    private static final class Shard {
        long lastHandedNanos;
        long durableMovedNanos;
        String durable;
        Throwable failure;
    }

    private final LongSupplier nanoClock;
    private final Map<String, Shard> owned = new HashMap<>();
    private String schedulerFailure;

    public KclStatus() {
        this(System::nanoTime);
    }

    KclStatus(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** A record processor took the shard's lease. */
    public synchronized void owned(String shardId) {
        Shard s = new Shard();
        s.lastHandedNanos = nanoClock.getAsLong();
        s.durableMovedNanos = s.lastHandedNanos;
        owned.put(shardId, s);
    }

    /** The shard's lease ended (lost, shard ended, shutdown). */
    public synchronized void released(String shardId) {
        owned.remove(shardId);
    }

    /** A GetRecords result (possibly empty) reached the processor; {@code durable} is the shard's durable position. */
    public synchronized void handed(String shardId, String durable) {
        Shard s = owned.get(shardId);
        if (s == null) {
            return;
        }
        long now = nanoClock.getAsLong();
        s.lastHandedNanos = now;
        if (durable != null && !durable.equals(s.durable)) {
            s.durable = durable;
            s.durableMovedNanos = now;
        }
    }

    /** Processing of the shard failed: nothing after its durable position is checkpointed until a restart re-reads it. */
    public synchronized void failed(String shardId, Throwable failure) {
        Shard s = owned.get(shardId);
        if (s != null) {
            s.failure = failure;
        }
    }

    /** The KCL scheduler stopped without being asked to. */
    public synchronized void schedulerFailed(String why) {
        schedulerFailure = why;
    }

    /** Shards held by this process. */
    public synchronized List<String> ownedShards() {
        return new ArrayList<>(owned.keySet());
    }

    /**
     * Why the consumer cannot make progress, empty when it can: a failed shard, a shard that got no GetRecords result for
     * {@code stall}, or one holding records not durable in S3 ({@code pending} by shard) whose durable position has not
     * moved for {@code stall}.
     */
    public synchronized List<String> problems(Duration stall, Map<String, Long> pending) {
        List<String> out = new ArrayList<>();
        if (schedulerFailure != null) {
            out.add("KCL scheduler stopped: " + schedulerFailure);
        }
        long now = nanoClock.getAsLong();
        Map<String, Shard> sorted = new HashMap<>(owned);
        sorted.forEach((shard, s) -> {
            if (s.failure != null) {
                out.add(shard + ": processing failed (" + s.failure + "); restart to re-read after the durable position");
            } else if (now - s.lastHandedNanos > stall.toNanos()) {
                out.add(shard + ": no GetRecords result for " + Duration.ofNanos(now - s.lastHandedNanos).toSeconds() + " s");
            } else if (pending.getOrDefault(shard, 0L) > 0 && now - s.durableMovedNanos > stall.toNanos()) {
                out.add(shard + ": " + pending.get(shard) + " records not durable, durable position unchanged for "
                        + Duration.ofNanos(now - s.durableMovedNanos).toSeconds() + " s");
            }
        });
        out.sort(null);
        return out;
    }
}
