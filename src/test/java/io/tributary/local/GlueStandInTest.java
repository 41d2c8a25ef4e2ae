package io.tributary.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.tributary.sealing.HourSealer;
import io.tributary.sealing.JobRunView;
import io.tributary.sealing.SdkGlueRuns;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.JobRunState;

/** The Glue stand-in speaks the protocol of the AWS SDK's Glue client. Runs are held, so no Spark job starts here
 *  (SealAndCurateIT runs the real job). */
class GlueStandInTest {

    static GlueStandIn standIn;
    static GlueClient glue;

    @BeforeAll
    static void start() {
        standIn = GlueStandIn.start("job-under-test", "http://127.0.0.1:9", Path.of("target/glue-stand-in-test").toAbsolutePath(), "256m");
        standIn.holdRuns();
        glue = GlueClient.builder().endpointOverride(URI.create(standIn.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).build();
    }

    @AfterAll
    static void stop() {
        glue.close();
        standIn.close();
    }

    @Test
    void startJobRunGetJobRunAndGetJobRunsAnswerLikeGlue() {
        Instant before = Instant.now().minusSeconds(1);
        String id = glue.startJobRun(b -> b.jobName("job-under-test").arguments(Map.of("--arrival_hour", "2024-01-15-10"))).jobRunId();
        assertTrue(id.startsWith("jr_"), id);
        var run = glue.getJobRun(b -> b.jobName("job-under-test").runId(id)).jobRun();
        assertEquals(id, run.id());
        assertEquals("job-under-test", run.jobName());
        assertTrue(run.jobRunState() == JobRunState.STARTING || run.jobRunState() == JobRunState.RUNNING, run.jobRunStateAsString());
        assertEquals("2024-01-15-10", run.arguments().get("--arrival_hour"));
        assertTrue(!run.startedOn().isBefore(before), "StartedOn as epoch seconds");
        assertEquals(1, standIn.runsFor("2024-01-15-10").get(0).polls());

        String second = glue.startJobRun(b -> b.jobName("job-under-test").arguments(Map.of("--arrival_hour", "2024-01-15-11"))).jobRunId();
        var runs = glue.getJobRuns(b -> b.jobName("job-under-test").maxResults(1));
        assertEquals(1, runs.jobRuns().size());
        assertTrue(runs.nextToken() != null, "paged");
        var rest = glue.getJobRuns(b -> b.jobName("job-under-test").nextToken(runs.nextToken()));
        assertEquals(2, runs.jobRuns().size() + rest.jobRuns().size());
        assertEquals(second, runs.jobRuns().get(0).id(), "newest first");
    }

    @Test
    void unknownJobsAndRunsAreEntityNotFound() {
        assertThrows(EntityNotFoundException.class, () -> glue.startJobRun(b -> b.jobName("other")));
        assertThrows(EntityNotFoundException.class, () -> glue.getJobRun(b -> b.jobName("job-under-test").runId("jr_nope")));
    }

    @Test
    void theSealingClientFindsARunByItsTokenAndReadsItsState() {
        SdkGlueRuns runs = new SdkGlueRuns(glue, "job-under-test");
        String id = runs.start(Map.of("--arrival_hour", "2024-01-15-12", HourSealer.RUN_TOKEN_ARGUMENT, "tok-1"));
        JobRunView found = runs.find(HourSealer.RUN_TOKEN_ARGUMENT, "tok-1", Instant.now().minusSeconds(60)).orElseThrow();
        assertEquals(id, found.id());
        assertTrue(runs.find(HourSealer.RUN_TOKEN_ARGUMENT, "tok-2", Instant.now().minusSeconds(60)).isEmpty());
        assertTrue(runs.get("jr_missing").isEmpty());
        assertEquals(id, runs.get(id).orElseThrow().id());
    }
}
