package io.tributary.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tributary.local.GlueStandInResource;
import io.tributary.local.KinesisStandInResource;
import io.tributary.local.S3StandInResource;
import io.tributary.sealing.HourSealing;
import io.tributary.sealing.HourState;
import io.tributary.sealing.RawHours;

/**
 * Hour sealing in the application on the stand-ins: events posted over HTTP, both shards idle past the grace period, the
 * hour sealed and one Glue run started through the SDK against the Glue stand-in. The run is held in RUNNING (no Spark
 * here; SealAndCurateIT runs the job end to end), and polling it does not start another.
 */
@QuarkusTest
@TestProfile(HourSealingTest.OwnStandIns.class)
class HourSealingTest {

    /** Its own application: events other tests post would otherwise seal the current hour before this test's events. */
    public static class OwnStandIns implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(KinesisStandInResource.class), new TestResourceEntry(S3StandInResource.class),
                    new TestResourceEntry(GlueStandInResource.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    @Inject
    HourSealing sealing;

    @AfterEach
    void releaseHeldRuns() {
        // the Glue stand-in is shared by the test JVM: later tests must find it running jobs again
        GlueStandInResource.server().releaseRuns();
    }

    @Test
    void postedEventsSealTheirHourAndStartOneGlueRun() {
        // one raw hour: not within a minute of an hour's end
        await().atMost(Duration.ofSeconds(70)).pollInterval(Duration.ofSeconds(1))
                .until(() -> Duration.between(Instant.now(), RawHours.end(RawHours.of(Instant.now()))).toSeconds() > 60);
        GlueStandInResource.server().holdRuns();
        String marker = "seal" + UUID.randomUUID().toString().substring(0, 6);
        given().header("X-Api-Key", "test-key").contentType("application/x-ndjson").body(HttpToRawZoneTest.events(marker, 20).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .when().post("/events").then().statusCode(200).body("accepted", equalTo(20));
        String hour = RawHours.of(Instant.now());

        await().atMost(Duration.ofSeconds(60)).until(() -> sealing.state(hour).map(HourState::status)
                .equals(Optional.of(HourState.Status.RUNNING)));
        String runId = sealing.state(hour).orElseThrow().runId();
        int polls = GlueStandInResource.server().runsFor(hour).get(0).polls();
        await().atMost(Duration.ofSeconds(30)).until(() -> GlueStandInResource.server().runsFor(hour).get(0).polls() >= polls + 2);
        assertEquals(1, GlueStandInResource.server().runsFor(hour).size());
        assertEquals(runId, GlueStandInResource.server().runsFor(hour).get(0).id());
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("tributary_hours_sealed_total 1.0"))
                .body(containsString("tributary_glue_runs_started_total 1.0"))
                .body(containsString("tributary_hours_oldest_unsealed_age_seconds"));
    }
}
