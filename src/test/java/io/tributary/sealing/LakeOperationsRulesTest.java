package io.tributary.sealing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;


import io.tributary.sealing.OperationRules.Kind;

/** Hour states as the lake operations API names them, their history, and when an operator's re-run is refused. */
class LakeOperationsRulesTest {

    static final String H10 = HourSealerTest.H10;
    static final String H11 = "2024-01-15-11";
    static final Instant T = Instant.parse("2024-01-15T11:06:00Z");

    final HourSealerTest fixture = new HourSealerTest();

    static HourState state(HourState.Status status, Instant sealedAt) {
        return new HourState(H10, status, 1, "tok", status == HourState.Status.PENDING ? null : "jr_1", sealedAt, T, null, true);
    }

    @Test
    void glueAndRollupStatesMapToTheSixLakeStates() {
        assertEquals(LakeState.OPEN, HourState.pending(H10).lakeState());
        assertEquals(LakeState.SEALED, state(HourState.Status.PENDING, T).lakeState(), "sealed, waiting for its run (or a retry)");
        assertEquals(LakeState.SEALED, state(HourState.Status.STARTING, T).lakeState());
        assertEquals(LakeState.CURATING, state(HourState.Status.RUNNING, T).lakeState());
        HourState curated = state(HourState.Status.SUCCEEDED, T);
        assertEquals(LakeState.CURATED, curated.lakeState());
        HourState rolledUp = curated.rolledUp("q-1", "1 event hour", T);
        assertEquals(LakeState.ROLLED_UP, rolledUp.lakeState());
        assertEquals("q-1", rolledUp.athenaQueryId());
        HourState rollupFailed = curated.rollupFailed("q-2", "Athena: FAILED", T);
        assertEquals(LakeState.FAILED, rollupFailed.lakeState());
        assertEquals("Athena: FAILED", rollupFailed.rollupError());
        assertEquals(LakeState.FAILED, state(HourState.Status.FAILED, T).lakeState());
        assertEquals("open rolled_up", LakeState.OPEN.label() + " " + LakeState.ROLLED_UP.label());
    }

    @Test
    void aStateObjectWrittenBeforeRollupAndHistoryExistedReadsWithDefaults() {
        HourState old = S3HourStore.parse("{\"hour\":\"2024-01-15-10\",\"state\":\"SUCCEEDED\",\"attempts\":1,\"run_token\":\"t\","
                + "\"run_id\":\"jr_9\",\"sealed_at\":\"2024-01-15T11:05:00Z\",\"updated_at\":\"2024-01-15T11:07:00Z\",\"error\":null,"
                + "\"handed_off\":true}");
        assertEquals(HourState.Rollup.NONE, old.rollup());
        assertNull(old.athenaQueryId());
        assertTrue(old.history().isEmpty());
        assertEquals(LakeState.CURATED, old.lakeState());
    }

    @Test
    void historyIsKeptInTheStateObjectAndBoundedToTheLatestEntries() {
        HourState s = state(HourState.Status.SUCCEEDED, T).rolledUp("q-1", null, T);
        HourState back = S3HourStore.parse(S3HourStore.format(s));
        assertEquals(s, back, "rollup outcome and history survive the store");
        assertEquals(LakeState.ROLLED_UP, back.history().get(0).state());
        assertEquals("q-1", back.history().get(0).athenaQueryId());
        assertEquals("jr_1", back.history().get(0).glueRunId());
        for (int i = 0; i < 60; i++) {
            s = s.recurate(T.plusSeconds(i)).starting("t" + i, T, T.plusSeconds(i), new RawListing(1, T, "k"));
        }
        assertEquals(HourState.MAX_HISTORY, s.history().size());
        assertEquals("Glue run starting (attempt 1)", s.history().get(HourState.MAX_HISTORY - 1).detail());
        assertEquals(T.plusSeconds(59), s.history().get(HourState.MAX_HISTORY - 1).at());
    }

