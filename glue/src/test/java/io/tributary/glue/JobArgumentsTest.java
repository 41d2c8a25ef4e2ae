package io.tributary.glue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/** Glue-style argument parsing and validation: every failure names the argument; nothing here starts Spark. */
class JobArgumentsTest {

    static final String[] VALID = {
        "--raw_path", "s3://lake/raw/events",
        "--arrival_hour", "2024-01-15-10",
        "--curated_path", "s3://lake/curated/events",
        "--errors_path", "s3://lake/errors/glue",
        "--summary_path", "s3://lake/glue/summaries/2024-01-15-10.json"};

    static String[] valid(String... extra) {
        List<String> all = new ArrayList<>(Arrays.asList(VALID));
        all.addAll(Arrays.asList(extra));
        return all.toArray(new String[0]);
    }

    static String failure(Map<String, String> env, String... args) {
        return assertThrows(JobArgumentException.class, () -> JobArguments.parse(args, env)).getMessage();
    }

    @Test
    void parsesRequiredArgumentsAndIgnoresGlueSystemArguments() {
        JobArguments a = JobArguments.parse(valid("--JOB_ID", "j_1", "--JOB_RUN_ID", "jr_1", "--job-bookmark-option",
                "job-bookmark-disable", "--TempDir", "s3://tmp/x", "--enable-metrics", "--JOB_NAME", "tributary-curated"), Map.of());
        assertEquals("s3://lake/raw/events", a.rawPath());
        assertEquals(ArrivalHour.parse("2024-01-15-10"), a.arrivalHour());
        assertEquals("dt=2024-01-15/hour=10", a.arrivalHour().rawPartition());
        assertEquals("s3://lake/glue/summaries/2024-01-15-10.json", a.summaryPath());
        assertEquals(Optional.empty(), a.s3Endpoint());
        assertEquals("WARN", a.logLevel());
    }

    @Test
    void acceptsKeyEqualsValueAndResolvedOptionMaps() {
        JobArguments a = JobArguments.parse(new String[] {"--raw_path=file:///r", "--arrival_hour=2024-01-15-00",
            "--curated_path=file:///c", "--errors_path=file:///e", "--summary_path=file:///s.json"}, Map.of());
        assertEquals(0, a.arrivalHour().hour());
        JobArguments fromGlue = JobArguments.parse(Map.of("raw_path", "s3://b/raw", "arrival_hour", "2024-01-15-23",
                "curated_path", "s3://b/c", "errors_path", "s3://b/e", "summary_path", "s3://b/s.json", "JOB_ID", "j"), Map.of());
        assertEquals(23, fromGlue.arrivalHour().hour());
    }

    @Test
    void missingRequiredArgumentsAreAllNamed() {
        String message = failure(Map.of(), "--raw_path", "s3://lake/raw", "--arrival_hour", "2024-01-15-10");
        assertEquals("missing required arguments --curated_path, --errors_path, --summary_path", message);
        assertEquals("missing required argument --raw_path",
                failure(Map.of(), Arrays.copyOfRange(VALID, 2, VALID.length)));
    }

    @Test
    void emptyValueCountsAsMissing() {
        String[] args = VALID.clone();
        args[1] = " ";
        assertEquals("missing required argument --raw_path", failure(Map.of(), args));
    }

    @Test
    void malformedArrivalHourFailsFastNamingTheArgument() {
        for (String bad : List.of("2024-01-15T10", "2024-01-15-24", "2024-02-30-10", "2024-1-5-3", "yesterday")) {
            String[] args = VALID.clone();
            args[3] = bad;
            String message = failure(Map.of(), args);
            assertTrue(message.startsWith("--arrival_hour: "), message);
            assertTrue(message.contains(bad), message);
        }
    }

    @Test
    void invalidOptionalArgumentsFailFastNamingTheArgument() {
        assertTrue(failure(Map.of(), valid("--s3_endpoint", "localhost:9000")).startsWith("--s3_endpoint must be"));
        assertTrue(failure(Map.of(), valid("--s3_path_style", "maybe")).startsWith("--s3_path_style must be"));
        assertTrue(failure(Map.of(), valid("--path_scheme_map", "s3")).startsWith("--path_scheme_map must be"));
        assertTrue(failure(Map.of(), valid("--max_records_per_file", "-5")).startsWith("--max_records_per_file must be"));
        assertTrue(failure(Map.of(), valid("--log_level", "LOUD")).startsWith("--log_level must be"));
        assertTrue(failure(Map.of(), valid("--raw_path", "s3:///no-bucket")).startsWith("--raw_path must name a bucket"));
        assertTrue(failure(Map.of(), valid("--summary_path", "s3://lake/summaries/")).startsWith("--summary_path must name a file"));
        assertTrue(failure(Map.of(), valid("stray")).startsWith("unexpected argument 'stray'"));
    }

