package io.tributary.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.tributary.local.AppProcess;
import io.tributary.local.AthenaStandIn;
import io.tributary.local.EventGenerator;
import io.tributary.local.GlueStandIn;
import io.tributary.local.LakeFiles;
import io.tributary.local.LocalLake;
import io.tributary.local.RedshiftStandIn;
import io.tributary.local.StandIns;
import io.tributary.local.TerraformDeployment;
import io.tributary.sealing.RawHours;

/**
 * Deployment conformance, boot: the packaged application (target/quarkus-app) started as a child process whose environment
 * is the ECS container's, rendered from terraform/ (environment and secrets). Every NAME is Terraform's; only the VALUES
 * that name AWS resources (stream, buckets, Glue job, Athena database, Redshift JDBC URL) and the secret values are
 * replaced by the stand-ins'. What a deployment gets from the platform rather than from the task definition is added and
 * listed in {@link #PLATFORM}; settings that only suit the stand-ins or a fast test are listed in {@link #TEST_ONLY}.
 * Then: readiness is UP, POST /events with the API key lands in the raw zone, the Redshift login works (the schema
 * migration ran as the application user), and the hour is sealed, curated by the Glue stand-in and rolled up into Redshift.
 */
class DeployedEnvironmentIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String API_KEY = "deployed-env-api-key";

    static LocalLake lake;
    static GlueStandIn glue;
    static AthenaStandIn athena;
    static String curatedBucket;
    static String resultsBucket;
    static String athenaDatabase;
    static String redshiftDatabase;
    static io.tributary.local.StandInProcess dynalite;

    @BeforeAll
    static void standIns() {
        lake = new LocalLake("deployed-env-it");
        dynalite = StandIns.dynalite(lake.work);
        curatedBucket = "curated-deployed-env-it";
        resultsBucket = "athena-results-deployed-env-it";
        lake.createBucket(curatedBucket);
        lake.createBucket(resultsBucket);
        glue = GlueStandIn.start(GlueStandIn.DEFAULT_JOB, lake.s3proxy.endpoint(), lake.work, "1g");
        athena = AthenaStandIn.start();
        athenaDatabase = "tributary_deployed_env";
        // the curated prefix Terraform gives the task (TRIBUTARY_CURATED_PATH), under the stand-in's curated bucket
        athena.defineDatabase(athenaDatabase, lake.basedir, curatedBucket, "curated/events");
        // with the admin bootstrap the README documents (analytics schema owned by the application user)
        redshiftDatabase = RedshiftStandIn.get().createDatabase("tributary");
    }

    @AfterAll
    static void stopStandIns() {
        if (glue != null) {
            glue.close();
        }
        if (athena != null) {
            athena.close();
        }
        if (redshiftDatabase != null) {
            RedshiftStandIn.get().dropDatabase(redshiftDatabase);
        }
        if (dynalite != null) {
            dynalite.close();
        }
        if (lake != null) {
            lake.close();
        }
    }

    /**
     * Added because a deployment gets them from the platform, not from the task definition. Name -> why.
     */
    static final Map<String, String> PLATFORM = Map.of(
            "AWS_ACCESS_KEY_ID", "ECS hands the task role's credentials to the SDK's default chain (container credentials"
                    + " endpoint); here static keys the stand-ins accept, read by the same default chain",
            "AWS_SECRET_ACCESS_KEY", "as AWS_ACCESS_KEY_ID",
            "TRIBUTARY_KINESIS_ENDPOINT_OVERRIDE", "on AWS the SDK resolves the Kinesis endpoint from the region",
            "TRIBUTARY_LAKE_ENDPOINT_OVERRIDE", "on AWS the SDK resolves the S3 endpoint from the region",
            "TRIBUTARY_GLUE_ENDPOINT_OVERRIDE", "on AWS the SDK resolves the Glue endpoint from the region",
            "TRIBUTARY_ATHENA_ENDPOINT_OVERRIDE", "on AWS the SDK resolves the Athena endpoint from the region",
            "TRIBUTARY_KCL_DYNAMODB_ENDPOINT_OVERRIDE", "on AWS the KCL's DynamoDB client resolves the endpoint from the region");

    /**
     * Not what a deployment has: the stand-ins' SQL dialect and settings that make the test fast. Name -> why.
     */
    static final Map<String, String> TEST_ONLY = Map.of(
            "TRIBUTARY_REDSHIFT_DIALECT", "the Redshift stand-in is PostgreSQL: the DDL's Redshift-only clauses are dropped",
            "TRIBUTARY_GLUE_SEAL_OPEN_HOUR", "test-only friendlier setting: seal the current hour once the shards are idle,"
                    + " instead of waiting for the hour to end",
            "TRIBUTARY_GLUE_GRACE_PERIOD", "shards idle for 3 s instead of the default before sealing",
            "TRIBUTARY_GLUE_CHECK_INTERVAL", "check for sealable hours every 500 ms",
            "TRIBUTARY_GLUE_POLL_INITIAL_DELAY", "poll the Glue run after 500 ms",
            "TRIBUTARY_GLUE_POLL_MAX_DELAY", "poll the Glue run at least every 2 s",
            "TRIBUTARY_BATCH_MAX_AGE", "flush raw batches after 1 s",
            "TRIBUTARY_BATCH_AGE_CHECK_INTERVAL", "check batch age every 200 ms",
            "TRIBUTARY_KINESIS_POLL_DELAY_MS", "poll the stream every 100 ms",
            "TRIBUTARY_KCL_SHARD_SYNC_INTERVAL", "the KCL's start-up shard sync idles 2 s instead of 60 s");

    static Map<String, String> testOnlyValues() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("TRIBUTARY_REDSHIFT_DIALECT", "postgresql");
        v.put("TRIBUTARY_GLUE_SEAL_OPEN_HOUR", "true");
        v.put("TRIBUTARY_GLUE_GRACE_PERIOD", "3s");
        v.put("TRIBUTARY_GLUE_CHECK_INTERVAL", "500ms");
        v.put("TRIBUTARY_GLUE_POLL_INITIAL_DELAY", "500ms");
        v.put("TRIBUTARY_GLUE_POLL_MAX_DELAY", "2s");
        v.put("TRIBUTARY_BATCH_MAX_AGE", "1s");
        v.put("TRIBUTARY_BATCH_AGE_CHECK_INTERVAL", "200ms");
        v.put("TRIBUTARY_KINESIS_POLL_DELAY_MS", "100");
        v.put("TRIBUTARY_KCL_SHARD_SYNC_INTERVAL", "2s");
        return v;
    }

    /** s3://<rendered bucket>/<prefix> -> s3://<stand-in bucket>/<prefix>: the bucket is AWS's, the prefix stays Terraform's. */
    static String standInS3(String value) {
        assertTrue(value.startsWith("s3://"), value);
        String rest = value.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash);
        String standIn;
        if (bucket.endsWith("curated")) {
            standIn = curatedBucket;
        } else if (bucket.endsWith("errors")) {
            standIn = lake.errorsBucket;
        } else if (bucket.endsWith("athena-results")) {
            standIn = resultsBucket;
        } else {
            throw new AssertionError("a bucket the test does not know: " + value);
        }
        return "s3://" + standIn + prefix;
    }

    /** The stand-in's value for each rendered variable whose value names an AWS resource or endpoint, or is a secret. */
    static Map<String, String> replacedValues(Map<String, String> rendered) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("AWS_REGION", StandIns.REGION);
        v.put("TRIBUTARY_STREAM", lake.stream);
        v.put("TRIBUTARY_RAW_BUCKET", lake.rawBucket);
        v.put("TRIBUTARY_ERRORS_BUCKET", lake.errorsBucket);
        v.put("TRIBUTARY_ATHENA_DATABASE", athenaDatabase);
        v.put("TRIBUTARY_ATHENA_OUTPUT_LOCATION", standInS3(rendered.get("TRIBUTARY_ATHENA_OUTPUT_LOCATION")));
        v.put("TRIBUTARY_CURATED_PATH", standInS3(rendered.get("TRIBUTARY_CURATED_PATH")));
        v.put("TRIBUTARY_GLUE_ERRORS_PATH", standInS3(rendered.get("TRIBUTARY_GLUE_ERRORS_PATH")));
        v.put("TRIBUTARY_GLUE_SUMMARY_PREFIX", standInS3(rendered.get("TRIBUTARY_GLUE_SUMMARY_PREFIX")));
        v.put("TRIBUTARY_GLUE_JOB", glue.jobName());
        v.put("TRIBUTARY_REDSHIFT_JDBC_URL", RedshiftStandIn.get().jdbcUrl(redshiftDatabase));
        // secrets (ECS 'secrets': valueFrom Secrets Manager) -> the stand-ins' credentials
        v.put("TRIBUTARY_INGEST_API_KEY", API_KEY);
        v.put("TRIBUTARY_REDSHIFT_USER", RedshiftStandIn.USER);
        v.put("TRIBUTARY_REDSHIFT_PASSWORD", RedshiftStandIn.PASSWORD);
        // TRIBUTARY_ATHENA_WORKGROUP keeps Terraform's value: the Athena stand-in accepts any workgroup
        return v;
    }

    static Map<String, String> platformValues() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("AWS_ACCESS_KEY_ID", StandIns.ACCESS_KEY);
        v.put("AWS_SECRET_ACCESS_KEY", StandIns.SECRET_KEY);
        v.put("TRIBUTARY_KINESIS_ENDPOINT_OVERRIDE", lake.kinesalite.endpoint());
        v.put("TRIBUTARY_LAKE_ENDPOINT_OVERRIDE", lake.s3proxy.endpoint());
        v.put("TRIBUTARY_GLUE_ENDPOINT_OVERRIDE", glue.endpoint());
        v.put("TRIBUTARY_ATHENA_ENDPOINT_OVERRIDE", athena.endpoint());
        v.put("TRIBUTARY_KCL_DYNAMODB_ENDPOINT_OVERRIDE", dynalite.endpoint());
        return v;
    }

    /** The container's environment: Terraform's names, stand-in values where they name AWS, plus the listed additions. */
    static Map<String, String> containerEnvironment() {
        TerraformDeployment deployed = TerraformDeployment.load();
        Map<String, String> rendered = new LinkedHashMap<>(deployed.ecsEnvironment());
        rendered.putAll(deployed.ecsSecrets());
        Map<String, String> replaced = replacedValues(rendered);
        assertEquals(Set.of(), difference(replaced.keySet(), rendered.keySet()), "the test replaces a value Terraform does not set");
        Map<String, String> env = new LinkedHashMap<>(rendered);
        env.putAll(replaced);
        for (Map<String, String> added : Map.of("platform", platformValues(), "test-only", testOnlyValues()).values()) {
            assertEquals(Set.of(), intersection(added.keySet(), rendered.keySet()), "an addition overrides Terraform's variable");
            env.putAll(added);
        }
        assertEquals(PLATFORM.keySet(), platformValues().keySet());
        assertEquals(TEST_ONLY.keySet(), testOnlyValues().keySet());
        // every name Terraform sets is there, with Terraform's value unless the value names AWS
        for (String name : rendered.keySet()) {
            assertTrue(env.containsKey(name), name);
            if (!replaced.containsKey(name)) {
                assertEquals(rendered.get(name), env.get(name), name + " keeps Terraform's value");
            }
        }
        return env;
    }

    static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }

    static Set<String> intersection(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.retainAll(b);
        return d;
    }

    JsonNode state(String statePrefix, String hour) {
        Path f = lake.basedir.resolve(lake.rawBucket).resolve(statePrefix).resolve(hour + ".json");
        try {
            return Files.exists(f) ? JSON.readTree(Files.readString(f)) : JSON.createObjectNode();
        } catch (IOException e) {
            return JSON.createObjectNode(); // being written: read on the next poll
        }
    }

    static long redshiftLong(String sql) throws Exception {
        try (Connection c = RedshiftStandIn.get().connect(redshiftDatabase); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static HttpResponse<String> post(AppProcess app, String path, String key, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            r.header("X-Api-Key", key);
        }
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void thePackagedApplicationRunsWithTerraformsContainerEnvironment() throws Exception {
        // one arrival hour: do not start within a minute and a half of an hour's end
        await().atMost(Duration.ofSeconds(100)).pollInterval(Duration.ofSeconds(1))
                .until(() -> Duration.between(Instant.now(), RawHours.end(RawHours.of(Instant.now()))).toSeconds() > 90);
        long t0 = System.nanoTime();
        Map<String, String> env = containerEnvironment();
        try (AppProcess app = AppProcess.start(Map.of(), env, lake.work.resolve("app.log"))) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> app.get("/q/health/ready").statusCode() == 200);
            assertTrue(app.get("/q/health/ready").body().contains("\"UP\""), app.get("/q/health/ready").body());

            // the Redshift login works: the migration ran as the application user with the secret's credentials
            assertTrue(redshiftLong("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'analytics'"
                    + " AND table_name = 'hourly_rollup'") == 1, "analytics.hourly_rollup created at startup; log:\n" + app.logText());
            assertTrue(redshiftLong("SELECT count(*) FROM analytics.schema_version") >= 1, "schema_version recorded");

            // ingest: the API key from the secret is required and accepted
            int n = 200;
            EventGenerator g = new EventGenerator(7, Instant.now());
            StringBuilder body = new StringBuilder();
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < n; i++) {
                String id = "deployed-env-" + i;
                ids.add(id);
                body.append("{\"event_id\":\"").append(id).append("\",").append(g.nextJson().substring(1)).append('\n');
            }
            assertEquals(401, post(app, "/events", "wrong-key", body.toString()).statusCode(), "a wrong API key is refused");
            HttpResponse<String> accepted = post(app, "/events", API_KEY, body.toString());
            assertTrue(accepted.statusCode() / 100 == 2, accepted.statusCode() + " " + accepted.body());

            String rawPrefix = env.get("TRIBUTARY_LAKE_RAW_PREFIX");
            // the deployed consumer is the KCL's: its first worker on an empty lease table waits 1-30 s before it creates leases
            await().atMost(Duration.ofSeconds(120)).until(() -> LakeFiles.lines(lake.basedir, lake.rawBucket, rawPrefix).size() >= n);
            Set<String> hours = new HashSet<>();
            LakeFiles.keys(lake.basedir, lake.rawBucket, rawPrefix).forEach(k -> hours.add(RawHours.fromPartition(k)));
            assertEquals(1, hours.size(), "one raw hour: " + hours);
            String hour = hours.iterator().next();

            // sealed, curated by the Glue stand-in running the real job, handed to the rollup
            String statePrefix = env.get("TRIBUTARY_GLUE_STATE_PREFIX");
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                    .until(() -> state(statePrefix, hour).path("handed_off").asBoolean());
            assertEquals("SUCCEEDED", state(statePrefix, hour).path("state").asText());
            assertEquals(1, glue.runsFor(hour).size());
            try (var files = Files.walk(lake.basedir.resolve(curatedBucket).resolve("curated/events"))) {
                assertTrue(files.anyMatch(f -> f.toString().endsWith(".parquet")), "curated Parquet written");
            }

            // the rollup: Athena stand-in over the curated zone, merged into Redshift
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> redshiftLong("SELECT count(*) FROM analytics.hourly_rollup") > 0);
            assertEquals(n, redshiftLong("SELECT sum(events) FROM analytics.hourly_rollup"), "every posted event in the rollup");
            System.out.printf("FIGURE deployed-environment IT: %.1f s from boot to rollup; %d variables (%d from Terraform)%n",
                    (System.nanoTime() - t0) / 1e9, env.size(), env.size() - PLATFORM.size() - TEST_ONLY.size());
        }
    }
}
