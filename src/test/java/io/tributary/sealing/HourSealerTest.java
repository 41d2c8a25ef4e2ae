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
import io.tributary.batch.ShardWatermark;

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

    static final class MemoryStore implements HourStore {
        final SortedSet<String> raw = new TreeSet<>();
        final Map<String, String> states = new HashMap<>(); // as JSON, like S3
        final List<HourState> writes = new ArrayList<>();

        @Override
        public SortedSet<String> rawHours(Instant from, Instant to) {
            return new TreeSet<>(raw);
        }

        @Override
        public Optional<HourState> load(String hour) {
            return Optional.ofNullable(states.get(hour)).map(S3HourStore::parse);
        }

        @Override
        public void save(HourState state) {
            states.put(state.hour(), S3HourStore.format(state));
            writes.add(state);
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
        return new HourSealer(store, glue, () -> shards, new SealPolicy(GRACE, false),
                new HourSealer.JobPaths("s3://raw/raw/events", "s3://cur/curated/events", "s3://err/errors/glue", "s3://cur/glue/summaries"),
                new HourSealer.RunSettings(maxRetries, 1, Duration.ofSeconds(10), Duration.ofSeconds(40), Duration.ofDays(2)),
                clock, registry);
    }

    void shardsPast(String arrival) {
        shards.clear();
        shards.add(new ShardWatermark("shardId-0", Instant.parse(arrival), 3, Duration.ZERO));
        shards.add(new ShardWatermark("shardId-1", null, 0, Duration.ofMinutes(30))); // idle
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
    void aBusyShardBehindTheHourHoldsItBackAndAnIdleOneDoesNot() {
        SealPolicy p = new SealPolicy(GRACE, false);
        Instant late = Instant.parse("2024-01-15T12:00:00Z");
        var behindBusy = new ShardWatermark("a", Instant.parse("2024-01-15T10:59:00Z"), 5, Duration.ofSeconds(1));
        var behindIdle = new ShardWatermark("a", Instant.parse("2024-01-15T10:59:00Z"), 0, Duration.ofMinutes(6));
        var behindQuietButPending = new ShardWatermark("a", Instant.parse("2024-01-15T10:59:00Z"), 1, Duration.ofMinutes(6));
        var ahead = new ShardWatermark("b", Instant.parse("2024-01-15T11:30:00Z"), 9, Duration.ZERO);
        assertFalse(p.complete(H10, late, List.of(behindBusy, ahead)));
        assertTrue(p.complete(H10, late, List.of(behindIdle, ahead)));
        assertFalse(p.complete(H10, late, List.of(behindQuietButPending, ahead)), "records not yet durable hold it back");
        assertFalse(p.complete(H10, late, List.of()), "no shard known: nothing is sealed");
        var neverRead = new ShardWatermark("c", null, 0, Duration.ZERO);
        assertFalse(p.complete(H10, late, List.of(ahead, neverRead)), "a shard not opened yet holds it back");
        assertFalse(p.complete(H10, Instant.parse("2024-01-15T11:04:00Z"), List.of(behindIdle)), "before end + grace");
        assertTrue(new SealPolicy(GRACE, true).complete(H10, Instant.parse("2024-01-15T10:30:00Z"), List.of(behindIdle)),
                "seal-open-hour: all idle seals the current hour");
        assertFalse(new SealPolicy(GRACE, true).complete(H10, Instant.parse("2024-01-15T10:30:00Z"), List.of(behindIdle, ahead)));
        var idleSinceStartNothingRead = new ShardWatermark("a", null, 0, Duration.ofMinutes(6));
        var idleWithOnlyOlderData = new ShardWatermark("a", Instant.parse("2024-01-15T09:59:00Z"), 0, Duration.ofMinutes(6));
        assertFalse(new SealPolicy(GRACE, true).complete(H10, Instant.parse("2024-01-15T10:30:00Z"), List.of(idleSinceStartNothingRead)),
                "seal-open-hour never seals an hour before a record of it is durable");
        assertFalse(new SealPolicy(GRACE, true).complete(H10, Instant.parse("2024-01-15T10:30:00Z"), List.of(idleWithOnlyOlderData)));
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