    @Test
    void s3PathsMapToS3aOnlyWhereTheRuntimeHasNoS3FileSystem() {
        JobArguments auto = JobArguments.parse(VALID, Map.of());
        assertEquals(Map.of("s3", "s3a"), auto.effectiveSchemeMap(false));
        assertEquals(Map.of(), auto.effectiveSchemeMap(true), "Glue's EMRFS reads s3:// itself");
        assertEquals("s3a://lake/raw/events", JobArguments.mapScheme(auto.rawPath(), Map.of("s3", "s3a")));
        assertEquals("file:///tmp/raw", JobArguments.mapScheme("file:///tmp/raw", Map.of("s3", "s3a")));
        assertEquals("/tmp/raw", JobArguments.mapScheme("/tmp/raw", Map.of("s3", "s3a")));
        assertEquals(Map.of(), JobArguments.parse(valid("--path_scheme_map", "none"), Map.of()).effectiveSchemeMap(false));
        assertEquals(Map.of("s3", "s3a", "s3n", "s3a"),
                JobArguments.parse(valid("--path_scheme_map", "s3=s3a,s3n=s3a"), Map.of()).effectiveSchemeMap(true));
        assertFalse(StorageConfig.runtimeHasS3FileSystem(new Configuration(false)));
    }

    @Test
    void s3EndpointAndCredentialsFromArgumentsOrEnvironmentConfigureS3a() {
        Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", "local-key", "AWS_SECRET_ACCESS_KEY", "local-secret",
                "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:1");
        JobArguments fromArg = JobArguments.parse(valid("--s3_endpoint", "http://127.0.0.1:9000"), env);
        Configuration conf = new Configuration(false);
        StorageConfig.applyS3a(conf, fromArg, env);
        assertEquals("http://127.0.0.1:9000", conf.get("fs.s3a.endpoint"), "the argument wins over the environment");
        assertEquals("true", conf.get("fs.s3a.path.style.access"));
        assertEquals("false", conf.get("fs.s3a.connection.ssl.enabled"));
        assertEquals("us-east-1", conf.get("fs.s3a.endpoint.region"));
        assertEquals("local-key", conf.get("fs.s3a.access.key"));
        assertEquals("local-secret", conf.get("fs.s3a.secret.key"));
        assertEquals("org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider", conf.get("fs.s3a.aws.credentials.provider"));

        JobArguments fromEnv = JobArguments.parse(valid("--s3_path_style", "false"), env);
        assertEquals(Optional.of("http://127.0.0.1:1"), fromEnv.s3Endpoint());
        assertFalse(fromEnv.s3PathStyle());

        Configuration untouched = new Configuration(false);
        StorageConfig.applyS3a(untouched, JobArguments.parse(VALID, Map.of()), Map.of());
        assertEquals(null, untouched.get("fs.s3a.endpoint"), "without an endpoint S3A keeps its AWS defaults");
    }

    @Test
    void mainExitsWithCode2AndNamesTheArgumentBeforeStartingSpark() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CuratedJob.execute(new String[] {"--raw_path", "file:///tmp/raw", "--JOB_ID", "j_1"}, Map.of(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("tributary-glue-job: missing required arguments --arrival_hour, --curated_path"), text);
        assertTrue(text.contains("usage: java -cp"), text);
    }

    @Test
    void icebergIsTheDefaultAndTheGlueCatalogNeedsATable() {
        JobArguments a = JobArguments.parse(VALID, Map.of());
        assertEquals("iceberg", a.curatedFormat());
        assertEquals("hadoop", a.icebergCatalog());
        assertEquals("merge", a.writeMode());
        assertEquals("none", a.maintenance());
        assertEquals("--curated_table (database.table) is required with --iceberg_catalog glue",
                failure(Map.of(), valid("--iceberg_catalog", "glue")));
        assertEquals("tributary.events", JobArguments.parse(valid("--iceberg_catalog", "glue", "--curated_table", "tributary.events"),
                Map.of()).curatedTable().orElseThrow());
        assertEquals("--write_mode must be one of merge, overwrite, got 'upsert'", failure(Map.of(), valid("--write_mode", "upsert")));
    }

    @Test
    void aMaintenanceRunNeedsOnlyTheTableAndASummaryPath() {
        JobArguments a = JobArguments.parse(new String[] {"--maintenance", "all", "--curated_path", "s3://lake/curated/events",
            "--summary_path", "s3://lake/glue/summaries/maintenance.json", "--retain_last", "2"}, Map.of());
        assertTrue(a.maintenanceRun());
        assertEquals(2, a.retainLast());
        assertEquals(168, a.snapshotRetentionHours());
        assertEquals("missing required argument --summary_path",
                failure(Map.of(), "--maintenance", "compact", "--curated_path", "s3://lake/curated/events"));
        assertEquals("--orphan_retention_hours must be a whole number >= 24, got '1'", failure(Map.of(), "--maintenance", "all",
                "--curated_path", "s3://lake/curated/events", "--summary_path", "s3://lake/s.json", "--orphan_retention_hours", "1"));
    }
}
