package io.tributary.analytics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.Body;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.config.TributaryConfig;
import io.tributary.event.EventFacts;
import io.tributary.warehouse.MinuteCount;

/**
 * Real-time one-minute counts by event time, keyed by (minute, event type, country, device type), that add up across
 * shards, consumers and restarts. Each raw batch tallies the valid events it holds per window (one map update per record,
 * in the batch: {@link #keyOf}); when the batch is durable in S3, its tallies become rows of that batch alone — the
 * batch's object key is the row's {@code part} ({@link #durable}). The flush route MERGEs them into
 * {@code analytics.minute_count_parts} (keyed by window and part) and sets each touched window's provisional count to the
 * sum of its parts. So no process overwrites another's counts (their parts differ), a replay after a restart that cuts a
 * batch the same way writes the same object and the same part (replaced, not added), and only durable events are
 * counted. A replay that cuts differently duplicates the raw object and its part, as in the raw zone; the hourly rollup
 * makes every minute of the hour exact (provisional = false) and removes its parts.
 */
@Singleton
@Named("minuteWindows")
public class MinuteWindows {

    private static final long MINUTE = 60_000;

    /** A window: minute start in epoch milliseconds and the dimensions. */
    record Key(long minute, String eventType, String country, String deviceType) {
    }

    private final boolean enabled;
    private final long futureMs;
    private final LongSupplier clock;
    private final List<MinuteCount> pending = new ArrayList<>();
    private final LongAdder future = new LongAdder();
    private final LongAdder counted = new LongAdder();

    @Inject
    public MinuteWindows(TributaryConfig config, MeterRegistry registry) {
        this(config.redshift().enabled() && config.minutes().enabled(), config.event().futureWindow(), System::currentTimeMillis);
        FunctionCounter.builder("tributary.minutes.counted", counted, LongAdder::sum)
                .description("Events counted in real-time minute windows (when their raw batch was durable)").register(registry);
        FunctionCounter.builder("tributary.minutes.future", future, LongAdder::sum)
                .description("Events too far in the future for a window: left to the hourly rollup").register(registry);
    }

    public MinuteWindows(boolean enabled, Duration futureWindow, LongSupplier clock) {
        this.enabled = enabled;
        this.futureMs = futureWindow.toMillis();
        this.clock = clock;
    }

    /** Windows that count nothing (warehouse off, or benchmarks of the bare ingest path). */
    public static MinuteWindows disabled() {
        return new MinuteWindows(false, Duration.ZERO, System::currentTimeMillis);
    }

    public boolean enabled() {
        return enabled;
    }

    /** The window a valid event counts in, for its batch's tally (hot path); null when it is not counted here. */
    public Object keyOf(EventFacts facts) {
        if (!enabled || facts == null) {
            return null;
        }
        long t = facts.eventTimeMillis();
        if (t > clock.getAsLong() + futureMs) {
            future.increment();
            return null;
        }
        return new Key(t - Math.floorMod(t, MINUTE), facts.eventType(), facts.country(), facts.deviceType());
    }

    /** A raw batch is durable as object {@code part}: its tallies become that part's rows, to be merged. */
    public synchronized void durable(String part, Map<Object, long[]> tallies) {
        if (!enabled || tallies == null || tallies.isEmpty()) {
            return;
        }
        tallies.forEach((k, n) -> {
            Key key = (Key) k;
            pending.add(new MinuteCount(Instant.ofEpochMilli(key.minute()), key.eventType(), key.country(), key.deviceType(), n[0], part));
            counted.add(n[0]);
        });
    }

    /** The rows of every batch made durable since the last call (and of failed merges given back). Called by the flush
     *  timer route (one thread). */
    public synchronized List<MinuteCount> drain() {
        List<MinuteCount> out = new ArrayList<>(pending);
        pending.clear();
        return out;
    }

    /** Takes back rows whose MERGE failed, to be merged with the next flush. */
    public synchronized void retryLater(@Body List<MinuteCount> windows) {
        pending.addAll(0, windows);
    }
}
