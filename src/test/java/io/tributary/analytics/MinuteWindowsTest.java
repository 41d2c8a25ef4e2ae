package io.tributary.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.tributary.batch.BatchSettings;
import io.tributary.batch.Batcher;
import io.tributary.batch.LakeLayout;
import io.tributary.batch.SealedBatch;
import io.tributary.event.EventFacts;
import io.tributary.event.RecordMeta;
import io.tributary.event.RoutedRecord;
import io.tributary.event.Zone;
import io.tributary.warehouse.MinuteCount;

class MinuteWindowsTest {

    private static final Instant T0 = Instant.parse("2024-03-01T10:00:00Z");
    private final AtomicLong now = new AtomicLong(T0.plusSeconds(600).toEpochMilli());
    private final MinuteWindows windows = new MinuteWindows(true, Duration.ofMinutes(5), now::get);
    private final Batcher batcher = new Batcher(new BatchSettings(3, 1 << 20, Duration.ofSeconds(60), 1),
            new LakeLayout("raw", "raw/events", "err", "errors/events"), System::nanoTime, windows::keyOf);

    private static EventFacts at(String time, String type) {
        return new EventFacts(Instant.parse(time).toEpochMilli(), type, "US", "mobile");
    }

    private List<SealedBatch> add(String shard, long seq, EventFacts facts) {
        RecordMeta meta = new RecordMeta("s", shard, String.valueOf(seq), T0);
        return batcher.add(meta, new RoutedRecord(Zone.RAW, "dt=2024-03-01/hour=10", "{}".getBytes(), null, facts));
    }

    private void durable(List<SealedBatch> sealed) {
        for (SealedBatch b : sealed) {
            batcher.committed(b);
            windows.durable(b.key(), batcher.tallies(b));
        }
    }

    @Test
    void aBatchCountsItsValidEventsPerWindowOnlyOnceItIsDurableAsItsOwnPart() {
        assertTrue(add("shardId-0", 1, at("2024-03-01T10:00:10Z", "click")).isEmpty());
        assertTrue(add("shardId-0", 2, null).isEmpty(), "an invalid record is not counted");
        List<SealedBatch> sealed = add("shardId-0", 3, at("2024-03-01T10:01:05Z", "click"));
        assertEquals(List.of(), windows.drain(), "nothing is durable yet");
        durable(sealed);
        List<MinuteCount> parts = windows.drain();
        String key = sealed.get(0).key();
        assertEquals(Set.of(new MinuteCount(T0, "click", "US", "mobile", 1, key),
                new MinuteCount(T0.plusSeconds(60), "click", "US", "mobile", 1, key)), Set.copyOf(parts));
        assertEquals(List.of(), windows.drain());
    }

    @Test
    void twoShardsCountingTheSameWindowWriteDifferentPartsAndAReplayWithTheSameCutTheSamePart() {
        for (String shard : List.of("shardId-0", "shardId-1")) {
            add(shard, 1, at("2024-03-01T10:00:01Z", "view"));
            add(shard, 2, at("2024-03-01T10:00:02Z", "view"));
            durable(add(shard, 3, at("2024-03-01T10:00:03Z", "view")));
        }
        List<MinuteCount> parts = windows.drain();
        assertEquals(2, parts.stream().map(MinuteCount::part).distinct().count(), parts.toString());
        assertEquals(6, parts.stream().mapToLong(MinuteCount::events).sum());
        // a restarted consumer reads shard 0 again from its checkpoint and cuts the batch the same way
        Batcher replay = new Batcher(new BatchSettings(3, 1 << 20, Duration.ofSeconds(60), 1),
                new LakeLayout("raw", "raw/events", "err", "errors/events"), System::nanoTime, windows::keyOf);
        List<SealedBatch> again = null;
        for (int i = 1; i <= 3; i++) {
            again = replay.add(new RecordMeta("s", "shardId-0", String.valueOf(i), T0),
                    new RoutedRecord(Zone.RAW, "dt=2024-03-01/hour=10", "{}".getBytes(), null, at("2024-03-01T10:00:0" + i + "Z", "view")));
        }
        assertEquals(parts.stream().filter(p -> p.part().contains("shardId-0")).findFirst().orElseThrow().part(), again.get(0).key(),
                "the same object key: the part is replaced in Redshift, not added");
    }

    @Test
    void eventsTooFarAheadAreLeftToTheRollupAndDisabledWindowsCountNothing() {
        assertNull(windows.keyOf(new EventFacts(now.get() + Duration.ofMinutes(6).toMillis(), "click", "US", "mobile")));
        assertNull(MinuteWindows.disabled().keyOf(at("2024-03-01T10:00:10Z", "click")));
        assertNull(windows.keyOf(null));
    }

    @Test
    void aFailedMergeIsMergedWithTheNext() {
        add("shardId-0", 1, at("2024-03-01T10:00:01Z", "click"));
        add("shardId-0", 2, at("2024-03-01T10:00:01Z", "click"));
        durable(add("shardId-0", 3, at("2024-03-01T10:00:01Z", "click")));
        List<MinuteCount> drained = windows.drain();
        windows.retryLater(drained);
        assertEquals(drained, windows.drain());
        assertEquals(List.of(), windows.drain());
        assertEquals(Set.of(3L), drained.stream().map(MinuteCount::events).collect(Collectors.toSet()));
    }
}