    @Test
    void reCurationIsRefusedWhileAGlueRunOrTheRollupOfTheHourIsInFlightAndIdempotentWhileQueued() {
        var starting = OperationRules.recurate(H10, Optional.of(state(HourState.Status.STARTING, T)), false);
        assertEquals(Kind.REFUSED, starting.kind());
        assertEquals("hour 2024-01-15-10 is starting a Glue run (attempt 1); try again when it ends", starting.reason());
        var running = OperationRules.recurate(H10, Optional.of(state(HourState.Status.RUNNING, T)), false);
        assertEquals("hour 2024-01-15-10 is curating (Glue run jr_1); try again when it ends", running.reason());
        var rollingUp = OperationRules.recurate(H10, Optional.of(state(HourState.Status.SUCCEEDED, T)), true);
        assertEquals(Kind.REFUSED, rollingUp.kind());
        assertTrue(rollingUp.reason().contains("is being rolled up"), rollingUp.reason());

        assertEquals(Kind.ALREADY_QUEUED, OperationRules.recurate(H10, Optional.of(state(HourState.Status.PENDING, T)), false).kind());
        assertEquals(Kind.START, OperationRules.recurate(H10, Optional.of(state(HourState.Status.SUCCEEDED, T)), false).kind());
        assertEquals(Kind.START, OperationRules.recurate(H10, Optional.of(state(HourState.Status.FAILED, T)), false).kind());
        assertEquals(Kind.START, OperationRules.recurate(H10, Optional.empty(), false).kind(), "never looked at: sealed as usual");
    }

    @Test
    void reRollupNeedsACuratedHourAndNothingInFlight() {
        assertEquals(Kind.REFUSED, OperationRules.rollup(H10, Optional.of(state(HourState.Status.RUNNING, T)), false, false).kind());
        assertEquals(Kind.REFUSED, OperationRules.rollup(H10, Optional.of(state(HourState.Status.SUCCEEDED, T)), true, false).kind());
        var open = OperationRules.rollup(H10, Optional.empty(), false, false);
        assertEquals("hour 2024-01-15-10 is open (raw data not sealed yet): it is rolled up once it is curated", open.reason());
        assertTrue(OperationRules.rollup(H10, Optional.of(state(HourState.Status.PENDING, T)), false, false).reason().contains("sealed"));
        HourState glueFailed = new HourState(H10, HourState.Status.FAILED, 3, null, "jr_3", T, T, "FAILED: boom", false);
        assertEquals("hour 2024-01-15-10 is not curated (Glue failed: FAILED: boom); re-curate it first",
                OperationRules.rollup(H10, Optional.of(glueFailed), false, false).reason());

        assertEquals(Kind.START, OperationRules.rollup(H10, Optional.of(state(HourState.Status.SUCCEEDED, T)), false, false).kind());
        assertEquals(Kind.ALREADY_QUEUED, OperationRules.rollup(H10, Optional.of(state(HourState.Status.SUCCEEDED, T)), false, true).kind());
        HourState notHandedOff = new HourState(H10, HourState.Status.SUCCEEDED, 1, "t", "jr_1", T, T, null, false);
        assertEquals(Kind.ALREADY_QUEUED, OperationRules.rollup(H10, Optional.of(notHandedOff), false, false).kind(),
                "hour sealing is about to hand it over");
    }

    /** Curates H10 with the fakes: sealed, run jr_1 succeeded, handed off, rolled up. */
    HourSealer curatedAndRolledUp() {
        fixture.store.raw.add(H10);
        fixture.store.raw.add(H11);
        fixture.clock.now = T;
        fixture.shards.add(ShardWatermark.durable("shardId-0", "7", Instant.parse("2024-01-15T11:05:30Z")));
        HourSealer s = fixture.sealer(2);
        s.tick();
        fixture.glue.end("jr_1", "SUCCEEDED");
        fixture.clock.advance(Duration.ofSeconds(10));
        List<CuratedHour> curated = s.tick();
        s.rollupStarted(H10);
        s.rolledUp(H10, "q-1", "summary");
        s.handedOff(curated.get(0));
        return s;
    }

