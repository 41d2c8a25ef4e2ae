package io.tributary.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The packaged application as a child process on the stand-ins, stopped mid-stream and started again:
 * a crash (SIGKILL) loses nothing and the replay overwrites the same object keys with the same bytes; a graceful stop
 * (SIGTERM) flushes open batches and writes checkpoints, and the next start resumes after them.
 */
class RestartIT {

    static final String STREAM = "restart-it";
    static final String RAW = "raw-restart";
    static final String ERRORS = "errors-restart";

    static Path work;
    static Path basedir;
    static StandInProcess kinesalite;
    static StandInProcess s3proxy;
    static KinesisClient kinesis;

    @BeforeAll
    static void standIns() throws IOException {
        work = Files.createDirectories(Path.of("target/restart-it").toAbsolutePath());
        basedir = Files.createTempDirectory("tributary-restart-s3-");
        kinesalite = StandIns.kinesalite(work);
        s3proxy = StandIns.s3proxy(basedir, work);
        kinesis = StandIns.kinesisClient(kinesalite.endpoint());
        StandIns.createStream(kinesis, STREAM, 2);
        try (S3Client s3 = StandIns.s3Client(s3proxy.endpoint())) {
            StandIns.createBucket(s3, RAW);
            StandIns.createBucket(s3, ERRORS);
        }
    }

    @AfterAll
    static void stopStandIns() {
        kinesis.close();
        kinesalite.close();
        s3proxy.close();
    }

    static Map<String, String> config(String checkpointInterval) {
        Map<String, String> c = new HashMap<>();
        c.put("tributary.kinesis.stream", STREAM);
        c.put("tributary.kinesis.endpoint-override", kinesalite.endpoint());
        c.put("tributary.kinesis.poll-delay-ms", "100");
        c.put("tributary.kinesis.max-records-per-poll", "100");
        c.put("tributary.lake.endpoint-override", s3proxy.endpoint());
        c.put("tributary.lake.raw-bucket", RAW);
        c.put("tributary.lake.errors-bucket", ERRORS);
        c.put("tributary.aws.access-key-id", StandIns.ACCESS_KEY);
        c.put("tributary.aws.secret-access-key", StandIns.SECRET_KEY);
        c.put("tributary.ingest.api-key", "restart-it-key");
        // count-based flushes only, so a replay cuts batches at the same records
        c.put("tributary.batch.max-records", "50");
        c.put("tributary.batch.max-age", "900s");
        c.put("tributary.checkpoint.interval", checkpointInterval);
        return c;
    }

    static void put(String prefix, int n) {
        EventGenerator g = new EventGenerator(prefix.hashCode(), Instant.now());
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String json = g.nextJson().replaceFirst("\"user_id\":\"user_\\d+\"", "\"user_id\":\"" + prefix + "-" + i + "\"");
            entries.add(PutRecordsRequestEntry.builder().partitionKey(prefix + i).data(SdkBytes.fromUtf8String(json)).build());
            if (entries.size() == 500 || i == n - 1) {
                var response = kinesis.putRecords(b -> b.streamName(STREAM).records(entries));
                assertEquals(0, response.failedRecordCount());
                entries.clear();
            }
        }
    }

    static List<LakeFiles.Line> raw() {
        return LakeFiles.lines(basedir, RAW, "raw/events");
    }

    static Map<String, byte[]> objects() throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        for (String key : LakeFiles.keys(basedir, RAW, "raw/events")) {
            out.put(key, Files.readAllBytes(basedir.resolve(RAW).resolve(key)));
        }
        return out;
    }

    static Set<String> users(List<LakeFiles.Line> lines) {
        Set<String> users = new HashSet<>();
        lines.forEach(l -> users.add(l.json().get("user_id").asText()));
        return users;
    }

    /** The JVM exits with 128 + 15 after running its shutdown hooks on SIGTERM. */
    static void assertGracefulExit(int code) {
        assertTrue(code == 0 || code == 143, "exit code " + code);
    }

    @Test
    void crashLosesNothingReplayOverwritesTheSameKeysAndGracefulStopResumesAfterTheCheckpoint() throws Exception {
        put("crash", 1000);

        // 1. crash mid-stream: no checkpoint has been written yet (interval 1h), some batches are in S3
        Map<String, byte[]> beforeCrash;
        try (AppProcess a = AppProcess.start(config("3600s"), work.resolve("app-a.log"))) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> LakeFiles.keys(basedir, RAW, "raw/events").size() >= 4);
            a.kill();
            beforeCrash = objects();
        }
        assertFalse(beforeCrash.isEmpty());
        assertTrue(raw().size() < 1000, "the crash happened mid-stream");

        // 2. restart: replays from the start of the stream, rewrites the same keys with the same bytes; SIGTERM flushes the rest
        try (AppProcess b = AppProcess.start(config("1s"), work.resolve("app-b.log"))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> b.metric("tributary_records_received_total") >= 1000);
            assertGracefulExit(b.stopGracefully(Duration.ofSeconds(30)));
            assertTrue(b.logText().contains("shutdown: wrote"), b.logText());
        }
        Map<String, byte[]> afterReplay = objects();
        for (var e : beforeCrash.entrySet()) {
            assertArrayEquals(e.getValue(), afterReplay.get(e.getKey()), "replayed batch " + e.getKey() + " overwrote its own object");
        }
        List<LakeFiles.Line> lines = raw();
        assertEquals(1000, lines.size(), "every event exactly once: replays overwrote, nothing lost");
        assertEquals(1000, users(lines).size());
        for (String shard : List.of("shardId-000000000000", "shardId-000000000001")) {
            assertTrue(Files.exists(basedir.resolve(RAW).resolve("_checkpoints/" + STREAM + "/" + shard)), "checkpoint of " + shard);
        }

        // 3. a graceful restart resumes after the checkpoints: only the new records are read
        put("after", 200);
        try (AppProcess c = AppProcess.start(config("1s"), work.resolve("app-c.log"))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> c.metric("tributary_records_received_total") >= 200);
            assertEquals(200.0, c.metric("tributary_records_received_total"), "nothing before the checkpoints was read again");
            assertGracefulExit(c.stopGracefully(Duration.ofSeconds(30)));
            assertTrue(c.logText().contains("resumes after"), c.logText());
        }
        List<LakeFiles.Line> all = raw();
        assertEquals(1200, all.size());
        assertEquals(1200, users(all).size());
    }
}
