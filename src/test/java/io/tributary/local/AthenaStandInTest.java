package io.tributary.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.ColumnInfo;
import software.amazon.awssdk.services.athena.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.athena.model.InvalidRequestException;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.athena.model.Row;

/** The Athena stand-in through the real AWS SDK v2 Athena client, over Parquet files in the curated layout. */
class AthenaStandInTest {

    static final int EVENTS = 2_500;
    static Path basedir;
    static String database;
    static AthenaClient athena;

    @BeforeAll
    static void start() throws Exception {
        basedir = Files.createTempDirectory("tributary-athena-test-");
        database = "tributary_" + UUID.randomUUID().toString().substring(0, 8);
        writeCurated(basedir.resolve("curated-test").resolve(AthenaStandInResource.CURATED_PREFIX));
        AthenaStandIn standIn = AthenaStandInResource.server();
        standIn.defineDatabase(database, basedir, "curated-test", AthenaStandInResource.CURATED_PREFIX);
        athena = AthenaClient.builder().endpointOverride(URI.create(standIn.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local-secret"))).build();
    }

    @AfterAll
    static void close() {
        athena.close();
    }

    /**
     * 2,500 curated events in the Glue job's layout: event i is of hour 10 when i is even, else hour 11; user i % 100,
     * session i % 300, type one of 5, country null for every 10th. Written by DuckDB with hive partitioning.
     */
    static void writeCurated(Path dir) throws Exception {
        Files.createDirectories(dir);
        Properties p = new Properties();
        p.setProperty("autoinstall_known_extensions", "false");
        p.setProperty("autoload_known_extensions", "false");
        try (Connection c = AthenaStandIn.duckdb(p); Statement s = c.createStatement()) {
            s.execute("COPY (SELECT printf('e%05d', i) AS event_id,"
                    + " ['page_view', 'click', 'add_to_cart', 'search', 'purchase'][1 + i % 5] AS event_type,"
                    + " 'user_' || (i % 100) AS user_id,"
                    + " TIMESTAMP '2024-01-15 10:00:00' + INTERVAL (i % 2) HOUR + INTERVAL (i % 3600) SECOND + INTERVAL 123 MILLISECOND AS event_time,"
                    + " TIMESTAMP '2024-01-15 11:00:00' + INTERVAL (i % 2) HOUR AS ingest_time,"
                    + " CAST(NULL AS VARCHAR) AS time_flag, 'https://shop.example.com/p/' || i AS page_url, 'shop.example.com' AS page_host,"
                    + " '/p/' || i AS page_path, 'prod_' || (i % 50) AS product_id, ['books', 'toys', 'home'][1 + i % 3] AS category,"
                    + " 'sess_' || (i % 300) AS session_id, ['desktop', 'mobile'][1 + i % 2] AS device_type,"
                    + " CASE WHEN i % 10 = 0 THEN NULL ELSE 'US' END AS country, 'Springfield' AS city, 'shardId-000000000000' AS shard_id,"
                    + " CAST(i AS VARCHAR) AS sequence_number,"
                    + " '2024-01-15' AS event_date, 10 + i % 2 AS event_hour, '2024-01-15-' || CAST(11 + i % 2 AS VARCHAR) AS arrival_hour"
                    + " FROM range(" + EVENTS + ") t(i))"
                    + " TO '" + dir + "' (FORMAT PARQUET, COMPRESSION SNAPPY, PARTITION_BY (event_date, event_hour, arrival_hour), OVERWRITE_OR_IGNORE)");
        }
    }

    static String start(String sql) {
        return athena.startQueryExecution(b -> b.queryString(sql).workGroup("primary")
                .queryExecutionContext(c -> c.database(database))
                .resultConfiguration(r -> r.outputLocation("s3://results/athena/"))).queryExecutionId();
    }

    static QueryExecution finished(String id) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(
                () -> athena.getQueryExecution(b -> b.queryExecutionId(id)).queryExecution(),
                q -> List.of(QueryExecutionState.SUCCEEDED, QueryExecutionState.FAILED, QueryExecutionState.CANCELLED)
                        .contains(q.status().state()));
    }

    /** Every row of a succeeded query, header included, following NextToken. */
    static List<List<String>> results(String id, int maxResults) {
        List<List<String>> rows = new ArrayList<>();
        String token = null;
        do {
            String t = token;
            GetQueryResultsResponse page = athena.getQueryResults(b -> b.queryExecutionId(id).maxResults(maxResults).nextToken(t));
            assertTrue(page.resultSet().rows().size() <= maxResults);
            for (Row r : page.resultSet().rows()) {
                rows.add(r.data().stream().map(d -> d.varCharValue()).toList());
            }
            token = page.nextToken();
        } while (token != null);
        return rows;
    }

    static List<List<String>> query(String sql) {
        String id = start(sql);
        QueryExecution q = finished(id);
        assertEquals(QueryExecutionState.SUCCEEDED, q.status().state(), () -> q.status().stateChangeReason());
        List<List<String>> rows = results(id, 1000);
        return rows.subList(1, rows.size());
    }

    static String scalar(String sql) {
        return query(sql).get(0).get(0);
    }

    @Test
    void aQueryIsStartedPolledAndPagedWithTheHeaderRowFirst() {
        String id = start("SELECT event_id, event_hour FROM \"" + database + "\".\"events\" ORDER BY event_id");
        QueryExecution q = finished(id);
        assertEquals(QueryExecutionState.SUCCEEDED, q.status().state());
        assertNotNull(q.status().completionDateTime());
        assertEquals(database, q.queryExecutionContext().database());
        List<Integer> pageSizes = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        String token = null;
        do {
            String t = token;
            GetQueryResultsResponse page = athena.getQueryResults(b -> b.queryExecutionId(id).maxResults(1000).nextToken(t));
            pageSizes.add(page.resultSet().rows().size());
            page.resultSet().rows().forEach(r -> rows.add(r.data().stream().map(d -> d.varCharValue()).toList()));
            List<ColumnInfo> columns = page.resultSet().resultSetMetadata().columnInfo();
            assertEquals(List.of("event_id", "event_hour"), columns.stream().map(ColumnInfo::name).toList());
            assertEquals(List.of("varchar", "integer"), columns.stream().map(ColumnInfo::type).toList());
            token = page.nextToken();
        } while (token != null);
        assertEquals(List.of(1000, 1000, 501), pageSizes, "the header row counts toward the first page, as on Athena");
        assertEquals(List.of("event_id", "event_hour"), rows.get(0));
        assertEquals(List.of("e00000", "10"), rows.get(1));
        assertEquals(EVENTS + 1, rows.size());
        assertEquals("e02499", rows.get(EVENTS).get(0));
    }

    @Test
    void theEventsTableHasTheContractColumnsAndPartitionKeys() {
        String id = start("SELECT * FROM events LIMIT 1");
        assertEquals(QueryExecutionState.SUCCEEDED, finished(id).status().state());
        List<String> names = athena.getQueryResults(b -> b.queryExecutionId(id)).resultSet().resultSetMetadata().columnInfo()
                .stream().map(ColumnInfo::name).toList();
        List<String> contract = new ArrayList<>(io.tributary.event.EventContract.load().columnNames("curated"));
        contract.addAll(List.of("event_date", "event_hour", "arrival_hour"));
        assertEquals(contract, names);
    }

    @Test
    void aRollupOverOnePartitionCountsExactly() {
        List<List<String>> rows = query("SELECT event_type, coalesce(country, 'unknown') AS country, count(*) AS events,"
                + " count(DISTINCT user_id) AS users, count(DISTINCT session_id) AS sessions, max_by(category, event_id) AS some_category"
                + " FROM events WHERE event_date = '2024-01-15' AND event_hour = 10"
                + " GROUP BY 1, 2 ORDER BY 1, 2");
        // hour 10 holds the even i; add_to_cart is i % 5 == 2, so i % 10 == 2: 250 events, users i % 100 (10 of them),
        // sessions i % 300 (30); page_view is i % 10 == 0, exactly the events without a country
        long total = rows.stream().mapToLong(r -> Long.parseLong(r.get(2))).sum();
        assertEquals(1250, total);
        assertEquals(List.of("add_to_cart", "US", "250", "10", "30"), rows.get(0).subList(0, 5));
        assertEquals(List.of("page_view", "unknown", "250", "10", "30"), rows.get(2).subList(0, 5));
    }

    @Test
    void timestampsAreRenderedInUtcWithMilliseconds() {
        assertEquals("2024-01-15 10:00:00.123", scalar("SELECT event_time FROM events WHERE event_id = 'e00000'"));
    }

    @Test
    void aFailingQueryIsFailedWithDuckDbsMessage() {
        String id = start("SELECT no_such_column FROM events");
        QueryExecution q = finished(id);
        assertEquals(QueryExecutionState.FAILED, q.status().state());
        assertTrue(q.status().stateChangeReason().contains("no_such_column"), q.status().stateChangeReason());
        assertEquals(2, q.status().athenaError().errorCategory());
        var e = assertThrows(InvalidRequestException.class, () -> athena.getQueryResults(b -> b.queryExecutionId(id)));
        assertTrue(e.getMessage().contains("FAILED"), e.getMessage());
    }

    @Test
    void anUnknownQueryExecutionIdIsAnInvalidRequest() {
        var e = assertThrows(InvalidRequestException.class, () -> athena.getQueryExecution(b -> b.queryExecutionId("no-such-id")));
        assertTrue(e.awsErrorDetails().errorMessage().contains("QueryExecution no-such-id was not found"));
        assertEquals("InvalidRequestException", e.awsErrorDetails().errorCode());
        assertEquals(400, e.statusCode());
    }

    @Test
    void moreThanAThousandResultsPerPageIsAnInvalidRequest() {
        String id = start("SELECT 1");
        finished(id);
        assertThrows(InvalidRequestException.class, () -> athena.getQueryResults(b -> b.queryExecutionId(id).maxResults(1001)));
    }

    @Test
    void stoppingARunningQueryCancelsIt() {
        String id = start("SELECT count(*) FROM range(1000000000000) a");
        await().atMost(Duration.ofSeconds(30)).until(
                () -> athena.getQueryExecution(b -> b.queryExecutionId(id)).queryExecution().status().state() == QueryExecutionState.RUNNING);
        athena.stopQueryExecution(b -> b.queryExecutionId(id));
        QueryExecution q = finished(id);
        assertEquals(QueryExecutionState.CANCELLED, q.status().state());
        assertThrows(InvalidRequestException.class, () -> athena.getQueryResults(b -> b.queryExecutionId(id)));
        // the worker is free again
        assertEquals("1", scalar("SELECT 1"));
    }

    @Test
    void theSameClientRequestTokenStartsTheQueryOnce() {
        String token = UUID.randomUUID().toString();
        String a = athena.startQueryExecution(b -> b.queryString("SELECT 1").clientRequestToken(token)).queryExecutionId();
        String b2 = athena.startQueryExecution(b -> b.queryString("SELECT 1").clientRequestToken(token)).queryExecutionId();
        assertEquals(a, b2);
    }

    @Test
    void anEmptyTableAnswersNoRows() throws Exception {
        String empty = "tributary_empty_" + UUID.randomUUID().toString().substring(0, 8);
        AthenaStandInResource.server().defineDatabase(empty, basedir, "no-such-bucket", "curated/events");
        String id = athena.startQueryExecution(b -> b.queryString("SELECT count(*) AS n FROM events")
                .queryExecutionContext(c -> c.database(empty))).queryExecutionId();
        assertEquals(QueryExecutionState.SUCCEEDED, finished(id).status().state());
        assertEquals(List.of(List.of("n"), List.of("0")), results(id, 10));
    }

    // ---- every translation of AthenaDialect, through the API ----

    @Test
    void translationCatalogQualifierIsDropped() {
        assertEquals(String.valueOf(EVENTS), scalar("SELECT count(*) FROM \"AwsDataCatalog\".\"" + database + "\".\"events\""));
        assertEquals(String.valueOf(EVENTS), scalar("SELECT count(*) FROM awsdatacatalog." + database + ".events"));
        assertEquals("AwsDataCatalog.x.y", scalar("SELECT 'AwsDataCatalog.x.y'"), "string literals are not rewritten");
    }

    @Test
    void translationUnqualifiedTablesResolveInTheContextDatabase() {
        assertEquals(String.valueOf(EVENTS), scalar("SELECT count(*) FROM events"));
    }

    @Test
    void translationApproxDistinctIsApproxCountDistinct() {
        long users = Long.parseLong(scalar("SELECT approx_distinct(user_id) FROM events"));
        assertTrue(Math.abs(users - 100) <= 5, "about 100 users, got " + users);
    }

    @Test
    void translationApproxPercentileIsApproxQuantile() {
        long median = Long.parseLong(scalar("SELECT approx_percentile(i, 0.5) FROM range(101) t(i)"));
        assertTrue(Math.abs(median - 50) <= 2, "median about 50, got " + median);
    }

    @Test
    void translationRegexpLikeIsAPartialMatch() {
        assertEquals(List.of("true", "false"), query("SELECT regexp_like('shop.example.com', 'example'), regexp_like('shop', '^x')").get(0));
    }

    @Test
    void translationDayOfWeekIsIsoMondayOne() {
        assertEquals(List.of("1", "7"), query("SELECT day_of_week(DATE '2024-01-15'), day_of_week(DATE '2024-01-21')").get(0));
    }

    @Test
    void translationDayOfYear() {
        assertEquals("32", scalar("SELECT day_of_year(DATE '2024-02-01')"));
    }

    @Test
    void translationFromIso8601TimestampAppliesTheOffset() {
        assertEquals("2024-01-15 10:30:00.000 UTC", scalar("SELECT from_iso8601_timestamp('2024-01-15T12:30:00+02:00')"));
        assertEquals("2024-01-15 10:30:00.123 UTC", scalar("SELECT from_iso8601_timestamp('2024-01-15T10:30:00.123Z')"));
    }

    @Test
    void translationFromUnixtimeAndToUnixtime() {
        assertEquals("2024-01-15 10:30:00.000 UTC", scalar("SELECT from_unixtime(1705314600)"));
        assertEquals(1705314600.0, Double.parseDouble(scalar("SELECT to_unixtime(TIMESTAMP '2024-01-15 10:30:00')")));
    }

    @Test
    void translationDateFormatTakesMysqlSpecifiers() {
        assertEquals("2024-01-15 10:05:09", scalar("SELECT date_format(TIMESTAMP '2024-01-15 10:05:09', '%Y-%m-%d %H:%i:%s')"));
    }

    @Test
    void translationSessionTimeZoneIsUtc() {
        assertEquals("UTC", scalar("SELECT current_setting('TimeZone')"));
    }

    @Test
    void translationResultTypesUseAthenaNames() {
        String id = start("SELECT sum(CAST(1 AS BIGINT)) AS s, CAST(1.5 AS DOUBLE) AS d, true AS b, DATE '2024-01-15' AS dt, 'x' AS v");
        finished(id);
        assertEquals(List.of("bigint", "double", "boolean", "date", "varchar"), athena.getQueryResults(b -> b.queryExecutionId(id))
                .resultSet().resultSetMetadata().columnInfo().stream().map(ColumnInfo::type).toList());
    }

    @Test
    void everyMacroOfTheTableIsExercisedHere() {
        // a new row in AthenaDialect.MACROS needs a translation test above: this count reminds whoever adds one
        assertEquals(9, AthenaDialect.MACROS.size());
        assertEquals(1, AthenaDialect.REWRITES.size());
        assertEquals("SELECT count(*) FROM \"db\".\"events\"", AthenaDialect.translate(AthenaDialect.REWRITES.get(0).trinoExample()));
        assertNull(AthenaStandIn.renderTimestamp(null));
    }
}
