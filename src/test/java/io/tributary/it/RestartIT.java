package io.tributary.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.tributary.local.AppProcess;
import io.tributary.local.LakeFiles;
import io.tributary.local.LocalLake;

/**
 * The packaged application as a child process on the stand-ins, stopped mid-stream and started again:
 * a crash (SIGKILL) loses nothing and the replay overwrites the same object keys with the same bytes; a graceful stop
 * (SIGTERM) flushes open batches and writes checkpoints, and the next start resumes after them.
 */
class RestartIT {

    static LocalLake lake;

    @BeforeAll
    static void standIns() {
        lake = new LocalLake("restart-it");
    }

    @AfterAll
    static void stopStandIns() {
        lake.close();
    }

    static Map<String, String> config(String checkpointInterval) {
        Map<String, String> c = lake.appConfig();
        c.put("tributary.kinesis.max-records-per-poll", "100");
        // count-based flushes only, so a replay cuts batches at the same records
        c.put("tributary.batch.max-records", "50");
        c.put("tributary.batch.max-age", "900s");
        c.put("tributary.checkpoint.interval", checkpointInterval);
        return c;
    }

    static List<LakeFiles.Line> raw() {
        return lake.raw();
    }

    static Map<String, byte[]> objects() throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        for (String key : LakeFiles.keys(lake.basedir, lake.rawBucket, "raw/events")) {
            out.put(key, Files.readAllBytes(lake.basedir.resolve(lake.rawBucket).resolve(key)));
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
        lake.put("crash", 1000);

        // 1. crash mid-stream: no checkpoint has been written yet (interval 1h), some batches are in S3
        Map<String, byte[]> beforeCrash;
        try (AppProcess a = AppProcess.start(config("3600s"), lake.work.resolve("app-a.log"))) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> LakeFiles.keys(lake.basedir, lake.rawBucket, "raw/events").size() >= 4);
            a.kill();
            beforeCrash = objects();
        }
        assertFalse(beforeCrash.isEmpty());
        assertTrue(raw().size() < 1000, "the crash happened mid-stream");

        // 2. restart: replays from the start of the stream, rewrites the same keys with the same bytes; SIGTERM flushes the rest
        try (AppProcess b = AppProcess.start(config("1s"), lake.work.resolve("app-b.log"))) {
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
            assertTrue(Files.exists(lake.basedir.resolve(lake.rawBucket).resolve("_checkpoints/" + lake.stream + "/" + shard)), "checkpoint of " + shard);
        }

        // 3. a graceful restart resumes after the checkpoints: only the new records are read
        lake.put("after", 200);
        try (AppProcess c = AppProcess.start(config("1s"), lake.work.resolve("app-c.log"))) {
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
