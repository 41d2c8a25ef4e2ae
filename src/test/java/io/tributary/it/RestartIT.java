package io.tributary.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.tributary.local.AppProcess;
import io.tributary.local.CuratedZone;
import io.tributary.local.GlueStandIn;
import io.tributary.local.LakeFiles;
import io.tributary.local.LocalLake;

/**
 * The packaged application as a child process on the stand-ins, with the production batch cutting (5 MiB, 60 s, 100,000
 * records; checkpoints every 5 s), killed with SIGKILL mid-stream just after its first age-cut batches, started again,
 * stopped with SIGTERM and started again.
 * What the design promises under replay: nothing is lost (every event sent is in the raw zone at least once; what a crash
 * left in S3 is never changed), a start resumes after the last checkpoint written, and the Glue job makes the curated zone
 * hold every event exactly once.
 */
class RestartIT {

    static final String CURATED = "curated-restart";
    static final List<String> SHARDS = List.of("shardId-000000000000", "shardId-000000000001");

    /** The producer's pace: about 200 events a second stay under 5 MiB per shard for a minute (raw lines are about 600 bytes), so
     *  the first batches are cut by age. An age cut falls wherever the minute ends; the restart cuts the same records
     *  elsewhere, so the raw zone holds some events twice and the Glue job has duplicates to remove. */
    static final int CHUNK = 100;
    static final long CHUNK_INTERVAL_MS = 500;
    /** For its first seconds the producer sends to the first shard only (uneven traffic, as from few partition keys), so
     *  the second shard's first batch opens, and is cut by age, a few seconds after the first shard's: when the first
     *  shard's batch is in S3, the second shard's minute of records is only in the process's memory. */
    static final int FIRST_SHARD_ONLY_CHUNKS = 8;

    static LocalLake lake;
    static GlueStandIn glue;

    @BeforeAll
    static void standIns() {
        // one raw hour: the stream's clock is set to the middle of an hour. Across an hour change the first batch would be
        // cut at the change, the same cut on every replay, and the age-cut replay this test is about would not happen.
        // (Hours are still taken from the data below; GracefulShutdownIT runs across an hour change on purpose.)
        lake = new LocalLake("restart-it", 2, LocalLake.offsetToMidHour());
        lake.createBucket(CURATED);
        glue = GlueStandIn.start(GlueStandIn.DEFAULT_JOB, lake.s3proxy.endpoint(), lake.work, "1g");
    }

    @AfterAll
    static void stopStandIns() {
        glue.close();
        lake.close();
    }

    /** The stand-ins' coordinates only: every batch, checkpoint and polling setting is the production default. */
    static Map<String, String> config() {
        Map<String, String> c = lake.appConfig();
        c.remove("tributary.kinesis.poll-delay-ms");
        return c;
    }

