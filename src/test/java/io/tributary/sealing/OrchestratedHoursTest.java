package io.tributary.sealing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Lambda mode's seal and bookkeeping steps on the in-memory store (the stand-in run is ShardWatermarkSealingIT). */
class OrchestratedHoursTest {

    static final String H10 = HourSealerTest.H10;

    final HourSealerTest.TestClock clock = new HourSealerTest.TestClock(Instant.parse("2024-01-15T11:30:00Z"));
    final HourSealerTest.MemoryStore store = new HourSealerTest.MemoryStore();
    final List<ShardWatermark> shards = List.of(ShardWatermark.durable("shardId-0", "9", Instant.parse("2024-01-15T11:20:00Z")));

    OrchestratedHours steps(HourStore s) {
        return new OrchestratedHours(s, needed -> shards, new SealPolicy(HourSealerTest.GRACE, false), Duration.ofDays(2),
                Duration.ofHours(6), Duration.ofHours(3), 1, clock);
    }

    String claim(OrchestratedHours steps) {
        List<Map<String, String>> hours = steps.seal();
        assertEquals(1, hours.size(), hours.toString());
        return hours.get(0).get("run_token");
    }

    @Test
    void aClaimOfAnExecutionThatDiedIsClaimedAgainAfterTheTimeoutAndItsLateOutcomeIsIgnored() {
        store.raw.add(H10);
        OrchestratedHours steps = steps(store);
        String first = claim(steps);
        assertTrue(steps.seal().isEmpty(), "claimed: not claimed twice");
        clock.advance(Duration.ofHours(3));
        String second = claim(steps);
        assertEquals(2, store.load(H10).orElseThrow().attempts());
        Map<String, Object> late = steps.handle(Map.of("action", "curated", "arrival_hour", H10, "run_token", first, "glue_run_id", "jr_1"));
        assertEquals(false, late.get("recorded"));
        assertEquals("curated", steps.handle(Map.of("action", "curated", "arrival_hour", H10, "run_token", second, "glue_run_id", "jr_2"))
                .get("state"));
    }

    @Test
    void aFailedRunIsClaimedAgainUpToTheRetriesThenTheHourStaysFailed() {
        store.raw.add(H10);
        OrchestratedHours steps = steps(store);
        String first = claim(steps);
        steps.handle(Map.of("action", "failed", "arrival_hour", H10, "run_token", first,
                "error", Map.of("Error", "Glue.AWSGlueException", "Cause", "boom")));
        assertEquals("Glue.AWSGlueException: boom", store.load(H10).orElseThrow().error());
        String second = claim(steps);
        assertEquals("failed", steps.handle(Map.of("action", "failed", "arrival_hour", H10, "run_token", second, "error", "again"))
                .get("state"));
        assertTrue(steps.seal().isEmpty(), "after max-retries the hour waits for an operator");
    }

    @Test
    void aRunStartedByHandIsRecordedWithoutAToken() {
        store.raw.add(H10);
        OrchestratedHours steps = steps(store);
        assertEquals("curated", steps.handle(Map.of("action", "curated", "arrival_hour", H10, "glue_run_id", "jr_7")).get("state"));
        assertEquals("rolled_up", steps.handle(Map.of("action", "rolled_up", "arrival_hour", H10, "athena_query_id", "q")).get("state"));
        assertTrue(steps.seal().isEmpty(), "curated by hand: nothing to claim");
    }

    @Test
    void badInputIsRefusedWithTheReason() {
        OrchestratedHours steps = steps(store);
        assertEquals("lake-ops input needs \"action\": seal, curated, rolled_up or failed; got [hour]",
                assertThrows(IllegalArgumentException.class, () -> steps.handle(Map.of("hour", H10))).getMessage());
        assertEquals("arrival_hour must be yyyy-MM-dd-HH (UTC); got '2024-01-15T10'", assertThrows(IllegalArgumentException.class,
                () -> steps.handle(Map.of("action", "curated", "arrival_hour", "2024-01-15T10", "glue_run_id", "x"))).getMessage());
        assertEquals("lake-ops action 'curated' needs \"glue_run_id\"", assertThrows(IllegalArgumentException.class,
                () -> steps.handle(Map.of("action", "curated", "arrival_hour", H10))).getMessage());
    }
}
