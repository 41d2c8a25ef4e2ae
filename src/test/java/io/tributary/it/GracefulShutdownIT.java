package io.tributary.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.tributary.local.AppProcess;
import io.tributary.local.EventGenerator;
import io.tributary.local.LakeFiles;
import io.tributary.local.StandInProcess;
import io.tributary.local.StandIns;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Container mode stopped with SIGTERM: while records are still being produced, every open batch is written and every
 * checkpoint saved before the process exits; and with S3 down, the process still exits within tributary.shutdown.deadline.
 */
class GracefulShutdownIT {

    static final String RAW = "raw-shutdown";
    static final String ERRORS = "errors-shutdown";

    static Path work;
    static StandInProcess kinesalite;
    static KinesisClient kinesis;

    @BeforeAll
    static void kinesis() throws IOException {
        work = Files.createDirectories(Path.of("target/shutdown-it").toAbsolutePath());
        kinesalite = StandIns.kinesalite(work);
        kinesis = StandIns.kinesisClient(kinesalite.endpoint());
    }

    @AfterAll
    static void stop() {
        kinesis.close();
        kinesalite.close();
    }

    static StandInProcess s3(Path basedir) {
        StandInProcess s3proxy = StandIns.s3proxy(basedir, work);
        try (S3Client s3 = StandIns.s3Client(s3proxy.endpoint())) {
            StandIns.createBucket(s3, RAW);
            StandIns.createBucket(s3, ERRORS);
        }
        return s3proxy;
    }

    static Map<String, String> config(String stream, StandInProcess s3proxy, String deadline) {
        Map<String, String> c = new HashMap<>();
        c.put("tributary.kinesis.stream", stream);
        c.put("tributary.kinesis.endpoint-override", kinesalite.endpoint());
        c.put("tributary.kinesis.poll-delay-ms", "100");
        c.put("tributary.kinesis.max-records-per-poll", "100");
        c.put("tributary.lake.endpoint-override", s3proxy.endpoint());
        c.put("tributary.lake.raw-bucket", RAW);
        c.put("tributary.lake.errors-bucket", ERRORS);
        c.put("tributary.aws.access-key-id", StandIns.ACCESS_KEY);
        c.put("tributary.aws.secret-access-key", StandIns.SECRET_KEY);
        c.put("tributary.ingest.api-key", "shutdown-it-key");
        // nothing is flushed or checkpointed before the SIGTERM: whatever is in S3 afterwards, the shutdown wrote
        c.put("tributary.batch.max-age", "900s");
        c.put("tributary.checkpoint.interval", "3600s");
        c.put("tributary.shutdown.deadline", deadline);
        return c;
    }

