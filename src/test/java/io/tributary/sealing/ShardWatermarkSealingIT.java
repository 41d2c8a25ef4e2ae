package io.tributary.sealing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.tributary.batch.ShardPosition;
import io.tributary.checkpoint.CheckpointStore;
import io.tributary.local.StandInProcess;
import io.tributary.local.StandIns;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The production sealing rule (not seal-open-hour) on the Kinesis and S3 stand-ins, in Lambda mode's form
 * ({@link OrchestratedHours}, which needs no Glue): shard owners publish durable positions as the ingest function does
 * ({@link CheckpointStore#advance}), and the sealer reads them and the shards. kinesalite's clock runs 70 minutes behind, so
 * the records arrive in an hour whose end plus grace is already past on the sealer's clock.
 */
class ShardWatermarkSealingIT {

    static final String STREAM = "watermarks";
    static final String BUCKET = "raw-wm";
    static final Duration GRACE = Duration.ofMinutes(1);

    static StandInProcess kinesalite;
    static StandInProcess s3proxy;
    static KinesisClient kinesis;
    static S3Client s3;

    @BeforeAll
    static void start() throws Exception {
        Path logs = Files.createDirectories(StandIns.projectDir().resolve("target/watermark-it"));
        kinesalite = StandIns.kinesalite(logs, Duration.ofMinutes(-70));
        s3proxy = StandIns.s3proxy(Files.createTempDirectory("tributary-watermarks-"), logs);
        kinesis = StandIns.kinesisClient(kinesalite.endpoint());
        s3 = StandIns.s3Client(s3proxy.endpoint());
        StandIns.createBucket(s3, BUCKET);
        StandIns.createStream(kinesis, STREAM, 2);
    }

    @AfterAll
    static void stop() {
        kinesis.close();
        s3.close();
        kinesalite.close();
        s3proxy.close();
    }

    CheckpointStore positions() {
        return new CheckpointStore(s3, BUCKET, "_checkpoints", STREAM);
    }

    OrchestratedHours sealer() {
        return new OrchestratedHours(new S3HourStore(s3, BUCKET, "raw/events", "_tributary/state/hours"),
                new DurableShardWatermarks(kinesis, STREAM, positions(), Clock.systemUTC()), new SealPolicy(GRACE, false),
                Duration.ofDays(1), Duration.ofHours(6), Duration.ofHours(3), 2, Clock.systemUTC());
    }

    /** Puts one record on the shard whose hash range starts at {@code hashKey}. */
    static PutRecordResponse put(String hashKey, String body) {
        return kinesis.putRecord(b -> b.streamName(STREAM).partitionKey("p").explicitHashKey(hashKey)
                .data(SdkBytes.fromString(body, StandardCharsets.UTF_8)));
    }

    static Record read(String shardId, String sequenceNumber) {
        String it = kinesis.getShardIterator(b -> b.streamName(STREAM).shardId(shardId)
                .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).startingSequenceNumber(sequenceNumber)).shardIterator();
        return kinesis.getRecords(b -> b.shardIterator(it).limit(1)).records().get(0);
    }

    /** The owner of the shard made everything up to this record durable and published it. */
    void durable(String shardId, PutRecordResponse upTo) {
        Record r = read(shardId, upTo.sequenceNumber());
        assertTrue(positions().advance(shardId, new ShardPosition(r.sequenceNumber(), r.approximateArrivalTimestamp())));
    }

    @Test
    void aStalledShardHoldsItsHourBackUntilItsOwnerPublishesThenExactlyOneExecutionClaimsItAndLateDataReopensIt() {
        List<Shard> shards = kinesis.listShards(b -> b.streamName(STREAM)).shards();
        String a = shards.get(0).shardId();
        String b = shards.get(1).shardId();
        String keyA = shards.get(0).hashKeyRange().startingHashKey();
        String keyB = shards.get(1).hashKeyRange().startingHashKey();
        PutRecordResponse a1 = put(keyA, "{\"a\":1}");
        PutRecordResponse a2 = put(keyA, "{\"a\":2}");
        PutRecordResponse b1 = put(keyB, "{\"b\":1}");
        PutRecordResponse b2 = put(keyB, "{\"b\":2}");
        Instant arrival = read(a, a1.sequenceNumber()).approximateArrivalTimestamp();
        String hour = RawHours.of(arrival);
        assertTrue(RawHours.end(hour).plus(GRACE).isBefore(Instant.now()), "the records' hour is over, grace included");
        String rawKey = "raw/events/" + RawHours.partition(hour) + a + "-1.json.gz";
        s3.putObject(o -> o.bucket(BUCKET).key(rawKey), RequestBody.fromString("{}"));

        // shard a is durable to its end; shard b's owner stalled after b1: b2 is not durable
        durable(a, a2);
        durable(b, b1);
        assertFalse(positions().advance(b, new ShardPosition(b1.sequenceNumber(), null)), "a position never moves back");
        DurableShardWatermarks marks = new DurableShardWatermarks(kinesis, STREAM, positions(), Clock.systemUTC());
        Map<String, ShardWatermark> byShard = new java.util.HashMap<>();
        marks.current(Instant.now()).forEach(m -> byShard.put(m.shardId(), m));
        assertNotNull(byShard.get(a).atTipAt(), "shard a: read at its tip: " + byShard.get(a));
        assertNotNull(byShard.get(b).nextArrival(), "shard b: a record after its durable position: " + byShard.get(b));
        assertNull(byShard.get(b).atTipAt());

        OrchestratedHours first = sealer();
        assertEquals(List.of(), first.seal(), "the stalled shard holds the hour back");
        assertEquals(List.of(), first.seal(), "and keeps holding it: quiet is not evidence");

        durable(b, b2);
        OrchestratedHours second = sealer();
        List<Map<String, String>> claimed = new ArrayList<>(first.seal());
        claimed.addAll(second.seal());
        assertEquals(1, claimed.size(), "exactly one execution claims the hour: " + claimed);
        assertEquals(hour, claimed.get(0).get("arrival_hour"));
        String token = claimed.get(0).get("run_token");

        Map<String, Object> curated = second.handle(Map.of("action", "curated", "arrival_hour", hour, "run_token", token,
                "glue_run_id", "jr_1"));
        assertEquals("curated", curated.get("state"));
        Map<String, Object> stale = first.handle(Map.of("action", "failed", "arrival_hour", hour, "run_token", "another-token",
                "error", Map.of("Error", "States.TaskFailed", "Cause", "x")));
        assertEquals(false, stale.get("recorded"), "an outcome under a token that is not the hour's is ignored");
        assertEquals("rolled_up", first.handle(Map.of("action", "rolled_up", "arrival_hour", hour, "run_token", token,
                "athena_query_id", "q-1")).get("state"));
        assertEquals(List.of(), sealer().seal(), "nothing new: nothing claimed");

        // a replay writes another object into the curated hour: it is claimed again
        s3.putObject(o -> o.bucket(BUCKET).key("raw/events/" + RawHours.partition(hour) + b + "-2.json.gz"), RequestBody.fromString("{}"));
        List<Map<String, String>> again = sealer().seal();
        assertEquals(1, again.size(), "late data re-opens the hour");
        assertEquals(hour, again.get(0).get("arrival_hour"));
    }
}
