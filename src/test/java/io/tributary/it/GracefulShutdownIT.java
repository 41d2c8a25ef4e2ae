package io.tributary.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.tributary.local.AppProcess;
import io.tributary.local.LakeFiles;
import io.tributary.local.LocalLake;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Container mode stopped with SIGTERM: while records are still being produced, every open batch is written and every
 * checkpoint saved before the process exits; and with S3 down, the process still exits within tributary.shutdown.deadline.
 */
class GracefulShutdownIT {

    static Map<String, String> config(LocalLake lake, String deadline) {
        Map<String, String> c = lake.appConfig();
        c.put("tributary.kinesis.max-records-per-poll", "100");
        // nothing is flushed or checkpointed before the SIGTERM: whatever is in S3 afterwards, the shutdown wrote
        c.put("tributary.batch.max-age", "900s");
        c.put("tributary.checkpoint.interval", "3600s");
        c.put("tributary.shutdown.deadline", deadline);
        return c;
    }

    /** Every record of a shard as Kinesis holds it: sequence number → data. */
    static List<Record> shardRecords(LocalLake lake, String shard) {
        List<Record> out = new ArrayList<>();
        KinesisClient kinesis = lake.kinesis;
        String it = kinesis.getShardIterator(b -> b.streamName(lake.stream).shardId(shard).shardIteratorType(ShardIteratorType.TRIM_HORIZON))
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
        AtomicBoolean producing = new AtomicBoolean(true);
        try (LocalLake lake = new LocalLake("shutdown-mid-stream")) {
            try (AppProcess app = AppProcess.start(config(lake, "25s"), lake.work.resolve("app-mid-stream.log"))) {
                // producers keep sending while the task is stopped, bounded in count and time
                Thread producer = new Thread(() -> {
                    for (int i = 0; i < 100 && producing.get(); i++) {
                        lake.put("mid" + i, 20);
                        pause(50);
                    }
                }, "producer");
                producer.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> app.metric("tributary_records_received_total") >= 300);
                assertTrue(LakeFiles.keys(lake.basedir, lake.rawBucket, "raw/events").isEmpty(), "no batch was due before the SIGTERM");

                assertGracefulExit(app.stopGracefully(Duration.ofSeconds(40)));
                producing.set(false);
                producer.join();
                assertTrue(app.logText().contains("shutdown: wrote"), app.logText());
            }

            List<LakeFiles.Line> raw = lake.raw();
            assertFalse(raw.isEmpty());
            for (String shard : List.of("shardId-000000000000", "shardId-000000000001")) {
                Path checkpointFile = lake.basedir.resolve(lake.rawBucket).resolve("_checkpoints/" + lake.stream + "/" + shard);
                assertTrue(Files.exists(checkpointFile), "checkpoint of " + shard + " written before exit");
                BigInteger checkpoint = new BigInteger(new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(Files.readString(checkpointFile, StandardCharsets.UTF_8)).get("sequence_number").asText());
                Set<String> upToCheckpoint = shardRecords(lake, shard).stream().map(Record::sequenceNumber)
                        .filter(s -> new BigInteger(s).compareTo(checkpoint) <= 0).collect(Collectors.toSet());
                List<String> inLake = raw.stream().filter(l -> l.json().get("shard_id").asText().equals(shard))
                        .map(l -> l.json().get("sequence_number").asText()).toList();
                assertEquals(upToCheckpoint, Set.copyOf(inLake), shard + ": every record up to the checkpoint is in the raw zone, none beyond");
                assertEquals(inLake.size(), Set.copyOf(inLake).size(), shard + ": each once");
            }
        }
    }

    @Test
    void s3DownAtShutdownStillExitsWithinTheDeadline() throws Exception {
        try (LocalLake lake = new LocalLake("shutdown-s3-down", 1)) {
            try (AppProcess app = AppProcess.start(config(lake, "5s"), lake.work.resolve("app-s3-down.log"))) {
                lake.put("down", 200);
                await().atMost(Duration.ofSeconds(60)).until(() -> app.metric("tributary_records_received_total") >= 200);
                lake.s3proxy.close();

                Instant sigterm = Instant.now();
                assertGracefulExit(app.stopGracefully(Duration.ofSeconds(30)));
                Duration took = Duration.between(sigterm, Instant.now());
                assertTrue(took.compareTo(Duration.ofSeconds(5 + 5)) < 0, "exited " + took.toMillis() + " ms after SIGTERM, deadline 5 s");
                String log = app.logText();
                assertTrue(log.contains("the shutdown deadline of 5 s passed; 1 of 1 open batches not written (200 records"), log);
                assertTrue(log.contains("read again after the last checkpoint"), log);
            }
            assertTrue(LakeFiles.keys(lake.basedir, lake.rawBucket, "raw/events").isEmpty());
            assertFalse(Files.exists(lake.basedir.resolve(lake.rawBucket).resolve("_checkpoints/" + lake.stream)),
                    "no checkpoint passed unwritten records");
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
