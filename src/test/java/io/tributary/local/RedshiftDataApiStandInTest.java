package io.tributary.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.tributary.warehouse.SqlDialect;
import io.tributary.warehouse.SqlScript;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.redshiftdata.RedshiftDataClient;
import software.amazon.awssdk.services.redshiftdata.model.DescribeStatementResponse;
import software.amazon.awssdk.services.redshiftdata.model.StatusString;
import software.amazon.awssdk.services.redshiftdata.model.SubStatementData;

/**
 * The Redshift Data API stand-in, driven by AWS's own client: the project's Data API load (load/athena_result.sql with its
 * MERGE files) runs as one transaction and loads an Athena-shaped result through a manifest; a failing statement rolls
 * the batch back; COPY reads by prefix (and so meets Athena's .metadata file), refuses options it does not implement and
 * wants an authorization; SYSDATE is the transaction's start, GETDATE() the statement's.
 */
class RedshiftDataApiStandInTest {

    static final String WORKGROUP = "tributary-test";
    static final String SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:tributary-test-redshift-app-AbCdEf";
    static RedshiftStandIn redshift;
    static String database;
    static Path s3;
    static RedshiftDataApiStandIn dataApi;
    static RedshiftDataClient client;

    @BeforeAll
    static void start() throws Exception {
        redshift = RedshiftStandIn.get();
        database = redshift.createMigratedDatabase("data_api");
        s3 = Files.createTempDirectory("data-api-s3-");
        Files.createDirectories(s3.resolve("results/results"));
        dataApi = RedshiftDataApiStandIn.start(WORKGROUP, "arn:aws:redshift-serverless:eu-west-1:123456789012:workgroup/wg-1",
                Map.of("tributary", database), Map.of(SECRET, RedshiftStandIn.USER), s3);
        client = RedshiftDataClient.builder().endpointOverride(URI.create(dataApi.endpoint())).region(Region.of(StandIns.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(StandIns.ACCESS_KEY, StandIns.SECRET_KEY)))
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        dataApi.close();
        redshift.dropDatabase(database);
    }