    static void put(String stream, String prefix, int from, int n) {
        EventGenerator g = new EventGenerator(prefix.hashCode() + from, Instant.now());
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            String json = g.nextJson().replaceFirst("\"user_id\":\"user_\\d+\"", "\"user_id\":\"" + prefix + "-" + i + "\"");
            entries.add(PutRecordsRequestEntry.builder().partitionKey(prefix + i).data(SdkBytes.fromUtf8String(json)).build());
        }
        assertEquals(0, kinesis.putRecords(b -> b.streamName(stream).records(entries)).failedRecordCount());
    }

    /** Every record of a shard as Kinesis holds it: sequence number → data. */
    static List<Record> shardRecords(String stream, String shard) {
        List<Record> out = new ArrayList<>();
        String it = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard).shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                .shardIterator();
        while (it != null) {
            String iterator = it;
            var r = kinesis.getRecords(b -> b.shardIterator(iterator).limit(1000));
            out.addAll(r.records());
            if (r.records().isEmpty()) {
                break;
            }
            it = r.nextShardIterator();
        }
        return out;
    }

    static void assertGracefulExit(int code) {
        assertTrue(code == 0 || code == 143, "exit code " + code);
    }

    @Test
    void sigtermMidStreamFlushesEveryOpenBatchAndWritesCheckpointsBeforeExit() throws Exception {
        String stream = "shutdown-mid-stream";
        StandIns.createStream(kinesis, stream, 2);
        Path basedir = Files.createTempDirectory("tributary-shutdown-s3-");
        AtomicBoolean producing = new AtomicBoolean(true);
        try (StandInProcess s3proxy = s3(basedir);
             AppProcess app = AppProcess.start(config(stream, s3proxy, "25s"), work.resolve("app-mid-stream.log"))) {
            // producers keep sending while the task is stopped, bounded in count and time
            Thread producer = new Thread(() -> {
                for (int i = 0; i < 100 && producing.get(); i++) {
                    put(stream, "mid", i * 20, 20);
                    pause(50);
                }
            }, "producer");
            producer.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> app.metric("tributary_records_received_total") >= 300);
            assertTrue(LakeFiles.keys(basedir, RAW, "raw/events").isEmpty(), "no batch was due before the SIGTERM");

            assertGracefulExit(app.stopGracefully(Duration.ofSeconds(40)));
            producing.set(false);
            producer.join();
            assertTrue(app.logText().contains("shutdown: wrote"), app.logText());
        }

        List<LakeFiles.Line> raw = LakeFiles.lines(basedir, RAW, "raw/events");
        assertFalse(raw.isEmpty());
        for (String shard : List.of("shardId-000000000000", "shardId-000000000001")) {
            Path checkpointFile = basedir.resolve(RAW).resolve("_checkpoints/" + stream + "/" + shard);
            assertTrue(Files.exists(checkpointFile), "checkpoint of " + shard + " written before exit");
            BigInteger checkpoint = new BigInteger(new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(Files.readString(checkpointFile, StandardCharsets.UTF_8)).get("sequence_number").asText());
            Set<String> upToCheckpoint = shardRecords(stream, shard).stream().map(Record::sequenceNumber)
                    .filter(s -> new BigInteger(s).compareTo(checkpoint) <= 0).collect(Collectors.toSet());
            List<String> inLake = raw.stream().filter(l -> l.json().get("shard_id").asText().equals(shard))
                    .map(l -> l.json().get("sequence_number").asText()).toList();
            assertEquals(upToCheckpoint, Set.copyOf(inLake), shard + ": every record up to the checkpoint is in the raw zone, none beyond");
            assertEquals(inLake.size(), Set.copyOf(inLake).size(), shard + ": each once");
        }
    }

    @Test
    void s3DownAtShutdownStillExitsWithinTheDeadline() throws Exception {
        String stream = "shutdown-s3-down";
        StandIns.createStream(kinesis, stream, 1);
        Path basedir = Files.createTempDirectory("tributary-shutdown-s3-down-");
        StandInProcess s3proxy = s3(basedir);
        try (AppProcess app = AppProcess.start(config(stream, s3proxy, "5s"), work.resolve("app-s3-down.log"))) {
            put(stream, "down", 0, 200);
            await().atMost(Duration.ofSeconds(60)).until(() -> app.metric("tributary_records_received_total") >= 200);
            s3proxy.close();

            Instant sigterm = Instant.now();
            assertGracefulExit(app.stopGracefully(Duration.ofSeconds(30)));
            Duration took = Duration.between(sigterm, Instant.now());
            assertTrue(took.compareTo(Duration.ofSeconds(5 + 5)) < 0, "exited " + took.toMillis() + " ms after SIGTERM, deadline 5 s");
            String log = app.logText();
            assertTrue(log.contains("the shutdown deadline of 5 s passed; 1 of 1 open batches not written (200 records"), log);
            assertTrue(log.contains("read again after the last checkpoint"), log);
        } finally {
            s3proxy.close();
        }
        assertTrue(LakeFiles.keys(basedir, RAW, "raw/events").isEmpty());
        assertFalse(Files.exists(basedir.resolve(RAW).resolve("_checkpoints/" + stream)), "no checkpoint passed unwritten records");
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
