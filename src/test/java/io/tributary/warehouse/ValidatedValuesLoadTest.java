package io.tributary.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.tributary.analytics.MinuteWindows;
import io.tributary.analytics.RollupRows;
import io.tributary.event.EventContract;
import io.tributary.event.EventPolicy;
import io.tributary.event.EventProcessor;
import io.tributary.event.ReasonCode;
import io.tributary.event.RecordMeta;
import io.tributary.event.RoutedRecord;
import io.tributary.event.Zone;
import io.tributary.local.AthenaStandIn;
import io.tributary.local.RedshiftStandIn;

/**
 * What validation accepts, Redshift accepts: events with the longest multi-byte event_type and category the contract
 * allows go through the real ingest processing ({@link EventProcessor}), the real minute windows, and the real rollup
 * SQL (sql/athena/hourly_rollup.sql on DuckDB, as the Athena stand-in runs it), then through {@link MergeLoader} into
 * the Redshift stand-in, whose VARCHAR(n) counts bytes as Redshift's does. One byte more is rejected by validation, and
 * the same value handed to the loader fails it: the stand-in is strict.
 */
class ValidatedValuesLoadTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final EventProcessor PROCESSOR = new EventProcessor(EventContract.load(), EventPolicy.defaults());
    static final Instant EVENT_TIME = Instant.parse("2024-05-01T10:15:20Z");
    static final Instant ARRIVAL = EVENT_TIME.plusSeconds(40);
    static final Instant HOUR = EVENT_TIME.truncatedTo(ChronoUnit.HOURS);
    static final Instant MINUTE = EVENT_TIME.truncatedTo(ChronoUnit.MINUTES);

    /** 64 bytes each, the contract's max_bytes of event_type, in 2-, 3- and 4-byte characters (and as enrichment writes them). */
    static final List<String> EVENT_TYPES = List.of("é".repeat(32), "語".repeat(21) + "x", "😀".repeat(16),
            // 42 bytes as sent; enrichment lower-cases U+0130 to "i" + U+0307: 63 bytes written, still within 64
            "İ".repeat(21));
    /** 128 bytes each, the contract's max_bytes of data.category. */
    static final List<String> CATEGORIES = List.of("ü".repeat(64), "中".repeat(42) + "ab", "😀".repeat(32), "Ω".repeat(63) + "zz");

    static RedshiftStandIn standIn;
    static String database;
    static DataSource redshift;

    @BeforeAll
    static void start() throws SQLException {
        standIn = RedshiftStandIn.get();
        database = standIn.createMigratedDatabase("rs_bytes");
        redshift = standIn.dataSource(database);
    }

    @AfterAll
    static void drop() {
        standIn.dropDatabase(database);
    }

    static MergeLoader loader() {
        return new MergeLoader(redshift, SqlDialect.POSTGRESQL, 100);
    }

    static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    static byte[] event(int i, String eventType, String category, String country, String deviceType) throws Exception {
        ObjectNode e = JSON.createObjectNode();
        e.put("event_id", "bytes-" + i);
        e.put("timestamp", EVENT_TIME.toString());
        e.put("user_id", "user-" + i);
        e.put("event_type", eventType);
        ObjectNode data = e.putObject("data");
        data.put("category", category);
        data.put("session_id", "session-" + i);
        data.put("device_type", deviceType);
        data.putObject("location").put("country", country);
        return JSON.writeValueAsBytes(e);
    }

    static RoutedRecord process(int i, byte[] payload) {
        return PROCESSOR.process(payload, new RecordMeta("tributary-events", "shardId-000000000000", String.valueOf(1000 + i), ARRIVAL));
    }

    @Test
    void theLongestValuesValidationAcceptsLoadThroughTheMinuteAndHourlyLoads() throws Exception {
        assertTrue(EVENT_TYPES.stream().allMatch(t -> bytes(t.toLowerCase(Locale.ROOT)) <= 64 && bytes(t) <= 64), "test data");
        assertTrue(CATEGORIES.stream().allMatch(c -> bytes(c) == 128), "test data");
        List<RoutedRecord> raw = new ArrayList<>();
        int i = 0;
        for (String type : EVENT_TYPES) {
            for (String category : CATEGORIES) {
                i++;
                // device and country as producers send them: long, multi-byte, unrecognised; enrichment narrows them
                RoutedRecord r = process(i, event(i, type, category, i % 2 == 0 ? "Deutschland-ü".repeat(4) : "de",
                        i % 3 == 0 ? "Smart-Kühlschrank-" + "ü".repeat(100) : "iPad"));
                assertEquals(Zone.RAW, r.zone(), () -> new String(r.line(), StandardCharsets.UTF_8));
                raw.add(r);
            }
        }
        Set<String> writtenTypes = new TreeSet<>();
        for (RoutedRecord r : raw) {
            writtenTypes.add(JSON.readTree(r.line()).get("event_type").asText());
        }
        assertTrue(writtenTypes.contains("i̇".repeat(21)) && bytes("i̇".repeat(21)) == 63, "lower-cased İ: " + writtenTypes);

        // real-time path: the minute windows of the ingest core → provisional minute_counts
        MinuteWindows windows = new MinuteWindows(true, Duration.ofMinutes(5), () -> HOUR.plus(2, ChronoUnit.HOURS).toEpochMilli());
        Map<Object, long[]> tallies = new HashMap<>();
        raw.forEach(r -> tallies.computeIfAbsent(windows.keyOf(r.facts()), k -> new long[1])[0]++);
        windows.durable("raw/events/dt=2024-05-01/hour=10/shardId-0-1-9.json.gz", tallies);
        loader().mergeMinutes(windows.drain());
        assertEquals(writtenTypes, column("SELECT DISTINCT event_type FROM analytics.minute_counts WHERE provisional AND " + inHour("minute_start")));

        // hourly path: the rollup SQL over the curated rows → hourly_rollup, hourly_top_categories, final minute_counts
        List<RollupRows.Hour> hours = rollup(raw);
        assertEquals(List.of(HOUR), hours.stream().map(RollupRows.Hour::start).toList());
        RollupRows.Hour h = hours.get(0);
        loader().mergeHour(h.start(), h.rollup(), h.top(), h.minutes(), true, "q-bytes");

        assertEquals(writtenTypes, column("SELECT DISTINCT event_type FROM analytics.hourly_rollup WHERE " + inHour("window_start")));
        assertEquals(new TreeSet<>(CATEGORIES), column("SELECT DISTINCT category FROM analytics.hourly_top_categories WHERE " + inHour("window_start")));
        assertTrue(CATEGORIES.containsAll(column("SELECT DISTINCT top_category FROM analytics.hourly_rollup WHERE " + inHour("window_start"))));
        assertEquals(Set.of("DE", "unknown"), column("SELECT DISTINCT country FROM analytics.hourly_rollup WHERE " + inHour("window_start")));
        assertEquals(Set.of("tablet", "other"), column("SELECT DISTINCT device_type FROM analytics.hourly_rollup WHERE " + inHour("window_start")));
        assertEquals(Set.of(String.valueOf(raw.size())), column("SELECT CAST(sum(events) AS VARCHAR) FROM analytics.hourly_rollup WHERE " + inHour("window_start")));
        assertEquals(Set.of("false " + raw.size()), column("SELECT CAST(bool_or(provisional) AS VARCHAR) || ' ' || CAST(sum(events) AS VARCHAR) "
                + "FROM analytics.minute_counts WHERE " + inHour("minute_start")), "the rollup's exact minutes replaced the provisional ones");
    }

    @Test
    void oneByteMoreIsRejectedByValidationAndWouldHaveFailedTheLoad() throws Exception {
        String typeOver = "é".repeat(32) + "a"; // 65 bytes in 33 characters: PostgreSQL's varchar(64) would take it
        String lowerCasedOver = "İ".repeat(22); // 44 bytes as sent, 66 once lower-cased
        String categoryOver = "😀".repeat(32) + "a"; // 129 bytes
        assertEquals(ReasonCode.TOO_LONG, process(1, event(1, typeOver, "books", "de", "mobile")).reason());
        assertEquals(ReasonCode.TOO_LONG, process(2, event(2, lowerCasedOver, "books", "de", "mobile")).reason());
        assertEquals(ReasonCode.TOO_LONG, process(3, event(3, "click", categoryOver, "de", "mobile")).reason());

        Instant minute = MINUTE.plus(3, ChronoUnit.HOURS);
        Instant hour = minute.truncatedTo(ChronoUnit.HOURS);
        SQLException e = assertThrows(SQLException.class,
                () -> loader().mergeMinutes(List.of(new MinuteCount(minute, typeOver, "DE", "mobile", 1, "part-1"))));
        assertTooLong(64, e);
        e = assertThrows(SQLException.class, () -> loader().mergeMinutes(List.of(
                new MinuteCount(minute, lowerCasedOver.toLowerCase(Locale.ROOT), "DE", "mobile", 1, "part-1"))));
        assertTooLong(64, e);
        e = assertThrows(SQLException.class, () -> loader().mergeHour(hour,
                List.of(new HourlyRollup(hour, "click", "DE", "mobile", 1, 1, 1, categoryOver)),
                List.of(new TopCategory(hour, "click", categoryOver, 1, 1, 1)), true, "q-over"));
        assertTooLong(128, e);
        assertEquals(Set.of(), column("SELECT event_type FROM analytics.minute_counts WHERE minute_start >= TIMESTAMP '"
                + sqlTime(hour) + "' UNION ALL SELECT event_type FROM analytics.hourly_rollup WHERE window_start = TIMESTAMP '" + sqlTime(hour) + "'"));
    }

    static void assertTooLong(int n, SQLException e) {
        String messages = e.getMessage() + (e.getNextException() == null ? "" : " / " + e.getNextException().getMessage());
        assertTrue(messages.contains("value too long for type character varying(" + n + ")"), messages);
    }

    /** Runs sql/athena/hourly_rollup.sql for the arrival hour on DuckDB over the curated rows of these raw lines. */
    static List<RollupRows.Hour> rollup(List<RoutedRecord> raw) throws Exception {
        String arrivalHour = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH").format(ARRIVAL.atOffset(ZoneOffset.UTC));
        RollupRows rows = new RollupRows();
        try (Connection duckdb = AthenaStandIn.duckdb()) {
            try (Statement s = duckdb.createStatement()) {
                s.execute("CREATE TABLE events (event_id VARCHAR, event_type VARCHAR, user_id VARCHAR, event_time TIMESTAMP, "
                        + "ingest_time TIMESTAMP, time_flag VARCHAR, category VARCHAR, session_id VARCHAR, device_type VARCHAR, "
                        + "country VARCHAR, event_date VARCHAR, event_hour INTEGER, arrival_hour VARCHAR)");
            }
            try (PreparedStatement insert = duckdb.prepareStatement("INSERT INTO events VALUES (?, ?, ?, CAST(? AS TIMESTAMP), "
                    + "CAST(? AS TIMESTAMP), ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (RoutedRecord r : raw) {
                    JsonNode line = JSON.readTree(r.line());
                    int k = 1;
                    for (String column : List.of("event_id", "event_type", "user_id")) {
                        insert.setString(k++, line.get(column).asText());
                    }
                    insert.setString(k++, sqlTime(Instant.parse(line.get("event_time").asText())));
                    insert.setString(k++, sqlTime(Instant.parse(line.get("ingest_time").asText())));
                    for (String column : List.of("time_flag", "category", "session_id", "device_type", "country", "event_date")) {
                        insert.setString(k++, line.get(column).isNull() ? null : line.get(column).asText());
                    }
                    insert.setInt(k++, line.get("event_hour").asInt());
                    insert.setString(k, arrivalHour);
                    insert.executeUpdate();
                }
            }
            String sql = SqlScript.resource("sql/athena/hourly_rollup.sql").replace("${arrival_hour}", arrivalHour);
            try (Statement s = duckdb.createStatement(); ResultSet r = s.executeQuery(sql)) {
                ResultSetMetaData md = r.getMetaData();
                while (r.next()) {
                    Map<String, String> row = new HashMap<>();
                    for (int c = 1; c <= md.getColumnCount(); c++) {
                        row.put(md.getColumnLabel(c), r.getString(c));
                    }
                    rows.add(row);
                }
            }
        }
        return rows.hours();
    }

    /** This test's hour only: the other test of the class shares the database. */
    static String inHour(String column) {
        return column + " >= TIMESTAMP '" + sqlTime(HOUR) + "' AND " + column + " < TIMESTAMP '" + sqlTime(HOUR.plus(1, ChronoUnit.HOURS)) + "'";
    }

    static String sqlTime(Instant t) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").format(t.atOffset(ZoneOffset.UTC));
    }

    static Set<String> column(String sql) throws SQLException {
        Set<String> out = new TreeSet<>();
        for (List<Object> row : RedshiftStandInTest.rows(redshift, sql)) {
            out.add(String.valueOf(row.get(0)));
        }
        return out;
    }
}
