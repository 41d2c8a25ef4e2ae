package io.tributary.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.tributary.batch.ShardPosition;

class CheckpointStoreTest {

    @Test
    void checkpointsAreJsonWithTheArrivalAndThePlainTextFormIsStillRead() {
        ShardPosition p = new ShardPosition("4959", Instant.parse("2024-01-15T10:59:58.123Z"));
        String json = CheckpointStore.format(p);
        assertEquals("{\"sequence_number\":\"4959\",\"arrival\":\"2024-01-15T10:59:58.123Z\"}", json);
        assertEquals(p, CheckpointStore.parse(json, "s"));
        assertEquals(new ShardPosition("4959", null), CheckpointStore.parse("4959\n", "s"), "plain text written before the arrival was kept");
        assertNull(CheckpointStore.parse("  ", "s"));
    }
}
