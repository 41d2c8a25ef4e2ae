package io.tributary.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.tributary.local.RedshiftStandIn;

/** The warehouse beans on the Redshift stand-in, through the real Amazon Redshift JDBC driver. */
class RedshiftStandInTest {

    static final Instant HOUR = Instant.parse("2024-01-15T10:00:00Z");
    static RedshiftStandIn standIn;
    static String database;
    static DataSource dataSource;

    @BeforeAll
    static void start() throws SQLException {
        standIn = RedshiftStandIn.get();
        database = standIn.createMigratedDatabase("rs_test");
        dataSource = standIn.dataSource(database);
    }

    @AfterAll
    static void drop() {
        standIn.dropDatabase(database);
    }

    MergeLoader loader() {
        return new MergeLoader(dataSource, SqlDialect.POSTGRESQL, 100);
    }

    @Test
    void theRedshiftDriverConnectsThroughTheShimToPostgresql15() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT version()")) {
            r.next();
            assertTrue(r.getString(1).startsWith("PostgreSQL 15."), r.getString(1));
            assertTrue(c.getClass().getName().startsWith("com.amazon.redshift."), c.getClass().getName());
        }
        assertTrue(standIn.droppedStartupParameters().containsAll(Set.of("driver_version", "os_version", "client_protocol_version")),
                "dropped " + standIn.droppedStartupParameters());
    }

    @Test
    void theApplicationUserHasNoCreateOnTheDatabaseAsOnRedshift() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT current_user")) {
                r.next();
                assertEquals(RedshiftStandIn.USER, r.getString(1));
            }
            SQLException e = assertThrows(SQLException.class, () -> s.execute("CREATE SCHEMA IF NOT EXISTS analytics"));
            assertTrue(e.getMessage().contains("permission denied"), e.getMessage());
        }
    }

    @Test
    void withoutTheAdminBootstrapTheMigratorFailsNamingTheStep() {
        String db = standIn.createBareDatabase("rs_bare");
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> new SchemaMigrator(standIn.dataSource(db), SqlDialect.POSTGRESQL).migrate());
            assertTrue(e.getMessage().contains("CREATE SCHEMA analytics AUTHORIZATION " + RedshiftStandIn.USER), e.getMessage());
        } finally {
            standIn.dropDatabase(db);
        }
    }

    @Test
    void aSchemaTheApplicationUserMayNotCreateInFailsNamingTheGrant() throws SQLException {
        String db = standIn.createBareDatabase("rs_nogrant");
        try {
            try (Connection c = standIn.connectAsAdmin(db); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA analytics");
                s.execute("GRANT USAGE ON SCHEMA analytics TO " + RedshiftStandIn.USER);
            }
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> new SchemaMigrator(standIn.dataSource(db), SqlDialect.POSTGRESQL).migrate());
            assertTrue(e.getMessage().contains("lacks CREATE on schema analytics"), e.getMessage());
            assertTrue(e.getMessage().contains("GRANT USAGE, CREATE ON SCHEMA analytics TO " + RedshiftStandIn.USER), e.getMessage());
        } finally {
            standIn.dropDatabase(db);
        }
    }

    @Test
    void migratingTwiceIsANoOp() throws SQLException {
        String db = standIn.createDatabase("rs_migrate");
        try {
            DataSource ds = standIn.dataSource(db);
            assertEquals(List.of(1, 2), new SchemaMigrator(ds, SqlDialect.POSTGRESQL).migrate());
            List<List<Object>> versions = rows(ds, "SELECT version, description, checksum, applied_at FROM analytics.schema_version");
            assertEquals(List.of(), new SchemaMigrator(ds, SqlDialect.POSTGRESQL).migrate());
            assertEquals(versions, rows(ds, "SELECT version, description, checksum, applied_at FROM analytics.schema_version"));
            assertEquals(List.of(List.of(0L)), rows(ds, "SELECT count(*) FROM analytics.hourly_rollup"));
        } finally {
            standIn.dropDatabase(db);
        }
    }

    @Test
    void anAppliedMigrationThatChangedFailsTheStart() {
        var edited = new SchemaMigrator.Migration(1, "analytics tables", "V1__analytics_tables.sql",
                "CREATE TABLE analytics.other (a INT);", SchemaMigrator.sha256("edited"));
        var e = assertThrows(IllegalStateException.class,
                () -> new SchemaMigrator(dataSource, SqlDialect.POSTGRESQL, List.of(edited)).migrate());
        assertTrue(e.getMessage().contains("changed after it was applied"), e.getMessage());
    }

    static List<HourlyRollup> rollup(Instant hour, String... countries) {
        List<HourlyRollup> rows = new ArrayList<>();
        int n = 0;
        for (String type : List.of("page_view", "click", "purchase")) {
            for (String country : countries) {
                for (String device : List.of("desktop", "mobile")) {
                    n++;
                    rows.add(new HourlyRollup(hour, type, country, device, 100 + n, 50 + n, 60 + n, n % 3 == 0 ? null : "books"));
                }
            }
        }
        return rows;
    }

    static final String ROLLUP_DATA = "SELECT window_start, event_type, country, device_type, events, distinct_users, "
            + "distinct_sessions, top_category, is_final, source, source_ref FROM analytics.hourly_rollup "
            + "WHERE window_start = TIMESTAMP '%s' ORDER BY event_type, country, device_type";

    static String rollupOf(Instant hour) {
        return String.format(ROLLUP_DATA, hour.toString().replace('T', ' ').replace("Z", ""));
    }

    @Test
    void mergingTheSameHourTwiceLeavesIdenticalRows() throws SQLException {
        Instant hour = HOUR;
        List<TopCategory> top = List.of(new TopCategory(hour, "page_view", "books", 1, 40, 30),
                new TopCategory(hour, "page_view", "toys", 2, 20, 15));
        loader().mergeHour(hour, rollup(hour, "US", "DE", null), top, true, "q-1");
        List<List<Object>> first = rows(dataSource, rollupOf(hour));
        List<List<Object>> firstTop = rows(dataSource, "SELECT * FROM analytics.hourly_top_categories ORDER BY category_rank");
        loader().mergeHour(hour, rollup(hour, "US", "DE", null), top, true, "q-1");
        assertEquals(18, first.size());
        assertEquals(first, rows(dataSource, rollupOf(hour)));
        assertEquals(firstTop.size(), rows(dataSource, "SELECT * FROM analytics.hourly_top_categories").size());
        assertTrue(first.stream().anyMatch(r -> r.get(2).equals(HourlyRollup.UNKNOWN)), "a missing country is stored as 'unknown'");
    }

    @Test
    void reRunningAnHourReplacesItsRowsAndLeavesOtherHoursAlone() throws SQLException {
        Instant hour = HOUR.plusSeconds(3600);
        Instant other = HOUR.plusSeconds(7200);
        loader().mergeHour(other, rollup(other, "FR"), List.of(), true, "q-other");
        List<List<Object>> otherRows = rows(dataSource, rollupOf(other));
        loader().mergeHour(hour, rollup(hour, "US", "DE", "JP"), List.of(), false, "q-2");
        loader().mergeHour(hour, rollup(hour, "US", "DE"), List.of(), true, "q-3");
        List<List<Object>> now = rows(dataSource, rollupOf(hour));
        assertEquals(12, now.size(), "the JP groups of the first run are gone");
        assertTrue(now.stream().allMatch(r -> r.get(8).equals(Boolean.TRUE) && r.get(10).equals("q-3")));
        assertEquals(otherRows, rows(dataSource, rollupOf(other)));
    }

    @Test
    void valuesWithQuotesAreBoundNotInterpolated() throws SQLException {
        Instant minute = Instant.parse("2024-01-15T11:07:00Z");
        String nasty = "O'Brien'); DROP TABLE analytics.minute_counts; --";
        loader().mergeMinutes(List.of(new MinuteCount(minute, nasty, "C'I", "desk\"top", 3, "raw/it's'); --.json.gz"),
                new MinuteCount(minute, "it's", "US", "mobile", 4, "raw/b.json.gz")));
        List<List<Object>> got = rows(dataSource, "SELECT event_type, country, device_type, events, provisional FROM analytics.minute_counts "
                + "WHERE minute_start = TIMESTAMP '2024-01-15 11:07:00' ORDER BY events");
        assertEquals(List.of(List.of(nasty, "C'I", "desk\"top", 3L, true), List.of("it's", "US", "mobile", 4L, true)), got);
        assertEquals(1, rows(dataSource, "SELECT count(*) FROM analytics.schema_version").size(), "nothing was dropped");
    }

    @Test
    void aMinuteWindowMergedAgainKeepsItsLatestCount() throws SQLException {
        Instant minute = Instant.parse("2024-01-15T11:08:00Z");
        // one raw batch's share of the window (its part), merged again: the latest count of that part stands
        String part = "raw/events/dt=2024-01-15/hour=11/shardId-000000000000-1-2.json.gz";
        loader().mergeMinutes(List.of(new MinuteCount(minute, "click", "US", "mobile", 3, part)));
        loader().mergeMinutes(List.of(new MinuteCount(minute, "click", "US", "mobile", 5, part), new MinuteCount(minute, "click", "US", "mobile", 7, part)));
        assertEquals(List.of(List.of(7L)), rows(dataSource,
                "SELECT events FROM analytics.minute_counts WHERE minute_start = TIMESTAMP '2024-01-15 11:08:00'"));
    }

    @Test
    void aFailingLoadChangesNothing() throws SQLException {
        Instant hour = HOUR.plusSeconds(4 * 3600);
        loader().mergeHour(hour, rollup(hour, "US"), List.of(), true, "q-ok");
        List<List<Object>> before = rows(dataSource, rollupOf(hour));
        List<HourlyRollup> bad = new ArrayList<>(rollup(hour, "GB"));
        bad.add(new HourlyRollup(hour, "x".repeat(200), "US", "mobile", 1, 1, 1, null)); // longer than VARCHAR(64)
        assertThrows(SQLException.class, () -> loader().mergeHour(hour, bad, List.of(), true, "q-bad"));
        assertEquals(before, rows(dataSource, rollupOf(hour)));
    }

    static final String INSERT_MINUTE = "INSERT INTO analytics.minute_counts (minute_start, event_type, country, device_type, events, "
            + "provisional, loaded_at) VALUES (TIMESTAMP '2024-01-15 12:00:00', ?, ?, 'mobile', 1, true, TIMESTAMP '2024-01-15 12:01:00')";

    /**
     * Redshift's VARCHAR(n) holds n bytes of UTF-8, PostgreSQL's n characters: 33 'é' are 33 characters but 66 bytes, so
     * Redshift refuses them in event_type VARCHAR(64), and so must the stand-in, by INSERT, UPDATE and MERGE alike.
     */
    @Test
    void aMultiByteValueWithinNCharactersButOverNBytesIsRefusedLikeRedshift() throws SQLException {
        String over = "é".repeat(33);
        assertTooLong(64, () -> update(dataSource, INSERT_MINUTE, over, "US"));
        assertTooLong(16, () -> update(dataSource, INSERT_MINUTE, "click", "ü".repeat(9)));

        update(dataSource, INSERT_MINUTE, "strict-update", "US");
        assertTooLong(64, () -> update(dataSource, "UPDATE analytics.minute_counts SET event_type = ? WHERE event_type = 'strict-update'", over));

        assertTooLong(64, () -> update(dataSource, "MERGE INTO analytics.minute_counts USING (SELECT CAST(? AS VARCHAR) AS event_type) s "
                + "ON minute_counts.event_type = s.event_type "
                + "WHEN MATCHED THEN UPDATE SET events = minute_counts.events + 1 "
                + "WHEN NOT MATCHED THEN INSERT (minute_start, event_type, country, device_type, events, provisional, loaded_at) "
                + "VALUES (TIMESTAMP '2024-01-15 12:00:00', s.event_type, 'US', 'mobile', 1, true, TIMESTAMP '2024-01-15 12:01:00')", over));
        assertTooLong(64, () -> update(dataSource, "MERGE INTO analytics.minute_counts USING (SELECT CAST(? AS VARCHAR) AS event_type) s "
                + "ON minute_counts.event_type = 'strict-update' "
                + "WHEN MATCHED THEN UPDATE SET event_type = s.event_type "
                + "WHEN NOT MATCHED THEN INSERT (minute_start, event_type, country, device_type, events, provisional, loaded_at) "
                + "VALUES (TIMESTAMP '2024-01-15 12:00:00', s.event_type, 'US', 'mobile', 1, true, TIMESTAMP '2024-01-15 12:01:00')", over));
        assertEquals(List.of(List.of(0L)), rows(dataSource, "SELECT count(*) FROM analytics.minute_counts WHERE event_type = '" + over + "'"));
    }

    /** The other side of the boundary: exactly n bytes fit, ASCII or multi-byte. */
    @Test
    void aValueOfExactlyNBytesIsAccepted() throws SQLException {
        String ascii = "a".repeat(64);
        String multiByte = "é".repeat(32);
        update(dataSource, INSERT_MINUTE, ascii, "c".repeat(16));
        update(dataSource, INSERT_MINUTE, multiByte, "ü".repeat(8));
        assertEquals(List.of(List.of(ascii, "c".repeat(16)), List.of(multiByte, "ü".repeat(8))), rows(dataSource,
                "SELECT event_type, country FROM analytics.minute_counts WHERE event_type IN ('" + ascii + "', '" + multiByte + "') ORDER BY country"));
    }

    /** A later migration that widens a column (Redshift: ALTER COLUMN ... TYPE VARCHAR(m)) gets byte semantics for the new size. */
    @Test
    void aWidenedColumnCountsBytesAtItsNewSize() throws SQLException {
        update(dataSource, "CREATE TABLE analytics.widened (v VARCHAR(4), w VARCHAR(4) NOT NULL)");
        update(dataSource, "ALTER TABLE analytics.widened ALTER COLUMN v TYPE VARCHAR(8)");
        assertTooLong(4, () -> update(dataSource, "INSERT INTO analytics.widened (v, w) VALUES (?, ?)", "a", "ééé"));
        assertTooLong(8, () -> update(dataSource, "INSERT INTO analytics.widened (v, w) VALUES (?, ?)", "ééééé", "a"));
        update(dataSource, "INSERT INTO analytics.widened (v, w) VALUES (?, ?)", "éééé", "éé");
        update(dataSource, "INSERT INTO analytics.widened (v, w) VALUES (?, ?)", null, "abcd");
        assertEquals(List.of(List.of("v", 8), List.of("w", 4)), rows(dataSource, "SELECT column_name, character_maximum_length "
                + "FROM information_schema.columns WHERE table_schema = 'analytics' AND table_name = 'widened' ORDER BY column_name"));
    }

    /** Fails unless the statement fails as Redshift's does: SQLSTATE 22001, "value too long for type character varying(n)". */
    static void assertTooLong(int n, org.junit.jupiter.api.function.Executable statement) {
        SQLException e = assertThrows(SQLException.class, statement);
        assertTrue(e.getMessage().contains("value too long for type character varying(" + n + ")"), e.getMessage());
        assertEquals("22001", e.getSQLState(), e.getMessage());
    }

    /** Runs one statement with bound string parameters, in its own transaction (autocommit). */
    static int update(DataSource ds, String sql, String... params) throws SQLException {
        try (Connection c = ds.getConnection(); java.sql.PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                p.setString(i + 1, params[i]);
            }
            return p.executeUpdate();
        }
    }

    @Test
    void rowsOfAnotherHourOrOffTheHourAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new HourlyRollup(HOUR.plusSeconds(60), "a", "b", "c", 1, 1, 1, null));
        assertThrows(IllegalArgumentException.class,
                () -> loader().mergeHour(HOUR, rollup(HOUR.plusSeconds(3600), "US"), List.of(), true, "q"));
        assertNotEquals(HOUR, HOUR.plusSeconds(3600));
    }

    static List<List<Object>> rows(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            ResultSetMetaData md = r.getMetaData();
            List<List<Object>> out = new ArrayList<>();
            while (r.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.add(r.getObject(i));
                }
                out.add(row);
            }
            return out;
        }
    }
}