    static DescribeStatementResponse batch(List<String> sqls) throws InterruptedException {
        String id = client.batchExecuteStatement(b -> b.workgroupName(WORKGROUP).database("tributary").secretArn(SECRET).sqls(sqls)).id();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            DescribeStatementResponse d = client.describeStatement(b -> b.id(id));
            if (d.status() == StatusString.FINISHED || d.status() == StatusString.FAILED || d.status() == StatusString.ABORTED) {
                return d;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("statement " + id + " still " + d.status());
            }
            Thread.sleep(50);
        }
    }

    /** load/athena_result.sql as Terraform renders it for the Data API (comment lines out, MERGE files included). */
    static List<String> loadStatements(String manifest, String queryId) {
        List<String> out = new ArrayList<>();
        for (String s : SqlScript.statements(SqlScript.compose(SqlScript.resource("sql/redshift/load/athena_result.sql")), SqlDialect.REDSHIFT)) {
            out.add(s.replace(":manifest_location", manifest).replace(":query_execution_id", queryId).replaceAll("\\s+", " "));
        }
        return out;
    }

    static List<String> rows(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = redshift.connectAsAdmin(database); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            int n = r.getMetaData().getColumnCount();
            while (r.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    row.append(i > 1 ? "|" : "").append(r.getString(i));
                }
                out.add(row.toString());
            }
        }
        return out;
    }

    static final String RESULT_CSV = """
            "row_kind","event_date","event_hour","event_minute","event_type","country","device_type","category","category_rank","events","distinct_users","distinct_sessions"
            "hour","2024-01-15","10",,"click","DE","mobile","books",,"3","2","2"
            "hour","2024-01-15","10",,"page_view","US","desktop",,,"5","4","3"
            "category","2024-01-15","10",,"click",,,"books","1","3","2",
            "minute","2024-01-15","10","7","click","DE","mobile",,,"3",,
            "minute","2024-01-15","10","12","page_view","US","desktop",,,"5",,
            """;

    @Test
    void theProjectsLoadRunsAsOneTransactionAndLoadsTheResultTheManifestNames() throws Exception {
        Files.writeString(s3.resolve("results/results/q-1.csv"), RESULT_CSV);
        Files.writeString(s3.resolve("results/results/q-1.csv.metadata"), "\u0000binary\u0001");
        Files.createDirectories(s3.resolve("results/redshift-load"));
        Files.writeString(s3.resolve("results/redshift-load/q-1.manifest"),
                "{\"entries\":[{\"url\":\"s3://results/results/q-1.csv\",\"mandatory\":true}]}");

        DescribeStatementResponse d = batch(loadStatements("s3://results/redshift-load/q-1.manifest", "q-1"));

        assertEquals(StatusString.FINISHED, d.status(), d.error());
        assertTrue(d.subStatements().stream().allMatch(s -> s.status().toString().equals("FINISHED")), d.subStatements().toString());
        assertEquals(List.of(
                        "2024-01-15 10:00:00|click|DE|mobile|3|2|2|books|t|athena-rollup|q-1",
                        "2024-01-15 10:00:00|page_view|US|desktop|5|4|3|null|t|athena-rollup|q-1"),
                rows("SELECT window_start, event_type, country, device_type, events, distinct_users, distinct_sessions, top_category, "
                        + "is_final, source, source_ref FROM analytics.hourly_rollup ORDER BY event_type"));
        assertEquals(List.of("2024-01-15 10:00:00|click|books|1|3|2|q-1"),
                rows("SELECT window_start, event_type, category, category_rank, events, distinct_users, source_ref FROM analytics.hourly_top_categories"));
        assertEquals(List.of("2024-01-15 10:07:00|click|DE|mobile|3|f", "2024-01-15 10:12:00|page_view|US|desktop|5|f"),
                rows("SELECT minute_start, event_type, country, device_type, events, provisional FROM analytics.minute_counts ORDER BY minute_start"));
        // SYSDATE is the transaction's start: every row of the load carries the same loaded_at
        assertEquals(1, rows("SELECT DISTINCT loaded_at FROM analytics.hourly_rollup UNION SELECT DISTINCT loaded_at FROM analytics.minute_counts").size());
        // the temp tables were the batch's own: they ended with its transaction's session
        assertTrue(dataApi.calls().contains(new RedshiftDataApiStandIn.Call("secretsmanager:GetSecretValue", SECRET)));
    }

    @Test
    void aFailingStatementRollsTheWholeBatchBackAndIsReportedAsRedshiftReportsIt() throws Exception {
        DescribeStatementResponse d = batch(List.of(
                "CREATE TABLE analytics.rollback_probe (x INTEGER)",
                "INSERT INTO analytics.rollback_probe VALUES (1)",
                "INSERT INTO analytics.no_such_table VALUES (1)"));
        assertEquals(StatusString.FAILED, d.status());
        assertTrue(d.error().contains("no_such_table"), d.error());
        List<SubStatementData> subs = d.subStatements();
        assertEquals(List.of("ABORTED", "ABORTED", "FAILED"), subs.stream().map(s -> s.statusAsString()).toList());
        assertEquals(List.of("false"), rows("SELECT (to_regclass('analytics.rollback_probe') IS NOT NULL)::text"),
                "the table the batch created is gone with the rolled-back transaction");
    }

    @Test
    void copyWithoutAManifestReadsEveryObjectUnderThePathAsRedshiftDoesAndSoMeetsAthenasMetadataFile() throws Exception {
        Files.writeString(s3.resolve("results/results/q-2.csv"), RESULT_CSV);
        // Athena's metadata is protobuf: field tags 0x0A are newlines to a CSV reader, so it is several "lines"
        Files.writeString(s3.resolve("results/results/q-2.csv.metadata"), "\u0008\u0001\n\u0008row_kind\u0012\u0007varchar\n\nevent_date\u0012\u0004date");
        List<String> sqls = new ArrayList<>(loadStatements("s3://results/results/q-2.csv", "q-2"));
        sqls.replaceAll(s -> s.replace(" MANIFEST", ""));
        DescribeStatementResponse d = batch(sqls);
        assertEquals(StatusString.FAILED, d.status());
        assertTrue(d.error().contains("q-2.csv.metadata"), d.error());
    }

    @Test
    void copyRefusesOptionsItDoesNotImplementAndWantsAnAuthorization() throws Exception {
        Files.writeString(s3.resolve("results/results/q-3.csv"), "\"a\"\n\"1\"\n");
        String create = "CREATE TEMP TABLE copy_probe (a INTEGER)";
        DescribeStatementResponse gzip = batch(List.of(create,
                "COPY copy_probe FROM 's3://results/results/q-3.csv' IAM_ROLE default FORMAT AS CSV IGNOREHEADER 1 GZIP"));
        assertEquals(StatusString.FAILED, gzip.status());
        assertTrue(gzip.error().contains("does not implement the COPY option at: GZIP"), gzip.error());
        DescribeStatementResponse noRole = batch(List.of(create,
                "COPY copy_probe FROM 's3://results/results/q-3.csv' FORMAT AS CSV IGNOREHEADER 1"));
        assertEquals(StatusString.FAILED, noRole.status());
        assertTrue(noRole.error().contains("authorization"), noRole.error());
        DescribeStatementResponse missing = batch(List.of(create,
                "COPY copy_probe FROM 's3://results/nothing/here' IAM_ROLE default FORMAT AS CSV"));
        assertEquals(StatusString.FAILED, missing.status());
        assertTrue(missing.error().contains("does not exist"), missing.error());
    }

    @Test
    void sysdateIsTheTransactionsStartAndGetdateTheStatementsToTheSecond() throws Exception {
        DescribeStatementResponse d = batch(List.of(
                "CREATE TABLE analytics.clock_probe (n INTEGER, sys TIMESTAMP, get TIMESTAMP)",
                "INSERT INTO analytics.clock_probe VALUES (1, SYSDATE, GETDATE())",
                "SELECT pg_sleep(1.2)",
                "INSERT INTO analytics.clock_probe VALUES (2, SYSDATE, GETDATE())"));
        assertEquals(StatusString.FINISHED, d.status(), d.error());
        List<String> r = rows("SELECT sys, get FROM analytics.clock_probe ORDER BY n");
        assertEquals(r.get(0).split("\\|")[0], r.get(1).split("\\|")[0], "SYSDATE: one value per transaction");
        assertNotEquals(r.get(0).split("\\|")[1], r.get(1).split("\\|")[1], "GETDATE(): the statement's start");
        assertTrue(r.get(0).split("\\|")[1].matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d"), "GETDATE() has no fraction: " + r.get(0));
    }
}
