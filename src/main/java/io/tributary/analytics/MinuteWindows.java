package io.tributary.analytics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.Body;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.config.TributaryConfig;
import io.tributary.event.EventFacts;
import io.tributary.warehouse.MinuteCount;

/**
 * Real-time tumbling one-minute windows by event time, keyed by (minute, event type, country, device type), counted in
 * memory on the ingest hot path (one map update per valid record; no Camel aggregator). A window closes once
 * {@code minute end + allowed lateness} has passed; closed windows are handed to the flush route (final-at-close
 * counts, MERGEd into Redshift as provisional). An event for a window already closed is not counted here: the hourly
 * rollup counts it (metric tributary.minutes.late).
 */
@Singleton
@Named("minuteWindows")
public class MinuteWindows {

    private static final long MINUTE = 60_000;

    /** A window: minute start in epoch milliseconds and the dimensions. */
    record Key(long minute, String eventType, String country, String deviceType) {
    }

    private final boolean enabled;
    private final long latenessMs;
    private final long futureMs;
    private final int maxOpen;
    private final LongSupplier clock;
    /** Counts are long[1] mutated only inside compute(), which is atomic per key against remove() in close(). */
    private final Map<Key, long[]> open = new ConcurrentHashMap<>();
    /** Windows with a minute start below this are closed (epoch ms, only moves forward). */
    private volatile long closedBefore = Long.MIN_VALUE;
    private final List<MinuteCount> pending = new ArrayList<>();
    private final LongAdder late = new LongAdder();
    private final LongAdder future = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder counted = new LongAdder();

    @Inject
    public MinuteWindows(TributaryConfig config, MeterRegistry registry) {
        this(config.redshift().enabled() && config.minutes().enabled(), config.minutes().allowedLateness(),
                config.event().futureWindow(), config.minutes().maxOpenWindows(), System::currentTimeMillis);
        FunctionCounter.builder("tributary.minutes.counted", counted, LongAdder::sum)
                .description("Events counted in real-time minute windows").register(registry);
        FunctionCounter.builder("tributary.minutes.late", late, LongAdder::sum)
                .description("Events whose minute window had closed: left to the hourly rollup").register(registry);
        FunctionCounter.builder("tributary.minutes.future", future, LongAdder::sum)
                .description("Events too far in the future for a window: left to the hourly rollup").register(registry);
        FunctionCounter.builder("tributary.minutes.dropped", dropped, LongAdder::sum)
                .description("Events not counted because tributary.minutes.max-open-windows was reached").register(registry);
        Gauge.builder("tributary.minutes.open", open, Map::size).description("Open minute windows").register(registry);
    }

    public MinuteWindows(boolean enabled, Duration allowedLateness, Duration futureWindow, int maxOpen, LongSupplier clock) {
        if (allowedLateness.isNegative()) {
            throw new IllegalArgumentException("tributary.minutes.allowed-lateness must not be negative: " + allowedLateness);
        }
        if (maxOpen < 1) {
            throw new IllegalArgumentException("tributary.minutes.max-open-windows must be at least 1, not " + maxOpen);
        }
        this.enabled = enabled;
        this.latenessMs = allowedLateness.toMillis();
        this.futureMs = futureWindow.toMillis();
        this.maxOpen = maxOpen;
        this.clock = clock;
    }

    /** Windows that count nothing (warehouse off, or benchmarks of the bare ingest path). */
    public static MinuteWindows disabled() {
        return new MinuteWindows(false, Duration.ZERO, Duration.ZERO, 1, System::currentTimeMillis);
    }

    public boolean enabled() {
        return enabled;
    }

    /** Counts one valid event (hot path). */
    public void add(EventFacts facts) {
        if (!enabled || facts == null) {
            return;
        }
        long t = facts.eventTimeMillis();
        long minute = t - Math.floorMod(t, MINUTE);
        if (minute < closedBefore) {
            late.increment();
            return;
        }
        if (t > clock.getAsLong() + futureMs) {
            future.increment();
            return;
        }
        Key key = new Key(minute, facts.eventType(), facts.country(), facts.deviceType());
        if (open.size() >= maxOpen && !open.containsKey(key)) {
            dropped.increment();
            return;
        }
        open.compute(key, this::increment);
    }

    private long[] increment(Key key, long[] count) {
        if (count == null) {
            if (key.minute() < closedBefore) {
                late.increment(); // closed (and removed) between the check in add() and here
                return null;
            }
            count = new long[1];
        }
        count[0]++;
        counted.increment();
        return count;
    }

    /**
     * Closes every window whose minute end plus the allowed lateness has passed and returns them, with any windows a
     * failed flush gave back, as provisional counts to merge. Called by the flush timer route (one thread).
     */
    public synchronized List<MinuteCount> close() {
        long now = clock.getAsLong();
        long boundary = now - latenessMs - MINUTE;
        long watermark = boundary - Math.floorMod(boundary, MINUTE) + MINUTE;
        if (watermark > closedBefore) {
            closedBefore = watermark;
        }
        List<MinuteCount> out = new ArrayList<>(pending);
        pending.clear();
        for (Key key : List.copyOf(open.keySet())) {
            if (key.minute() < closedBefore) {
                long[] count = open.remove(key);
                if (count != null) {
                    out.add(new MinuteCount(Instant.ofEpochMilli(key.minute()), key.eventType(), key.country(), key.deviceType(), count[0]));
                }
            }
        }
        return out;
    }

    /** Takes back windows whose MERGE failed, to be merged with the next flush (their counts are final). */
    public synchronized void retryLater(@Body List<MinuteCount> windows) {
        pending.addAll(0, windows);
    }

    /** Windows open now (for tests and the gauge). */
    public int openWindows() {
        return open.size();
    }

    public long lateEvents() {
        return late.sum();
    }
}