    @Test
    void reCurationRunsTheHourAgainThroughSealingOnceAndRefusesWhileItRuns() {
        HourSealer s = curatedAndRolledUp();
        HourState rolled = fixture.store.load(H10).orElseThrow();
        assertEquals(LakeState.ROLLED_UP, rolled.lakeState());
        assertEquals(List.of("sealed; Glue run starting (attempt 1)", "Glue run jr_1 running (attempt 1)", "Glue run jr_1 succeeded",
                "rollup started", "rolled up by Athena query q-1: summary"), rolled.history().stream().map(HourState.Transition::detail).toList());

        var first = s.recurate(List.of(H10));
        assertEquals(List.of(H10), first.accepted());
        assertEquals(List.of(H10), first.started());
        HourState queued = fixture.store.load(H10).orElseThrow();
        assertEquals(LakeState.SEALED, queued.lakeState());
        assertEquals(0, queued.attempts());
        assertNull(queued.athenaQueryId());
        int writes = fixture.store.writes.size();
        var again = s.recurate(List.of(H10));
        assertEquals(first.accepted(), again.accepted(), "same answer");
        assertTrue(again.started().isEmpty());
        assertEquals(writes, fixture.store.writes.size(), "a repeated request changes nothing");

        s.tick();
        assertEquals(List.of("jr_1", "jr_2"), fixture.glue.started, "one new run");
        assertEquals(LakeState.CURATING, s.state(H10).orElseThrow().lakeState());
        var refused = s.recurate(List.of(H10, H11));
        assertTrue(refused.refused());
        assertEquals("hour 2024-01-15-10 is curating (Glue run jr_2); try again when it ends", refused.refusal());
        assertTrue(fixture.store.load(H11).isEmpty(), "all or nothing: the other hour of the range is untouched");
        assertTrue(s.requestRollup(List.of(H10)).refused());

        fixture.glue.end("jr_2", "SUCCEEDED");
        fixture.clock.advance(Duration.ofSeconds(10));
        assertEquals("jr_2", s.tick().get(0).getRunId(), "handed to the rollup again as usual");
        assertEquals(LakeState.CURATED, s.state(H10).orElseThrow().lakeState());
    }

    @Test
    void aQueuedReRollupIsClaimedOnceAndARunningOneBlocksReCuration() {
        HourSealer s = curatedAndRolledUp();
        var first = s.requestRollup(List.of(H10));
        assertEquals(List.of(H10), first.started());
        assertTrue(s.requestRollup(List.of(H10)).started().isEmpty(), "queued: a repeated request starts nothing");
        assertTrue(s.claimRollup(H10));
        assertFalse(s.claimRollup(H10), "claimed once");
        assertTrue(s.rollingUp(H10));
        assertTrue(s.recurate(List.of(H10)).refusal().contains("is being rolled up"));
        s.rollupStarted(H10);
        s.rollupFailed(H10, "q-2", "RollupFailedException: Athena FAILED");
        assertFalse(s.rollingUp(H10));
        HourState failed = s.state(H10).orElseThrow();
        assertEquals(LakeState.FAILED, failed.lakeState());
        assertEquals("rollup failed: RollupFailedException: Athena FAILED", failed.history().get(failed.history().size() - 1).detail());
        assertEquals(List.of(H10), s.requestRollup(List.of(H10)).started(), "a failed rollup may be asked for again");
    }

    @Test
    void rangesAreWholeHoursOfAtMostAWeek() {
        assertEquals(List.of("2024-01-15-23", "2024-01-16-00", "2024-01-16-01"),
                LakeOperations.range("2024-01-15-23", "2024-01-16-01").hours());
        assertEquals(168, LakeOperations.range("2024-01-01-00", "2024-01-07-23").hours().size());
        assertEquals("the range from 2024-01-01-00 to 2024-01-08-00 holds 169 hours; at most 168 in one request",
                LakeOperations.range("2024-01-01-00", "2024-01-08-00").error());
        assertEquals("not an hour (yyyy-MM-dd-HH, UTC): '2024-01-15T10'", LakeOperations.range("2024-01-15T10", "2024-01-15T10").error());
        assertEquals("not an hour (yyyy-MM-dd-HH, UTC): '2024-02-30-10'", LakeOperations.range("2024-02-30-10", "2024-02-30-10").error());
        assertEquals("not an hour (yyyy-MM-dd-HH, UTC): '2024-01-15-24'", LakeOperations.range("2024-01-15-24", "2024-01-15-24").error());
        assertEquals("the range ends (2024-01-15-09) before it starts (2024-01-15-10)",
                LakeOperations.range("2024-01-15-10", "2024-01-15-09").error());
    }
}
