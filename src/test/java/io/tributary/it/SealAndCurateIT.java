package io.tributary.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.tributary.local.AppProcess;
import io.tributary.local.CuratedZone;
import io.tributary.local.EventGenerator;
import io.tributary.local.GlueStandIn;
import io.tributary.local.GlueStandInResource;
import io.tributary.local.LakeFiles;
import io.tributary.local.LocalLake;
import io.tributary.sealing.RawHours;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * Raw zone to curated zone on the stand-ins, with the packaged application as a child process: records put on the stream
 * land in the raw zone, the hour is sealed, the Glue stand-in runs the real job, and the curated Parquet holds every event
 * once. The application is killed while the Glue run is RUNNING; the restarted application re-attaches to that run
 * (no second StartJobRun) and the hour ends SUCCEEDED.
 */
class SealAndCurateIT {

    static final String CURATED = "curated-seal";
    static final ObjectMapper JSON = new ObjectMapper();

    static LocalLake lake;
    static GlueStandIn glue;
    static CuratedZone zone;

    @BeforeAll
    static void standIns() {
        lake = new LocalLake("seal-it");
        lake.createBucket(CURATED);
        glue = GlueStandIn.start(GlueStandIn.DEFAULT_JOB, lake.s3proxy.endpoint(), lake.work, "1g");
        zone = CuratedZone.of(lake, glue, CURATED);
    }

    @AfterAll
    static void stopStandIns() {
        glue.close();
        lake.close();
    }

    static Map<String, String> config() {
        Map<String, String> c = new HashMap<>(GlueStandInResource.config(glue, CURATED));
        c.putAll(lake.appConfig());
        c.put("tributary.batch.max-age", "1s");
        c.put("tributary.batch.age-check-interval", "200ms");
        c.put("tributary.checkpoint.interval", "1s");
        return c;
    }

    /** {@code n} events with producer event ids, plus {@code resends} producer resends of some of them. */
    static Set<String> put(int n, int resends) {
        EventGenerator g = new EventGenerator(42, Instant.now());
        List<String> lines = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String id = "seal-it-" + i;
            ids.add(id);
            lines.add("{\"event_id\":\"" + id + "\"," + g.nextJson().substring(1));
        }
        for (int i = 0; i < resends; i++) {
            lines.add(lines.get(i * 7 % n));
        }
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            entries.add(PutRecordsRequestEntry.builder().partitionKey("k" + i).data(SdkBytes.fromUtf8String(lines.get(i))).build());
        }
        assertEquals(0, lake.kinesis.putRecords(b -> b.streamName(lake.stream).records(entries)).failedRecordCount());
        return ids;
    }

    static JsonNode state(String hour) {
        Path f = lake.basedir.resolve(lake.rawBucket).resolve("_tributary/state/hours").resolve(hour + ".json");
        try {
            return Files.exists(f) ? JSON.readTree(Files.readString(f)) : JSON.createObjectNode();
        } catch (IOException e) {
            return JSON.createObjectNode(); // being written: read on the next poll
        }
    }

    static Set<String> rawHours() {
        return zone.rawHours();
    }

    @Test
    void aSealedHourIsCuratedOnceAndARestartDuringTheRunNeitherLosesNorRepeatsIt() throws Exception {
        // one raw hour: do not start within a minute and a half of an hour's end
        await().atMost(Duration.ofSeconds(100)).pollInterval(Duration.ofSeconds(1))
                .until(() -> Duration.between(Instant.now(), RawHours.end(RawHours.of(Instant.now()))).toSeconds() > 90);
        long t0 = System.nanoTime();
        glue.holdRuns();
        Set<String> ids;
        String hour;
        String runId;
        try (AppProcess a = AppProcess.start(config(), lake.work.resolve("app-a.log"))) {
            ids = put(300, 30);
            await().atMost(Duration.ofSeconds(60)).until(() -> LakeFiles.lines(lake.basedir, lake.rawBucket, "raw/events").size() >= 330);
            assertEquals(1, rawHours().size(), "one raw hour: " + rawHours());
            hour = rawHours().iterator().next();

            // sealed once both shards are idle for the grace period; the run starts and is held in RUNNING
            await().atMost(Duration.ofSeconds(60)).until(() -> "RUNNING".equals(state(hour).path("state").asText()));
            runId = state(hour).path("run_id").asText();
            assertEquals(List.of(runId), glue.runsFor(hour).stream().map(GlueStandIn.Run::id).toList());
            assertEquals("RUNNING", glue.runsFor(hour).get(0).state());
            assertTrue(a.metric("tributary_glue_runs_started_total") >= 1);
            a.kill();
        }

        try (AppProcess b = AppProcess.start(config(), lake.work.resolve("app-b.log"))) {
            GlueStandIn.Run run = glue.runsFor(hour).get(0);
            int pollsBefore = run.polls();
            // the restarted application polls the run it finds in the hour's state
            await().atMost(Duration.ofSeconds(30)).until(() -> run.polls() > pollsBefore);
            glue.releaseRuns();
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                    .until(() -> state(hour).path("handed_off").asBoolean());
            JsonNode done = state(hour);
            assertEquals("SUCCEEDED", done.path("state").asText());
            assertEquals(runId, done.path("run_id").asText());
            assertEquals(1, done.path("attempts").asInt());
            assertEquals(1, glue.runsFor(hour).size(), "one StartJobRun for the hour across the restart");
            assertEquals(1, glue.runs().size());
            assertTrue(b.logText().contains("raw hour " + hour + " curated by Glue run " + runId), "handed to direct:hour-curated");
            assertTrue(b.metric("tributary_glue_runs_succeeded_total") >= 1);

            Set<String> curated = curatedEventIds(hour);
            assertEquals(ids, curated, "every event once: 300 events, 30 producer resends removed");
            System.out.printf("FIGURE seal-and-curate IT: %.1f s end to end; Glue stand-in job JVM %d ms for %d raw lines (run %s)%n",
                    (System.nanoTime() - t0) / 1e9, run.jobJvmMillis(), 330, runId);
        }
    }

    /** The curated rows of one raw hour, read back with DuckDB from the curated table's current snapshot. */
    static Set<String> curatedEventIds(String hour) {
        List<String> all = new ArrayList<>();
        for (CuratedZone.Row r : zone.rows()) {
            assertEquals(hour, r.arrivalHour());
            all.add(r.eventId());
        }
        Set<String> unique = new HashSet<>(all);
        assertEquals(all.size(), unique.size(), "no duplicate event_id in the curated zone");
        return unique;
    }
}