    static Map<String, byte[]> objects() throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        for (String key : LakeFiles.keys(lake.basedir, lake.rawBucket, "raw/events")) {
            out.put(key, Files.readAllBytes(lake.basedir.resolve(lake.rawBucket).resolve(key)));
        }
        return out;
    }

    /** Records of a shard after a checkpoint (all of them without one): what a process resuming there reads. */
    static long recordsAfter(String shard, Optional<String> checkpoint) {
        BigInteger after = checkpoint.map(BigInteger::new).orElse(BigInteger.valueOf(-1));
        return lake.shardRecords(shard).stream().filter(r -> new BigInteger(r.sequenceNumber()).compareTo(after) > 0).count();
    }

    static void assertGracefulExit(int code) {
        // the JVM exits with 128 + 15 after running its shutdown hooks on SIGTERM
        assertTrue(code == 0 || code == 143, "exit code " + code);
    }

    @Test
    void aCrashMidStreamLosesNothingAndTheCuratedZoneHoldsEveryEventOnce() throws Exception {
        long t0 = System.nanoTime();
        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean producing = new AtomicBoolean(true);
        // the producer sends across the crash and the restart, bounded in time
        Thread producer = new Thread(() -> {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
            for (int from = 0; producing.get() && System.nanoTime() < end; from += CHUNK) {
                sent.addAll(from < FIRST_SHARD_ONLY_CHUNKS * CHUNK ? lake.putWithEventIds("restart", from, CHUNK, "0")
                        : lake.putWithEventIds("restart", from, CHUNK));
                pause(CHUNK_INTERVAL_MS);
            }
        }, "producer");
        AtomicReference<Throwable> producerFailure = new AtomicReference<>();
        producer.setUncaughtExceptionHandler((t, e) -> producerFailure.set(e));

        // 1. the first process writes the first shard's batch when it is a minute old and is killed right after, while the
        //    second shard's batch and the first shard's newer records are only in its memory
        Map<String, byte[]> beforeCrash;
        Map<String, Optional<String>> checkpointsAtCrash = new HashMap<>();
        double readAtCrash;
        int sentAtCrash;
        try (AppProcess a = AppProcess.start(config(), lake.work.resolve("app-a.log"))) {
            producer.start();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20))
                    .until(() -> !LakeFiles.keys(lake.basedir, lake.rawBucket, "raw/events").isEmpty());
            readAtCrash = a.metric("tributary_records_received_total");
            a.kill();
            sentAtCrash = sent.size();
        }
        assertTrue(producer.isAlive(), "the producer goes on sending; failure: " + producerFailure.get());
        beforeCrash = objects();
        for (String shard : SHARDS) {
            checkpointsAtCrash.put(shard, lake.checkpoint(shard));
        }
        long inRawAtCrash = lake.raw().size();
        assertTrue(readAtCrash - inRawAtCrash > 0, "the process held records that were read but not in S3: read "
                + readAtCrash + ", in S3 " + inRawAtCrash);

        // 2. the restart reads every record after the last checkpoint the crashed process wrote (all of them without one),
        //    while the producer goes on for a few seconds; SIGTERM writes what is still open
        try (AppProcess b = AppProcess.start(config(), lake.work.resolve("app-b.log"))) {
            // the restart reads while the producer still sends; then the producer stops, so the stream's end is known
            await().atMost(Duration.ofSeconds(30)).until(() -> b.metric("tributary_records_received_total") > 0);
            producing.set(false);
            producer.join();
            assertNull(producerFailure.get(), "the producer failed");
            long expected = 0;
            for (String shard : SHARDS) {
                expected += recordsAfter(shard, checkpointsAtCrash.get(shard));
            }
            long toRead = expected;
            await().atMost(Duration.ofSeconds(60)).until(() -> b.metric("tributary_records_received_total") >= toRead);
            assertEquals((double) toRead, b.metric("tributary_records_received_total"), "resumed exactly after the checkpoints");
            assertGracefulExit(b.stopGracefully(Duration.ofSeconds(30)));
            assertTrue(b.logText().contains("shutdown: wrote"), b.logText());
        }
        int sentByProducer = sent.size();

        // nothing a crash left in S3 is changed: a replayed batch either overwrites its own key with the same bytes or
        // (cut elsewhere) is written under another key
        Map<String, byte[]> afterReplay = objects();
        for (var e : beforeCrash.entrySet()) {
            assertArrayEquals(e.getValue(), afterReplay.get(e.getKey()), "object " + e.getKey() + " after the replay");
        }
        for (String shard : SHARDS) {
            assertNotEquals(Optional.empty(), lake.checkpoint(shard), "checkpoint of " + shard + " written on SIGTERM");
        }

        // 3. a graceful restart resumes after the checkpoints the SIGTERM wrote: only new records are read
        List<String> later = lake.putWithEventIds("restart", sentByProducer, 1000);
        sent.addAll(later);
        try (AppProcess c = AppProcess.start(config(), lake.work.resolve("app-c.log"))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> c.metric("tributary_records_received_total") >= later.size());
            assertEquals((double) later.size(), c.metric("tributary_records_received_total"), "nothing before the checkpoints was read again");
            assertGracefulExit(c.stopGracefully(Duration.ofSeconds(30)));
            assertTrue(c.logText().contains("resumes after"), c.logText());
        }

        // every event sent is in the raw zone, some of them (replayed) more than once
        List<LakeFiles.Line> raw = lake.raw();
        Map<String, Integer> copies = new HashMap<>();
        raw.forEach(l -> copies.merge(l.json().get("event_id").asText(), 1, Integer::sum));
        Set<String> missing = new TreeSet<>(sent);
        missing.removeAll(copies.keySet());
        assertEquals(Set.of(), missing, "every event sent is in the raw zone");
        assertEquals(Set.copyOf(sent), copies.keySet(), "the raw zone holds only the events sent");
        assertEquals(sent.size(), copies.size(), "the producer sent each event id once");
        if (checkpointsAtCrash.values().stream().allMatch(Optional::isEmpty)) {
            // the usual case: the kill came before the checkpoint timer saved the age cut, so the restart read those records
            // again and cut them elsewhere
            assertTrue(raw.size() > copies.size(), "the replay wrote some events a second time, under other keys");
        }

        // 4. the Glue job curates every raw hour the data landed in (one, or two when the run crossed an hour): every event
        //    exactly once. A replayed record keeps its arrival time, so its copies share a raw hour and one run removes them.
        CuratedZone zone = CuratedZone.of(lake, glue, CURATED);
        Set<String> hours = zone.rawHours();
        Map<String, JsonNode> summaries = zone.curate(hours);
        CuratedZone.assertNothingRejected(summaries);
        List<String> curated = zone.eventIds();
        assertEquals(curated.size(), new HashSet<>(curated).size(), "no event_id twice in the curated zone");
        assertEquals(Set.copyOf(sent), Set.copyOf(curated), "every event exactly once in the curated zone");
        int duplicates = CuratedZone.duplicatesRemoved(summaries);
        assertEquals(raw.size() - copies.size(), duplicates, "the job removed exactly the replayed copies");

        System.out.printf("FIGURE restart IT: %.1f s; crash after %d events sent (%.0f read, %d of them in S3, checkpoints at"
                        + " crash %s); %d events sent in all; raw zone %d lines for %d events in %s; Glue removed %d duplicates%n",
                (System.nanoTime() - t0) / 1e9, sentAtCrash, readAtCrash, inRawAtCrash,
                checkpointsAtCrash.values().stream().map(c -> c.isPresent() ? "written" : "none").toList(), sent.size(),
                raw.size(), copies.size(), hours, duplicates);
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
