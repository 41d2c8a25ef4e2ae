package io.tributary.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.camel.ProducerTemplate;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tributary.local.AthenaStandIn;
import io.tributary.local.AthenaStandInResource;
import io.tributary.local.GlueStandIn;
import io.tributary.local.GlueStandInResource;
import io.tributary.local.KinesisStandInResource;
import io.tributary.local.LakeFiles;
import io.tributary.local.LambdaInvokeStandIn;
import io.tributary.local.RedshiftDataApiStandIn;
import io.tributary.local.RedshiftStandIn;
import io.tributary.local.RedshiftStandInResource;
import io.tributary.local.S3StandInResource;
import io.tributary.local.StandIns;
import io.tributary.local.S3RequestTap;
import io.tributary.local.StateMachineRun;
import io.tributary.local.TerraformDeployment;
import io.tributary.checkpoint.CheckpointStore;
import io.tributary.sealing.DurableShardWatermarks;
import io.tributary.sealing.OrchestratedHours;
import io.tributary.sealing.RawHours;
import io.tributary.sealing.SealPolicy;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Deployment conformance, Step Functions, executed: the hour pipeline Terraform deploys (rendered by Terraform, run by
 * aws-local-stepfunctions through terraform/test/execute-state-machine.mjs) with its Tasks bound to the stand-ins: the
 * real Glue job on the Glue stand-in, the application's rollup SQL on the Athena stand-in, the load on the Redshift Data
 * API stand-in (a second database of the Redshift stand-in), the lake-ops calls through a Lambda Invoke stand-in to the
 * application's own lake-ops step ({@link OrchestratedHours}, what LakeOpsHandler runs), SNS recorded. Events posted
 * over HTTP reach the raw zone through the application; started as the schedule starts it, the machine's Seal step seals
 * that arrival hour from the durable shard watermarks, and it goes raw → curated → Redshift. The Redshift rows equal,
 * table by table, what the application's own container-mode orchestration (the hourly-rollup route: Athena rollup + JDBC
 * MERGE) loads for the same curated hour, and the independent {@link RollupComputation} of the sent events; the hour's
 * state records the run; the next tick seals nothing. A Glue run that keeps failing is retried as defined, then the hour
 * is marked failed with lake-ops and SNS is notified. The AWS calls the Tasks make (principal sfn) and the Glue job's S3
 * requests (principal glue_job, {@link S3RequestTap}) are written to target/aws-calls for terraform/test/iam.test.mjs.
 */
@QuarkusTest
@TestProfile(StateMachineExecutionTest.OwnStandIns.class)
class StateMachineExecutionTest {

    /** Its own application and stand-ins (see EndToEndRollupTest): Athena over the curated bucket, no hour sealing. */
    public static class OwnStandIns implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(KinesisStandInResource.class), new TestResourceEntry(S3StandInResource.class),
                    new TestResourceEntry(RedshiftStandInResource.class), new TestResourceEntry(AthenaStandInResource.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }

