package io.tributary.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.tributary.event.EventFacts;
import io.tributary.warehouse.MinuteCount;

class MinuteWindowsTest {

    private static final Instant T0 = Instant.parse("2024-03-01T10:00:00Z");
    private final AtomicLong now = new AtomicLong(T0.toEpochMilli());
    private final MinuteWindows windows = new MinuteWindows(true, Duration.ofSeconds(30), Duration.ofMinutes(5), 1000, now::get);

    private static EventFacts at(String time, String type) {
        return new EventFacts(Instant.parse(time).toEpochMilli(), type, "US", "mobile");
    }

    @Test
    void aWindowClosesOnlyAfterItsMinuteAndTheAllowedLateness() {
        windows.add(at("2024-03-01T10:00:10Z", "click"));
        windows.add(at("2024-03-01T10:00:59.999Z", "click"));
        windows.add(at("2024-03-01T10:01:00Z", "click"));
        now.set(T0.plusSeconds(89).toEpochMilli());
        assertEquals(List.of(), windows.close(), "10:00 closes at 10:01:30");
        now.set(T0.plusSeconds(90).toEpochMilli());
        assertEquals(List.of(new MinuteCount(T0, "click", "US", "mobile", 2)), windows.close());
        assertEquals(1, windows.openWindows());
    }

    @Test
    void eventsForAClosedWindowAreLeftToTheHourlyRollup() {
        now.set(T0.plusSeconds(95).toEpochMilli());
        windows.close();
        windows.add(at("2024-03-01T10:00:30Z", "click"));
        assertEquals(1, windows.lateEvents());
        assertEquals(0, windows.openWindows());
        windows.add(at("2024-03-01T10:01:05Z", "click")); // within its window's lateness: counted
        assertEquals(1, windows.openWindows());
    }

    @Test
    void keysAreMinuteTypeCountryAndDevice() {
        windows.add(at("2024-03-01T10:00:01Z", "click"));
        windows.add(at("2024-03-01T10:00:02Z", "view"));
        windows.add(new EventFacts(T0.toEpochMilli(), "click", null, "desktop"));
        now.set(T0.plusSeconds(600).toEpochMilli());
        List<MinuteCount> closed = windows.close();
        assertEquals(3, closed.size());
        assertTrue(closed.contains(new MinuteCount(T0, "click", "unknown", "desktop", 1)), "a missing country is 'unknown': " + closed);
    }

    @Test
    void aFailedFlushIsMergedWithTheNext() {
        windows.add(at("2024-03-01T10:00:01Z", "click"));
        now.set(T0.plusSeconds(600).toEpochMilli());
        List<MinuteCount> closed = windows.close();
        windows.retryLater(closed);
        assertEquals(closed, windows.close());
        assertEquals(List.of(), windows.close());
    }

    @Test
    void concurrentAddsAndClosesCountEveryEventExactlyOnce() throws Exception {
        MinuteWindows w = new MinuteWindows(true, Duration.ZERO, Duration.ofDays(1), 100_000, now::get);
        int threads = 4;
        int perThread = 50_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicLong merged = new AtomicLong();
        for (int t = 0; t < threads; t++) {
            pool.submit(() -> {
                for (int i = 0; i < perThread; i++) {
                    w.add(new EventFacts(T0.toEpochMilli() + (i % 600) * 1000L, "click", "US", "mobile"));
                }
            });
        }
        // close while adds run: each event is either merged or late, never both, never lost
        for (int s = 0; s < 600; s += 20) {
            now.set(T0.plusSeconds(s).toEpochMilli());
            w.close().forEach(m -> merged.addAndGet(m.events()));
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
        now.set(T0.plusSeconds(3600).toEpochMilli());
        w.close().forEach(m -> merged.addAndGet(m.events()));
        assertEquals((long) threads * perThread, merged.get() + w.lateEvents());
    }
}
