package io.tributary.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;

import io.tributary.event.RecordMeta;
import io.tributary.event.RoutedRecord;
import io.tributary.event.Zone;

class BatcherTest {

    static final LakeLayout LAYOUT = new LakeLayout("raw-bucket", "raw/events", "errors-bucket", "errors/events");
    static final Instant T10 = Instant.parse("2024-01-15T10:59:58Z");
    final AtomicLong clock = new AtomicLong();

    Batcher batcher(int maxRecords, long maxBytes) {
        return new Batcher(new BatchSettings(maxRecords, maxBytes, Duration.ofSeconds(60), 1), LAYOUT, clock::get);
    }

    static RecordMeta meta(String shard, long seq, Instant arrival) {
        return new RecordMeta("s", shard, String.valueOf(seq), arrival);
    }

    static RoutedRecord raw(String partition, String line) {
        return new RoutedRecord(Zone.RAW, partition, line.getBytes(StandardCharsets.UTF_8), null);
    }

    static RoutedRecord error(String partition, String line) {
        return new RoutedRecord(Zone.ERRORS, partition, line.getBytes(StandardCharsets.UTF_8), io.tributary.event.ReasonCode.NOT_JSON);
    }

    static String gunzip(byte[] body) throws IOException {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void sealsAtMaxRecordsWithADeterministicKeyFromShardAndSequenceNumbers() throws IOException {
        Batcher b = batcher(3, 1 << 20);
        assertTrue(b.add(meta("shardId-0", 101, T10), raw("dt=2024-01-15/hour=10", "{\"a\":1}")).isEmpty());
        assertTrue(b.add(meta("shardId-0", 102, T10), raw("dt=2024-01-15/hour=10", "{\"a\":2}")).isEmpty());
        List<SealedBatch> sealed = b.add(meta("shardId-0", 103, T10), raw("dt=2024-01-15/hour=10", "{\"a\":3}"));
        assertEquals(1, sealed.size());
        SealedBatch s = sealed.get(0);
        assertEquals("raw-bucket", s.bucket());
        assertEquals("raw/events/dt=2024-01-15/hour=10/shardId-0-101-103.json.gz", s.key());
        assertEquals("{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n", gunzip(s.body()));
        assertEquals(3, s.records());
        assertEquals(0, b.openBatches());
    }

    @Test
    void sealsAtMaxBytes() {
        Batcher b = batcher(1000, 1024);
        String big = "x".repeat(600);
        assertTrue(b.add(meta("s", 1, T10), raw("p", big)).isEmpty());
        assertEquals(1, b.add(meta("s", 2, T10), raw("p", big)).size());
    }

    @Test
    void sealsAtMaxAgeOnly() {
        Batcher b = batcher(1000, 1 << 20);
        b.add(meta("s", 1, T10), raw("p", "{}"));
        clock.set(Duration.ofSeconds(59).toNanos());
        assertTrue(b.expired().isEmpty());
        clock.set(Duration.ofSeconds(60).toNanos());
        assertEquals(1, b.expired().size());
        assertEquals(0, b.openBatches());
    }

    @Test
    void aNewerArrivalHourSealsTheShardsOlderHourButNotOtherShards() {
        Batcher b = batcher(1000, 1 << 20);
        b.add(meta("s1", 1, T10), raw("dt=2024-01-15/hour=10", "{}"));
        b.add(meta("s2", 1, T10), raw("dt=2024-01-15/hour=10", "{}"));
        List<SealedBatch> sealed = b.add(meta("s1", 2, T10.plusSeconds(5)), raw("dt=2024-01-15/hour=11", "{}"));
        assertEquals(1, sealed.size());
        assertEquals("raw/events/dt=2024-01-15/hour=10/s1-1-1.json.gz", sealed.get(0).key());
        assertEquals(2, b.openBatches());
    }

    @Test
    void errorsGoToTheErrorsBucketAndPrefix() {
        Batcher b = batcher(1000, 1 << 20);
        b.add(meta("s", 7, T10), error("dt=2024-01-15", "{}"));
        SealedBatch s = b.drain().get(0);
        assertEquals("errors-bucket", s.bucket());
        assertEquals("errors/events/dt=2024-01-15/s-7-7.json.gz", s.key());
    }

    @Test
    void checkpointAdvancesOnlyOverTheDurablePrefix() {
        Batcher b = batcher(1000, 1 << 20);
        b.add(meta("s", 1, T10), raw("p", "{}"));
        b.add(meta("s", 2, T10), error("e", "{}"));
        b.add(meta("s", 3, T10), raw("p", "{}"));
        List<SealedBatch> all = b.drain();
        SealedBatch rawBatch = all.stream().filter(x -> x.zone() == Zone.RAW).findFirst().orElseThrow();
        SealedBatch errorBatch = all.stream().filter(x -> x.zone() == Zone.ERRORS).findFirst().orElseThrow();
        assertEquals("1", b.firstUndurable("s"));

        b.committed(rawBatch);
        assertEquals("1", b.unpersistedCheckpoints().get("s"), "record 2 (errors batch) is not durable yet");
        assertEquals("2", b.firstUndurable("s"));

        b.committed(errorBatch);
        assertEquals("3", b.unpersistedCheckpoints().get("s"));
        assertNull(b.firstUndurable("s"));
        assertEquals(0L, b.pendingRecords().get("s"));

        b.persisted("s", "3");
        assertTrue(b.unpersistedCheckpoints().isEmpty());
    }

    @Test
    void resumePositionIsWhatThisProcessReadElseTheRestoredCheckpoint() {
        Batcher b = batcher(1000, 1 << 20);
        assertNull(b.resumeAfter("s"));
        b.restore("s", "41");
        assertEquals("41", b.resumeAfter("s"));
        b.add(meta("s", 42, T10), raw("p", "{}"));
        assertEquals("42", b.resumeAfter("s"));
    }

    @Test
    void settingsOutsideTheirBoundsFailWithThePropertyName() {
        var e = assertThrows(IllegalArgumentException.class, () -> new BatchSettings(10, 1 << 20, Duration.ofSeconds(901), 1));
        assertTrue(e.getMessage().contains("tributary.batch.max-age"));
    }

    @Test
    void theCheckpointCarriesTheArrivalOfItsRecord() {
        Batcher b = batcher(2, 1 << 20);
        Instant t1 = Instant.parse("2024-01-15T10:59:58Z");
        Instant t2 = Instant.parse("2024-01-15T11:00:03Z");
        b.restore("shardId-1", "7", Instant.parse("2024-01-15T09:00:00Z"));
        b.add(meta("shardId-0", 1, t1), raw("dt=2024-01-15/hour=10", "{}"));
        List<SealedBatch> sealed = b.add(meta("shardId-0", 2, t2), raw("dt=2024-01-15/hour=11", "{}"));
        assertNull(b.unpersistedPositions().get("shardId-0"), "nothing durable yet");
        assertEquals(2L, b.pendingRecords().get("shardId-0"));
        b.committed(sealed.get(0)); // hour 10's batch, sealed when hour 11 opened
        assertEquals(1L, b.pendingRecords().get("shardId-0"));
        assertEquals(new ShardPosition("1", t1), b.unpersistedPositions().get("shardId-0"));
        b.persisted("shardId-0", b.unpersistedPositions().get("shardId-0"));
        assertTrue(b.unpersistedPositions().isEmpty());
        assertEquals(0L, b.pendingRecords().get("shardId-1"), "restored, nothing read");
    }

    @Test
    void theCheckpointPassesASplitKinesisRecordOnlyWhenAllItsUserRecordsAreDurable() {
        Batcher b = batcher(100, 1 << 20);
        String hour = "dt=2024-01-15/hour=10";
        b.add(meta("s", 1, T10), raw(hour, "{\"r\":1}"));
        RecordMeta seven = meta("s", 7, T10);
        b.addAll(List.of(seven.sub(0), seven.sub(1), seven.sub(2)),
                List.of(raw(hour, "{\"r\":\"7.0\"}"), error("dt=2024-01-15", "{\"r\":\"7.1\"}"), raw(hour, "{\"r\":\"7.2\"}")));
        List<SealedBatch> sealed = b.drain();
        SealedBatch rawBatch = sealed.stream().filter(x -> x.zone() == Zone.RAW).findFirst().orElseThrow();
        SealedBatch errorBatch = sealed.stream().filter(x -> x.zone() == Zone.ERRORS).findFirst().orElseThrow();
        assertEquals("raw/events/dt=2024-01-15/hour=10/s-1-7.2.json.gz", rawBatch.key(), "user records are keyed <seq>.<sub>");
        assertEquals("errors/events/dt=2024-01-15/s-7.1-7.1.json.gz", errorBatch.key());
        b.committed(rawBatch);
        assertEquals("1", b.unpersistedCheckpoints().get("s"), "user record 7.1 (errors batch) is not durable: 7 is not passed");
        assertEquals("7", b.firstUndurable("s"));
        b.committed(errorBatch);
        assertEquals("7", b.unpersistedCheckpoints().get("s"));
    }

    @Test
    void batchesHoldingOnlyPartsOfOneKinesisRecordGetDistinctKeysAndTheCheckpointWaitsForTheLast() {
        Batcher b = batcher(2, 1 << 20);
        String hour = "dt=2024-01-15/hour=10";
        RecordMeta five = meta("s", 5, T10);
        List<SealedBatch> sealed = b.addAll(List.of(five.sub(0), five.sub(1), five.sub(2), five.sub(3), five.sub(4)),
                List.of(raw(hour, "{}"), raw(hour, "{}"), raw(hour, "{}"), raw(hour, "{}"), raw(hour, "{}")));
        assertEquals(List.of("raw/events/dt=2024-01-15/hour=10/s-5.0-5.1.json.gz", "raw/events/dt=2024-01-15/hour=10/s-5.2-5.3.json.gz"),
                sealed.stream().map(SealedBatch::key).toList());
        sealed.forEach(b::committed);
        assertTrue(b.unpersistedCheckpoints().isEmpty(), "user record 5.4 is still open: the checkpoint stays put");
        SealedBatch last = b.drain().get(0);
        assertEquals("raw/events/dt=2024-01-15/hour=10/s-5.4-5.4.json.gz", last.key());
        b.committed(last);
        assertEquals("5", b.unpersistedCheckpoints().get("s"));
    }
}