        /** The lake-ops seal rule with test timings: kinesalite stamps arrival as now, so the open hour may seal (tests only). */
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tributary.glue.seal-open-hour", "true", "tributary.glue.grace-period", "3s");
        }
    }

    /** Deployed names the execution records its IAM calls with (terraform/test/lib/iam.mjs fills them in). */
    static final Map<String, Object> ARN_TOKENS = Map.of(
            "glueJob", "arn:aws:glue:{region}:{account}:job/{glue_job}",
            "athenaWorkgroup", "arn:aws:athena:{region}:{account}:workgroup/{workgroup}",
            "lakeOps", "{lake_ops_alias_arn}",
            "topic", "{alarm_topic_arn}",
            "redshiftWorkgroup", "{redshift_workgroup_arn}",
            "redshiftSecret", "{redshift_secret_arn}");
    static final String WORKGROUP = "sfn-hour-pipeline";
    static final String REDSHIFT_WORKGROUP = "tributary-test";
    static final String REDSHIFT_DATABASE = "tributary";
    static final String SECRET_ARN = "arn:aws:secretsmanager:us-east-1:000000000000:secret:tributary-test-redshift-app-AbCdEf";
    static final String LAKE_OPS = "arn:aws:lambda:us-east-1:000000000000:function:tributary-test-ingest-lake-ops:live";
    static final String TOPIC = "arn:aws:sns:us-east-1:000000000000:tributary-test-alarms";
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ProducerTemplate producer;

    @Inject
    @io.quarkus.agroal.DataSource("redshift")
    AgroalDataSource redshift;

    @ConfigProperty(name = "test.s3-basedir")
    String s3Basedir;

    @ConfigProperty(name = "test.curated-bucket")
    String curatedBucket;

    @ConfigProperty(name = "tributary.lake.raw-bucket")
    String rawBucket;

    @ConfigProperty(name = "tributary.lake.raw-prefix", defaultValue = "raw/events")
    String rawPrefix;

    @ConfigProperty(name = "tributary.lake.errors-bucket")
    String errorsBucket;

    @ConfigProperty(name = "tributary.athena.database")
    String athenaDatabase;

    @ConfigProperty(name = "tributary.lake.endpoint-override")
    String s3Endpoint;

    static RedshiftDataApiStandIn dataApi;
    static LambdaInvokeStandIn lambda;
    static String dataApiDatabase;
    static final List<JsonNode> AWS_CALLS = new ArrayList<>();

    /** What the lake-ops function runs (LakeOpsHandler and the native runtime loop both call it). */
    @Inject
    OrchestratedHours lakeOps;

    @Inject
    KinesisClient kinesis;

    @Inject
    CheckpointStore positions;

    @ConfigProperty(name = "tributary.kinesis.stream")
    String stream;

    @AfterAll
    static void stop() throws IOException {
        if (dataApi != null) {
            dataApi.close();
        }
        if (lambda != null) {
            lambda.close();
        }
        if (dataApiDatabase != null) {
            RedshiftStandIn.get().dropDatabase(dataApiDatabase);
        }
        writeRecordedCalls();
    }

    /** The Tasks' AWS calls as target/aws-calls/sfn-*.jsonl, the format AwsCallRecorder writes, for iam.test.mjs. */
    static void writeRecordedCalls() throws IOException {
        String dir = System.getProperty("tributary-test.record-aws-calls");
        if (dir == null || AWS_CALLS.isEmpty()) {
            return;
        }
        Path file = Path.of(dir).toAbsolutePath().resolve("sfn-" + UUID.randomUUID().toString().substring(0, 8) + ".jsonl");
        Files.createDirectories(file.getParent());
        StringBuilder lines = new StringBuilder();
        for (JsonNode call : AWS_CALLS) {
            lines.append(JSON.writeValueAsString(call)).append('\n');
        }
        Files.writeString(file, lines.toString());
    }

    private synchronized void startStandIns() throws java.sql.SQLException {
        if (dataApi != null) {
            return;
        }
        RedshiftStandIn rs = RedshiftStandIn.get();
        dataApiDatabase = rs.createMigratedDatabase("sfn");
        dataApi = RedshiftDataApiStandIn.start(REDSHIFT_WORKGROUP, "arn:aws:redshift-serverless:us-east-1:000000000000:workgroup/stand-in",
                Map.of(REDSHIFT_DATABASE, dataApiDatabase), Map.of(SECRET_ARN, RedshiftStandIn.USER), Path.of(s3Basedir));
        lambda = LambdaInvokeStandIn.start();
        // the Lambda Invoke API in front of the application's own lake-ops step (LakeOpsHandler's body)
        OrchestratedHours steps = lakeOps;
        lambda.bind(LAKE_OPS, steps::handle);
    }

    /** A rendered s3:// path of Terraform's, its (placeholder) bucket replaced by the test's. */
    static String inBucket(String rendered, String bucket) {
        return rendered.replaceFirst("^s3://[^/]+", "s3://" + bucket);
    }

    /** The harness config: Terraform's definition with the values that name AWS resources pointed at the stand-ins. */
    Map<String, Object> config(Map<String, Object> input, String resultsBucket) {
        GlueStandIn glue = GlueStandInResource.server();
        Map<String, Object> overrides = new LinkedHashMap<>();
        overrides.put("glue_job_name", glue.jobName());
        // Terraform's lake layout (the ECS environment renders the same locals), in the test's buckets
        Map<String, String> env = TerraformDeployment.load().ecsEnvironment();
        overrides.put("glue_raw_path", "s3://" + rawBucket + "/" + env.get("TRIBUTARY_LAKE_RAW_PREFIX"));
        overrides.put("glue_curated_path", inBucket(env.get("TRIBUTARY_CURATED_PATH"), curatedBucket));
        overrides.put("glue_errors_path", inBucket(env.get("TRIBUTARY_GLUE_ERRORS_PATH"), errorsBucket));
        overrides.put("glue_summary_prefix", inBucket(env.get("TRIBUTARY_GLUE_SUMMARY_PREFIX"), curatedBucket));
        overrides.put("athena_workgroup_name", WORKGROUP);
        overrides.put("glue_database_name", athenaDatabase);
        overrides.put("athena_results_bucket_name", resultsBucket);
        overrides.put("redshift_workgroup_name", REDSHIFT_WORKGROUP);
        overrides.put("redshift_database_name", REDSHIFT_DATABASE);
        overrides.put("redshift_secret_arn", SECRET_ARN);
        overrides.put("lake_ops_function_arn", LAKE_OPS);
        overrides.put("notification_topic_arn", TOPIC);
        Map<String, Object> arns = new HashMap<>(ARN_TOKENS);
        arns.put("buckets", Map.of(resultsBucket, "{athena_results}"));
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("overrides", overrides);
        c.put("input", input);
        c.put("endpoints", Map.of("glue", glue.endpoint(), "athena", AthenaStandInResource.server().endpoint(),
                "redshiftData", dataApi.endpoint(), "lambda", lambda.endpoint()));
        c.put("s3Basedir", s3Basedir);
        c.put("pollMillis", 200);
        c.put("arns", arns);
        return c;
    }

    @Test
    void oneHourGoesRawToCuratedToRedshiftThroughTheDeployedStateMachineWithTheRowsOfTheContainerOrchestration() throws Exception {
        startStandIns();
        // one raw hour: not within two minutes of an hour's end
        await().atMost(Duration.ofSeconds(130)).pollInterval(Duration.ofSeconds(1))
                .until(() -> Duration.between(Instant.now(), RawHours.end(RawHours.of(Instant.now()))).toSeconds() > 120);
        Instant now = Instant.now();
        String hour = RawHours.of(now);
        EndToEndRollupTest.Sent sent = EndToEndRollupTest.generate(11, 300, now, "sfn" + UUID.randomUUID().toString().substring(0, 6));
        given().header("X-Api-Key", "test-key").contentType("application/x-ndjson").body(sent.ndjson().getBytes(StandardCharsets.UTF_8))
                .when().post("/events").then().statusCode(200).body("accepted", equalTo(sent.rows().size()));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> LakeFiles.lines(Path.of(s3Basedir), rawBucket, rawPrefix).size() == sent.rows().size());
        assertEquals(hour, RawHours.of(Instant.now()), "posted and flushed within one raw hour");

        String resultsBucket = "athena-results-" + UUID.randomUUID().toString().substring(0, 8);
        try (S3Client s3 = StandIns.s3Client(s3Endpoint)) {
            StandIns.createBucket(s3, resultsBucket);
        }
        AthenaStandIn athena = AthenaStandInResource.server();
        athena.writeResultFilesUnder(Path.of(s3Basedir));
        // Terraform's workgroup enforces its result location: s3://<athena results bucket>/results/
        athena.enforceWorkgroupOutput(WORKGROUP, "s3://" + resultsBucket + "/results/");
        int glueRunsBefore = GlueStandInResource.server().runsFor(hour).size();
        lambda.clear();

        // the Glue job's S3 requests, for the Glue role's IAM check
        // the seal rule is met once every shard's durable position is published and the shards are at their tip
        SealPolicy rule = new SealPolicy(Duration.ofSeconds(3), true);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> rule.complete(hour, Instant.now(),
                new DurableShardWatermarks(kinesis, stream, positions, Clock.systemUTC()).current(Instant.now())));

        StateMachineRun run;
        try (S3RequestTap tap = S3RequestTap.start(s3Endpoint)) {
            GlueStandInResource.server().routeS3Through(tap.endpoint());
            try {
                // as the hourly schedule starts it: the Seal step decides the hours
                run = StateMachineRun.execute(config(Map.of("scheduled_time", Instant.now().toString()), resultsBucket));
            } finally {
                GlueStandInResource.server().routeS3Through(null);
            }
            assertEquals(List.of(), tap.unparsed(), "S3 requests of the job the tap could not name");
            Map<String, String> tokens = Map.of(rawBucket, "{raw}", curatedBucket, "{curated}", errorsBucket, "{errors}");
            for (S3RequestTap.Call call : tap.calls()) {
                String bucket = call.resource().replaceFirst("^arn:aws:s3:::([^/]+).*$", "$1");
                assertTrue(tokens.containsKey(bucket), "the job reached a bucket of no lake zone: " + call);
                AWS_CALLS.add(JSON.valueToTree(Map.of("principal", "glue_job", "action", call.action(),
                        "resource", call.resource().replace("arn:aws:s3:::" + bucket, "arn:aws:s3:::" + tokens.get(bucket)))));
            }
            assertTrue(tap.calls().stream().anyMatch(c -> c.action().equals("s3:PutObject")), "the job's writes went through the tap");
        }
        AWS_CALLS.addAll(run.awsCalls());
        System.out.printf("State machine execution for %s: %s in %d ms%n", hour, run.status(), run.millis());

        assertEquals("SUCCEEDED", run.status(), run::toString);
        assertEquals(List.of("Seal", "CurateHour", "MarkCurated", "RollupHour", "WriteLoadManifest", "LoadRedshift", "DescribeLoad", "MarkRolledUp"),
                run.states().stream().distinct().toList(), run::toString);
        assertEquals(glueRunsBefore + 1, GlueStandInResource.server().runsFor(hour).size(), "one Glue run of the hour");
        assertEquals(List.of("seal", "curated", "rolled_up"), lambda.invocations().stream().map(i -> String.valueOf(i.event().get("action"))).toList());
        JsonNode glueCall = run.taskCalls().stream().filter(c -> c.path("state").asText().equals("CurateHour")).findFirst().orElseThrow();
        String token = glueCall.path("input").path("Arguments").path("--tributary_run_token").asText();
        assertTrue(token.startsWith(hour + "-a1-"), "the Glue run carries the seal's run token: " + token);
        JsonNode hourState = JSON.readTree(Path.of(s3Basedir, rawBucket, "_tributary/state/hours", hour + ".json").toFile());
        assertEquals("SUCCEEDED", hourState.path("state").asText(), hourState::toString);
        assertEquals("ROLLED_UP", hourState.path("rollup").asText(), hourState::toString);
        String queryId = run.taskCalls().stream().filter(c -> c.path("state").asText().equals("MarkRolledUp")).findFirst().orElseThrow()
                .path("input").path("Payload").path("athena_query_id").asText();
        assertEquals(queryId, hourState.path("athena_query_id").asText(), hourState::toString);
        // sealed once: a second schedule tick finds nothing to run
        StateMachineRun tick = StateMachineRun.execute(config(Map.of(), resultsBucket));
        AWS_CALLS.addAll(tick.awsCalls());
        assertEquals("SUCCEEDED", tick.status(), tick::toString);
        assertEquals(List.of("Seal"), tick.states(), tick::toString);

        // the container-mode orchestration's rollup and load (Athena + JDBC MERGE) for the same curated hour
        producer.requestBody("direct:hour-curated", hour);

        Instant from = now.truncatedTo(ChronoUnit.HOURS).minus(4, ChronoUnit.HOURS);
        Instant to = now.truncatedTo(ChronoUnit.HOURS).plus(59, ChronoUnit.MINUTES);
        DataSource viaDataApi = RedshiftStandIn.get().dataSource(dataApiDatabase);
        Map<String, List<String>> stateMachineRows = RollupComputation.actual(viaDataApi, from, to);
        Map<String, List<String>> containerRows = RollupComputation.actual(redshift, from, to);
        Map<String, List<String>> expected = RollupComputation.expected(sent.rows());
        assertTrue(expected.get("hourly_rollup").size() > 10, "several groups: " + expected.get("hourly_rollup"));
        for (String table : List.of("hourly_rollup", "hourly_top_categories", "minute_counts")) {
            assertEquals(containerRows.get(table), stateMachineRows.get(table), table + ": the state machine's rows are the container orchestration's");
            assertEquals(expected.get(table), stateMachineRows.get(table), table + ": the state machine's rows are the computed ones");
        }
    }

    @Test
    void aGlueRunThatKeepsFailingIsRetriedThenTheHourIsMarkedFailedAndNotified() throws Exception {
        startStandIns();
        String hour = RawHours.of(Instant.now().minus(3, ChronoUnit.HOURS));
        String resultsBucket = "athena-results-" + UUID.randomUUID().toString().substring(0, 8);
        GlueStandIn glue = GlueStandInResource.server();
        int before = glue.runsFor(hour).size();
        lambda.clear();
        glue.failNewRuns("exit code 1: the job failed (a stand-in fault)");
        StateMachineRun run;
        try {
            run = StateMachineRun.execute(config(Map.of("arrival_hour", hour), resultsBucket));
        } finally {
            glue.stopFailingRuns();
        }
        AWS_CALLS.addAll(run.awsCalls());

        assertEquals("FAILED", run.status(), run::toString);
        assertTrue(run.error().toString().contains("HourPipelineFailed") || run.error().toString().contains("At least one hour failed"), run::toString);
        // MaxAttempts retries after the first run, as the definition says
        assertEquals(4, glue.runsFor(hour).size() - before, run::toString);
        assertEquals(List.of("CurateHour", "CurateHour", "CurateHour", "CurateHour", "MarkFailed", "NotifyFailure"), run.states());
        assertEquals(1, lambda.invocations().size());
        Map<String, Object> failed = lambda.invocations().get(0).event();
        assertEquals("failed", failed.get("action"));
        assertEquals(hour, failed.get("arrival_hour"));
        assertTrue(failed.containsKey("run_token") && failed.get("run_token") == null, "an operator run has no run token: " + failed);
        assertTrue(String.valueOf(failed.get("error")).startsWith("States.TaskFailed: "), String.valueOf(failed.get("error")));
        assertTrue(String.valueOf(failed.get("error")).contains("a stand-in fault"), String.valueOf(failed.get("error")));
        JsonNode failedState = JSON.readTree(Path.of(s3Basedir, rawBucket, "_tributary/state/hours", hour + ".json").toFile());
        assertTrue(failedState.toString().contains("a stand-in fault"), "lake-ops recorded the failure: " + failedState);
        assertEquals(1, run.published().size());
        JsonNode notice = run.published().get(0);
        assertEquals(TOPIC, notice.path("TopicArn").asText());
        assertTrue(notice.path("Message").asText().contains("a stand-in fault"), notice.toString());
        assertTrue(notice.path("Message").asText().contains(hour), notice.toString());
    }
}
