package io.tributary.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.tributary.local.AppProcess;
import io.tributary.local.LakeFiles;
import io.tributary.local.LocalLake;
import io.tributary.sealing.RawHours;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * Container mode stopped with SIGTERM: while records are still being produced, and across an arrival-hour change, every
 * open batch is written and every checkpoint saved before the process exits; and with S3 down, the process still exits
 * within tributary.shutdown.deadline.
 */
class GracefulShutdownIT {

    static final List<String> SHARDS = List.of("shardId-000000000000", "shardId-000000000001");

    static Map<String, String> config(LocalLake lake, String deadline) {
        Map<String, String> c = lake.appConfig();
        c.put("tributary.kinesis.max-records-per-poll", "100");
        // no batch is cut by age and no checkpoint written on the timer before the SIGTERM, so what is in S3 afterwards was
        // written by the shutdown or cut by an hour change (RestartIT runs the production age cut and checkpoint timer)
        c.put("tributary.batch.max-age", "900s");
        c.put("tributary.checkpoint.interval", "3600s");
        c.put("tributary.shutdown.deadline", deadline);
        return c;
    }

    static void assertGracefulExit(int code) {
        assertTrue(code == 0 || code == 143, "exit code " + code);
    }

    static Set<String> hoursOf(List<String> keys) {
        return keys.stream().map(RawHours::fromPartition).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void sigtermMidStreamAcrossAnHourChangeFlushesEveryOpenBatchAndWritesCheckpointsBeforeExit() throws Exception {
        // the stream's clock is set so that its hour changes while records are produced and read, before the SIGTERM: the
        // run always crosses an arrival hour, as every run near the top of an hour does
        Instant hourChange = Instant.now().plus(Duration.ofSeconds(20));
        AtomicBoolean producing = new AtomicBoolean(true);
        try (LocalLake lake = new LocalLake("shutdown-mid-stream", 2, LocalLake.offsetPlacingHourChangeAt(hourChange))) {
            String oldHour = RawHours.of(hourChange.plus(lake.streamClockOffset).minusSeconds(1));
            String newHour = RawHours.of(hourChange.plus(lake.streamClockOffset));
            // producers keep sending from before the start until the task has stopped, bounded in time
            Thread producer = new Thread(() -> {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                for (int i = 0; producing.get() && System.nanoTime() < end; i++) {
                    lake.put("mid" + i, 20);
                    pause(50);
                }
            }, "producer");
            producer.start();
            assertTrue(Instant.now().isBefore(hourChange.minusSeconds(5)), "the stand-ins started in time to produce before the hour change");
            List<String> beforeSigterm;
            try (AppProcess app = AppProcess.start(config(lake, "25s"), lake.work.resolve("app-mid-stream.log"))) {
                // each shard read records of the new hour, so its batch of the old hour was cut and written
                await().atMost(Duration.ofSeconds(60)).until(() -> app.metric("tributary_records_received_total") >= 300
                        && LakeFiles.keys(lake.basedir, lake.rawBucket, "raw/events").stream()
                                .filter(k -> oldHour.equals(RawHours.fromPartition(k))).count() >= SHARDS.size());
                beforeSigterm = LakeFiles.keys(lake.basedir, lake.rawBucket, "raw/events");
                assertGracefulExit(app.stopGracefully(Duration.ofSeconds(40)));
                assertTrue(producer.isAlive(), "the producer was still sending at the SIGTERM");
                producing.set(false);
                producer.join();
                assertTrue(app.logText().contains("shutdown: wrote"), app.logText());
            }
            assertEquals(Set.of(oldHour), hoursOf(beforeSigterm), "before the SIGTERM only the hour change cut batches: " + beforeSigterm);

            List<LakeFiles.Line> raw = lake.raw();
            assertEquals(new TreeSet<>(Set.of(oldHour, newHour)), hoursOf(raw.stream().map(LakeFiles.Line::key).toList()),
                    "the run crossed the stream's hour change");
            for (LakeFiles.Line l : raw) {
                assertEquals(RawHours.of(Instant.parse(l.json().get("ingest_time").asText())), RawHours.fromPartition(l.key()),
                        "each record in the raw hour of its arrival: " + l.json());
            }
            // whatever the hours, per shard: every record up to the checkpoint is in the raw zone once, none beyond
            for (String shard : SHARDS) {
                BigInteger checkpoint = new BigInteger(lake.checkpoint(shard)
                        .orElseThrow(() -> new AssertionError("checkpoint of " + shard + " written before exit")));
                Set<String> upToCheckpoint = lake.shardRecords(shard).stream().map(Record::sequenceNumber)
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
        // one arrival hour (the stream's clock at the middle of an hour): an hour change would cut and write one more batch
        // before S3 goes down, and this test counts the batches the deadline left unwritten
        try (LocalLake lake = new LocalLake("shutdown-s3-down", 1, LocalLake.offsetToMidHour())) {
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
