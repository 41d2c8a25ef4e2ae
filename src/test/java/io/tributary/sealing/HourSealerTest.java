package io.tributary.sealing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;


class HourSealerTest {

    static final String H10 = "2024-01-15-10";
    static final Duration GRACE = Duration.ofMinutes(5);

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        Instant now;

        TestClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** The shared bucket: state objects as JSON with a version each (S3's ETag), and raw objects with their write times. */
    static final class Bucket {
        final SortedSet<String> raw = new TreeSet<>();
        final Map<String, String> states = new HashMap<>();
        final Map<String, Integer> versions = new HashMap<>();
        final Map<String, Instant> rawObjects = new HashMap<>(); // key → last modified
    }

    /** One sealer's view of the bucket: conditional saves on the version it last saw, like {@link S3HourStore}. */
    static final class MemoryStore implements HourStore {
        final Bucket bucket;
        final SortedSet<String> raw;
        final Map<String, String> states;
        final List<HourState> writes = new ArrayList<>();
        final Map<String, Integer> seen = new HashMap<>();

        MemoryStore() {
            this(new Bucket());
        }

        MemoryStore(Bucket bucket) {
            this.bucket = bucket;
            this.raw = bucket.raw;
            this.states = bucket.states;
        }

        @Override
        public SortedSet<String> rawHours(Instant from, Instant to) {
            return new TreeSet<>(raw);
        }

        @Override
        public Optional<HourState> load(String hour) {
            seen.put(hour, bucket.versions.getOrDefault(hour, 0));
            return Optional.ofNullable(states.get(hour)).map(S3HourStore::parse);
        }

        @Override
        public void save(HourState state) {
            int current = bucket.versions.getOrDefault(state.hour(), 0);
            if (seen.getOrDefault(state.hour(), 0) != current) {
                seen.remove(state.hour());
                throw new Conflict(state.hour());
            }
            states.put(state.hour(), S3HourStore.format(state));
            bucket.versions.put(state.hour(), current + 1);
            seen.put(state.hour(), current + 1);
            writes.add(state);
        }

        @Override
        public RawListing rawListing(String hour) {
            String partition = RawHours.partition(hour);
            var objects = bucket.rawObjects.entrySet().stream().filter(e -> e.getKey().contains(partition)).toList();
            var newest = objects.stream().max(Map.Entry.comparingByValue());
            return new RawListing(objects.size(), newest.map(Map.Entry::getValue).orElse(null), newest.map(Map.Entry::getKey).orElse(null));
        }
    }

    static final class FakeGlue implements GlueRuns {
        final Map<String, JobRunView> runs = new HashMap<>();
        final Map<String, Map<String, String>> args = new HashMap<>();
        final List<String> started = new ArrayList<>();
        boolean failStart;
        boolean startThenFail; // the run starts but the caller sees an exception (timeout after the request)

        @Override
        public String start(Map<String, String> arguments) {
            if (failStart) {
                throw new IllegalStateException("throttled");
            }
            String id = "jr_" + (started.size() + 1);
            started.add(id);
            runs.put(id, new JobRunView(id, "RUNNING", Instant.EPOCH, null, null, null));
            args.put(id, arguments);
            if (startThenFail) {
                throw new IllegalStateException("read timed out");
            }
            return id;
        }

        @Override
        public Optional<JobRunView> get(String runId) {
            return Optional.ofNullable(runs.get(runId));
        }

        @Override
        public Optional<JobRunView> find(String argument, String value, Instant notBefore) {
            return args.entrySet().stream().filter(e -> value.equals(e.getValue().get(argument))).map(e -> runs.get(e.getKey())).findFirst();
        }

        void end(String id, String state) {
            runs.put(id, new JobRunView(id, state, Instant.parse("2024-01-15T11:06:00Z"), Instant.parse("2024-01-15T11:07:30Z"), 90,
                    "FAILED".equals(state) ? "boom" : null));
        }
    }

    final TestClock clock = new TestClock(Instant.parse("2024-01-15T11:04:00Z"));
    final MemoryStore store = new MemoryStore();
    final FakeGlue glue = new FakeGlue();
    final List<ShardWatermark> shards = new ArrayList<>();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    HourSealer sealer(int maxRetries) {
        return sealer(maxRetries, store);
    }

    HourSealer sealer(int maxRetries, HourStore store) {
        return new HourSealer(store, glue, needed -> List.copyOf(shards), new SealPolicy(GRACE, false),
                new HourSealer.JobPaths("s3://raw/raw/events", "s3://cur/curated/events", "s3://err/errors/glue", "s3://cur/glue/summaries"),
                new HourSealer.RunSettings(maxRetries, 1, Duration.ofSeconds(10), Duration.ofSeconds(40), Duration.ofDays(2)),
                clock, registry);
    }

    /** Shard 0 durable up to {@code arrival}, a record after it not yet; shard 1 read at its tip at 11:05. */
    void shardsPast(String arrival) {
        shards.clear();
        shards.add(new ShardWatermark("shardId-0", "7", Instant.parse(arrival), Instant.parse(arrival).plusSeconds(1), null, false));
        shards.add(new ShardWatermark("shardId-1", null, null, null, Instant.parse("2024-01-15T11:05:00Z"), false));
    }

    double count(String name) {
        return registry.get(name).counter().count();
    }

    @Test
    void sealsAnHourOnlyWhenEveryShardIsPastItsEndPlusGraceThenRunsTheJobAndHandsItOff() {
        store.raw.add(H10);
        shardsPast("2024-01-15T11:04:59Z");
        HourSealer s = sealer(2);
        assertTrue(s.tick().isEmpty());
        assertTrue(glue.started.isEmpty(), "a shard is not past 11:05 yet");

        clock.advance(Duration.ofMinutes(2));
        shardsPast("2024-01-15T11:05:00Z");
        assertTrue(s.tick().isEmpty());
        assertEquals(List.of("jr_1"), glue.started);
        Map<String, String> args = glue.args.get("jr_1");
        assertEquals(H10, args.get("--arrival_hour"));
        assertEquals("s3://raw/raw/events", args.get("--raw_path"));
        assertEquals("s3://cur/glue/summaries/arrival_hour=2024-01-15-10.json", args.get("--summary_path"));
        assertEquals(HourState.Status.RUNNING, store.load(H10).orElseThrow().status());
        assertEquals(HourState.Status.STARTING, store.writes.get(0).status(), "STARTING is durable before StartJobRun");
        assertEquals(1.0, count("tributary.hours.sealed"));

        glue.end("jr_1", "SUCCEEDED");
        assertTrue(s.tick().isEmpty(), "first poll waits the initial delay");
        clock.advance(Duration.ofSeconds(10));
        List<CuratedHour> curated = s.tick();
        assertEquals(1, curated.size());
        assertEquals(H10, curated.get(0).getHour());
        assertEquals("jr_1", curated.get(0).getRunId());
        HourState done = store.load(H10).orElseThrow();
        assertEquals(HourState.Status.SUCCEEDED, done.status());
        assertFalse(done.handedOff());
        s.handedOff(curated.get(0));
        assertTrue(store.load(H10).orElseThrow().handedOff());
        assertTrue(s.tick().isEmpty());
        assertEquals(1, glue.started.size());
        assertEquals(1.0, count("tributary.glue.runs.succeeded"));
        assertEquals(90.0, registry.get("tributary.glue.run.duration").timer().totalTime(java.util.concurrent.TimeUnit.SECONDS));
    }

    @Test
    void anHourSealsOnlyOnEvidenceThatEveryShardIsDurablePastItAndAStalledShardHoldsItBack() {
        SealPolicy p = new SealPolicy(GRACE, false);
        Instant late = Instant.parse("2024-01-15T12:00:00Z");
        Instant before = Instant.parse("2024-01-15T10:59:00Z");
        // a stalled shard: its owner stopped publishing at 10:59, and a read finds a record of 10:59:30 not durable. Hours of
        // quiet change nothing: no "idle" rule can seal over it (the earlier rule sealed it after the grace period).
        var stalled = new ShardWatermark("a", "5", before, Instant.parse("2024-01-15T10:59:30Z"), null, false);
        var ahead = ShardWatermark.durable("b", "9", Instant.parse("2024-01-15T11:30:00Z"));
        assertFalse(p.complete(H10, late, List.of(stalled, ahead)), "a stalled shard holds the hour back however long it is quiet");
        var quiet = new ShardWatermark("a", "5", before, null, Instant.parse("2024-01-15T11:06:00Z"), false);
        assertTrue(p.complete(H10, late, List.of(quiet, ahead)), "a quiet shard is read at its tip after the cutoff");
        var tipBeforeCutoff = new ShardWatermark("a", "5", before, null, Instant.parse("2024-01-15T11:04:00Z"), false);
        assertFalse(p.complete(H10, late, List.of(tipBeforeCutoff, ahead)), "a tip read before end + grace proves nothing of the grace");
        var nextIsOfALaterHour = new ShardWatermark("a", "5", before, Instant.parse("2024-01-15T11:20:00Z"), null, false);
        assertTrue(p.complete(H10, late, List.of(nextIsOfALaterHour, ahead)), "the first undurable record arrived after the cutoff");
        var unreadable = new ShardWatermark("a", "5", before, null, null, false);
        assertFalse(p.complete(H10, late, List.of(unreadable, ahead)), "a shard that could not be read gives no evidence");
        var ended = new ShardWatermark("c", "3", Instant.parse("2024-01-15T09:00:00Z"), null, null, true);
        assertTrue(p.complete(H10, late, List.of(ended, ahead)), "a closed shard read to its end");
        assertFalse(p.complete(H10, late, List.of()), "the stream could not be listed: nothing is sealed");
        var neverPublishedButBusy = new ShardWatermark("d", null, null, Instant.parse("2024-01-15T10:10:00Z"), null, false);
        assertFalse(p.complete(H10, late, List.of(ahead, neverPublishedButBusy)), "a shard whose owner published nothing yet");
        assertFalse(p.complete(H10, Instant.parse("2024-01-15T11:04:00Z"), List.of(quiet, ahead)), "before end + grace");
        assertFalse(p.due(H10, Instant.parse("2024-01-15T11:04:00Z")));

        SealPolicy open = new SealPolicy(GRACE, true);
        Instant during = Instant.parse("2024-01-15T10:30:00Z");
        var atTipWithDataOfTheHour = new ShardWatermark("a", "5", Instant.parse("2024-01-15T10:20:00Z"), null, during, false);
        assertTrue(open.due(H10, during));
        assertTrue(open.complete(H10, during, List.of(atTipWithDataOfTheHour)), "seal-open-hour: every shard at its tip");
        var busy = new ShardWatermark("b", "9", Instant.parse("2024-01-15T10:20:00Z"), Instant.parse("2024-01-15T10:25:00Z"), null, false);
        assertFalse(open.complete(H10, during, List.of(atTipWithDataOfTheHour, busy)), "seal-open-hour: a shard with undurable records");
        var atTipOnlyOlderData = new ShardWatermark("a", "5", Instant.parse("2024-01-15T09:59:00Z"), null, during, false);
        assertFalse(open.complete(H10, during, List.of(atTipOnlyOlderData)), "seal-open-hour never seals before a record of it is durable");
    }

    @Test
    void twoSealersSharingTheStoreStartOneRunPerHourAndHandItOffOnce() {
        Bucket shared = store.bucket;
        shared.raw.add(H10);
        shardsPast("2024-01-15T11:30:00Z");
        clock.advance(Duration.ofMinutes(30));
        HourSealer a = sealer(2, new MemoryStore(shared));
        HourSealer b = sealer(2, new MemoryStore(shared));
        a.tick();
        b.tick(); // b read PENDING before a's write? no: it discovers the stored STARTING/RUNNING state and polls it
        HourSealer c = sealer(2, new MemoryStore(shared));
        // c read the hour while it was PENDING (a stale view), then a started the run: c's conditional write loses
        MemoryStore staleStore = new MemoryStore(shared);
        staleStore.seen.put(H10, 0);
        HourSealer stale = sealer(2, staleStore);
        stale.tick();
        c.tick();
        assertEquals(List.of("jr_1"), glue.started, "exactly one run");
        glue.end("jr_1", "SUCCEEDED");
        clock.advance(Duration.ofSeconds(40));
        int handedOff = 0;
        for (HourSealer s : List.of(b, a, c, stale)) {
            for (CuratedHour h : s.tick()) {
                handedOff++;
                s.handedOff(h);
            }
        }
        assertEquals(1, handedOff, "exactly one sealer hands the curated hour off");
        assertTrue(shared.states.get(H10).contains("\"handed_off\":true"));
        clock.advance(HourSealer.HAND_OFF_LEASE.plusMinutes(1));
        for (HourSealer s : List.of(a, b, c, stale)) {
            assertTrue(s.tick().isEmpty(), "a finished hand-off is not repeated");
        }
    }

    @Test
    void aClaimedHandOffWhoseSealerDiedIsTakenOverAfterTheLease() {
        store.raw.add(H10);
        store.save(new HourState(H10, HourState.Status.SUCCEEDED, 1, "t", "jr_9", Instant.EPOCH, Instant.EPOCH, null, false));
        HourSealer first = sealer(2);
        assertEquals(1, first.tick().size()); // claimed, then this sealer dies before the rollup ends
        HourSealer second = sealer(2, new MemoryStore(store.bucket));
        assertTrue(second.tick().isEmpty(), "the claim is fresh");
        clock.advance(HourSealer.HAND_OFF_LEASE);
        assertEquals(1, second.tick().size(), "taken over after the lease");
    }

    @Test
    void aRawObjectWrittenAfterTheRunStartedCuratesTheHourAgain() {
        store.raw.add(H10);
        shardsPast("2024-01-15T11:30:00Z");
        clock.advance(Duration.ofMinutes(30));
        store.bucket.rawObjects.put("raw/events/dt=2024-01-15/hour=10/shardId-0-1.json.gz", Instant.parse("2024-01-15T11:01:00Z"));
        HourSealer s = sealer(2);
        s.tick();
        glue.end("jr_1", "SUCCEEDED");
        clock.advance(Duration.ofSeconds(10));
        List<CuratedHour> curated = s.tick();
        s.handedOff(curated.get(0));
        assertTrue(s.tick().isEmpty(), "nothing new: nothing to do");
        clock.advance(Duration.ofMinutes(5));
        store.bucket.rawObjects.put("raw/events/dt=2024-01-15/hour=10/shardId-1-99.json.gz", clock.instant());
        s.tick();
        HourState reopened = store.load(H10).orElseThrow();
        assertEquals(HourState.Status.PENDING, reopened.status());
        assertTrue(reopened.history().get(reopened.history().size() - 1).detail().contains("shardId-1-99"));
        s.tick();
        assertEquals(List.of("jr_1", "jr_2"), glue.started, "curated again, without waiting for the shards: it was sealed");
        glue.end("jr_2", "SUCCEEDED");
        clock.advance(Duration.ofSeconds(10));
        assertEquals("jr_2", s.tick().get(0).getRunId(), "and handed to the rollup again");
        assertEquals(1.0, count("tributary.hours.reopened"));
        clock.advance(Duration.ofHours(7));
        store.bucket.rawObjects.put("raw/events/dt=2024-01-15/hour=10/shardId-1-100.json.gz", clock.instant());
        s.tick();
        assertEquals(2, glue.started.size(), "past the late-object window the hour is left alone");
    }

    @Test
    void aFailedRunIsRetriedUpToTheLimitThenTheHourStaysFailed() {
        store.raw.add(H10);
        shardsPast("2024-01-15T11:30:00Z");
        clock.advance(Duration.ofMinutes(30));
        HourSealer s = sealer(1);
        s.tick();
        glue.end("jr_1", "FAILED");
        clock.advance(Duration.ofSeconds(10));
        s.tick(); // polls: failed, back to PENDING
        HourState retry = store.load(H10).orElseThrow();
        assertEquals(HourState.Status.PENDING, retry.status());
        assertEquals("FAILED: boom", retry.error());
        s.tick(); // starts attempt 2
        assertEquals(List.of("jr_1", "jr_2"), glue.started);
        glue.end("jr_2", "TIMEOUT");
        clock.advance(Duration.ofSeconds(10));
        s.tick();
        HourState failed = store.load(H10).orElseThrow();
        assertEquals(HourState.Status.FAILED, failed.status());
        assertEquals(2, failed.attempts());
        clock.advance(Duration.ofMinutes(10));
        s.tick();
        assertEquals(2, glue.started.size(), "no third attempt");
        assertEquals(2.0, count("tributary.glue.runs.failed"));
        assertTrue(registry.get("tributary.hours.oldest.unsealed.age.seconds").gauge().value() > 0);
    }

    @Test
    void aRestartReattachesToTheRunningRunInsteadOfStartingAnother() {
        store.raw.add(H10);
        shardsPast("2024-01-15T11:30:00Z");
        clock.advance(Duration.ofMinutes(30));
        sealer(2).tick();
        assertEquals(List.of("jr_1"), glue.started);

        HourSealer restarted = sealer(2); // a new process: state only from the store
        shards.clear(); // and no shard read yet
        restarted.tick();
        assertEquals(1, glue.started.size(), "RUNNING is polled, not started again");
        glue.end("jr_1", "SUCCEEDED");
        clock.advance(Duration.ofSeconds(10));
        assertEquals("jr_1", restarted.tick().get(0).getRunId());
        assertEquals(1, glue.started.size());
    }

    @Test
    void aCrashBetweenStartJobRunAndRecordingTheRunIdIsRecoveredByTheRunToken() {
        store.raw.add(H10);
        shardsPast("2024-01-15T11:30:00Z");
        clock.advance(Duration.ofMinutes(30));
        glue.startThenFail = true;
        sealer(2).tick();
        assertEquals(HourState.Status.STARTING, store.load(H10).orElseThrow().status());
        glue.startThenFail = false;

        HourSealer restarted = sealer(2);
        restarted.tick();
        assertEquals(HourState.Status.STARTING, store.load(H10).orElseThrow().status(),
                "another process's STARTING hour is left to it for a while: it may be about to call StartJobRun");
        clock.advance(HourSealer.TAKE_OVER_AFTER);
        restarted.tick();
        assertEquals(List.of("jr_1"), glue.started, "found by token, not started twice");
        HourState s = store.load(H10).orElseThrow();
        assertEquals(HourState.Status.RUNNING, s.status());
        assertEquals("jr_1", s.runId());
        assertEquals(1, s.attempts());
    }

    @Test
    void aStartThatNeverReachedGlueIsStartedAgainUnderTheSameAttempt() {
        store.raw.add(H10);
        shardsPast("2024-01-15T11:30:00Z");
        clock.advance(Duration.ofMinutes(30));
        glue.failStart = true;
        HourSealer s = sealer(2);
        s.tick();
        assertTrue(glue.started.isEmpty());
        glue.failStart = false;
        s.tick();
        assertEquals(List.of("jr_1"), glue.started);
        assertEquals(1, store.load(H10).orElseThrow().attempts());
    }

    @Test
    void aSucceededHourNotYetHandedOffIsHandedOffAgainAfterARestart() {
        store.raw.add(H10);
        store.save(new HourState(H10, HourState.Status.SUCCEEDED, 1, "t", "jr_9", Instant.EPOCH, Instant.EPOCH, null, false));
        List<CuratedHour> again = sealer(2).tick();
        assertEquals(1, again.size());
        assertEquals("jr_9", again.get(0).getRunId());
        assertTrue(glue.started.isEmpty());
    }

    @Test
    void stateObjectsRoundTrip() {
        HourState s = new HourState(H10, HourState.Status.RUNNING, 2, "tok", "jr_1", Instant.parse("2024-01-15T11:05:00Z"),
                Instant.parse("2024-01-15T11:06:00Z"), "FAILED: x", false);
        assertEquals(s, S3HourStore.parse(S3HourStore.format(s)));
        assertNull(S3HourStore.parse(S3HourStore.format(HourState.pending(H10))).runId());
        assertEquals("2024-01-15-10", RawHours.fromPartition("raw/events/dt=2024-01-15/hour=10/"));
    }
}
