package io.tributary.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.tributary.batch.BatchSettings;
import io.tributary.batch.Batcher;
import io.tributary.batch.LakeLayout;
import io.tributary.batch.SealedBatch;
import io.tributary.event.EventContract;
import io.tributary.event.EventPolicy;
import io.tributary.event.EventProcessor;
import io.tributary.event.HostileInputs;
import io.tributary.event.Zone;
import io.tributary.local.AthenaStandIn;
import io.tributary.local.CuratedZone;
import io.tributary.local.GlueStandIn;
import io.tributary.local.RedshiftStandIn;
import io.tributary.local.StandInProcess;
import io.tributary.local.StandIns;
import io.tributary.warehouse.HourlyRollup;
import io.tributary.warehouse.MergeLoader;
import io.tributary.warehouse.MinuteCount;
import io.tributary.warehouse.SqlDialect;
import io.tributary.warehouse.TopCategory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The second half of the generated-input property (the first is {@code GeneratedInputPropertyTest}): what the ingest core
 * accepts from hostile input, every later stage accepts. Every raw line the core produced from the first
 * {@value #INPUTS} seeded inputs is written to the S3 stand-in as the consumer writes it, the real Glue job curates the
 * hour in the Glue stand-in and must reject none of it, and the curated rows, aggregated by minute and by hour, load into
 * the Redshift stand-in (which, like Redshift, counts VARCHAR lengths in bytes).
 */
class GeneratedInputDownstreamIT {

    static final int INPUTS = 20_000;
    static final long SEED = Long.getLong("tributary.property.seed", 20261201L);
    static final Instant ARRIVAL = Instant.parse("2025-12-01T00:15:00Z");
    static final String HOUR = "2025-12-01-00";
    static final String RAW = "raw-generated";
    static final String CURATED = "curated-generated";

    static Path basedir;
    static StandInProcess s3proxy;
    static GlueStandIn glue;
    static CuratedZone zone;

    @BeforeAll
    static void standIns() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "generated-downstream").toAbsolutePath());
        basedir = Files.createTempDirectory("tributary-generated-s3-");
        s3proxy = StandIns.s3proxy(basedir, work);
        try (S3Client s3 = StandIns.s3Client(s3proxy.endpoint())) {
            StandIns.createBucket(s3, RAW);
            StandIns.createBucket(s3, CURATED);
        }
        glue = GlueStandIn.start(GlueStandIn.DEFAULT_JOB, s3proxy.endpoint(), work, "1g");
        zone = new CuratedZone(glue, basedir, RAW, CURATED);
    }

    @AfterAll
    static void stop() {
        glue.close();
        s3proxy.close();
    }

    @Test
    void whatTheIngestCoreAcceptsTheGlueJobCuratesAndRedshiftLoads() throws Exception {
        long t0 = System.nanoTime();
        EventProcessor processor = new EventProcessor(EventContract.load(), EventPolicy.defaults());
        Batcher batcher = new Batcher(new BatchSettings(10_000, 5L << 20, Duration.ofSeconds(60), 6),
                new LakeLayout(RAW, "raw/events", "errors-generated", "errors/events"));
        HostileInputs.Ingested run = HostileInputs.ingest(SEED, INPUTS, processor, batcher, ARRIVAL);
        int rawLines = 0;
        try (S3Client s3 = StandIns.s3Client(s3proxy.endpoint())) {
            for (SealedBatch b : run.sealed()) {
                if (b.zone() == Zone.RAW) {
                    s3.putObject(r -> r.bucket(b.bucket()).key(b.key()), RequestBody.fromBytes(b.body()));
                    rawLines += b.records();
                }
            }
        }
        assertTrue(rawLines > 1_000, "enough accepted lines to say something: " + rawLines);

        JsonNode summary = curate();
        assertEquals("SUCCEEDED", summary.path("status").asText(), summary.toString());
        assertEquals(rawLines, summary.path("rows_read").asInt(), summary.toString());
        assertEquals(0, summary.path("rejected").path("total").asInt(),
                "the Glue job rejected lines the ingest core accepted: " + summary.path("rejected"));
        assertEquals(rawLines, summary.path("rows_valid").asInt());
        // generated ids repeat (e.g. the same long string as event_id): those are deduplicated, nothing else is dropped
        assertEquals(rawLines - summary.path("duplicates").path("total").asInt(), summary.path("rows_written").asInt(),
                summary.toString());

        int loaded = loadIntoRedshift(zone.relation());
        System.out.printf("FIGURE generated inputs downstream: %,d inputs (seed %d) → %,d raw lines → %,d curated rows, 0 rejected by Glue, %,d rows loaded into the Redshift stand-in, %.1f s%n",
                INPUTS, SEED, rawLines, summary.path("rows_written").asInt(), loaded, (System.nanoTime() - t0) / 1e9);
    }

    /** Runs the real job on the hour in the Glue stand-in and returns its run summary. */
    static JsonNode curate() {
        return zone.curate(List.of(HOUR)).get(HOUR);
    }

    /**
     * Aggregates the curated rows as the rollup does (by minute and by event hour, per event type, country and device type;
     * top categories per hour and event type) and merges them with the application's loader. Returns the rows loaded.
     */
    static int loadIntoRedshift(String from) throws Exception {
        List<MinuteCount> minutes = new ArrayList<>();
        Map<Instant, List<HourlyRollup>> rollup = new TreeMap<>();
        Map<Instant, List<TopCategory>> top = new TreeMap<>();
        String hour = "(CAST(event_date AS TIMESTAMP) + to_hours(CAST(event_hour AS INTEGER)))";
        String dims = "event_type, coalesce(country, 'unknown') AS country, coalesce(device_type, 'unknown') AS device_type";
        try (Connection c = AthenaStandIn.duckdb(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT date_trunc('minute', event_time) AS m, " + dims + ", count(*) FROM " + from + " GROUP BY ALL")) {
                while (rs.next()) {
                    minutes.add(new MinuteCount(instant(rs, 1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), "downstream"));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT " + hour + " AS h, " + dims + ", count(*), count(DISTINCT user_id),"
                    + " count(DISTINCT session_id), mode(category) FROM " + from + " GROUP BY ALL")) {
                while (rs.next()) {
                    HourlyRollup r = new HourlyRollup(instant(rs, 1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getString(8));
                    rollup.computeIfAbsent(r.windowStart(), k -> new ArrayList<>()).add(r);
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT h, event_type, category, rank, n, users FROM (SELECT *, row_number()"
                    + " OVER (PARTITION BY h, event_type ORDER BY n DESC, category) AS rank FROM (SELECT " + hour + " AS h,"
                    + " event_type, category, count(*) AS n, count(DISTINCT user_id) AS users FROM " + from
                    + " WHERE category IS NOT NULL GROUP BY 1, 2, 3)) WHERE rank <= 5")) {
                while (rs.next()) {
                    TopCategory t = new TopCategory(instant(rs, 1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getLong(5),
                            rs.getLong(6));
                    top.computeIfAbsent(t.windowStart(), k -> new ArrayList<>()).add(t);
                }
            }
        }
        RedshiftStandIn standIn = RedshiftStandIn.get();
        String database = standIn.createMigratedDatabase("generated");
        try {
            DataSource ds = standIn.dataSource(database);
            MergeLoader loader = new MergeLoader(ds, SqlDialect.POSTGRESQL, 500);
            loader.mergeMinutes(minutes);
            Set<Instant> hours = new HashSet<>(rollup.keySet());
            hours.addAll(top.keySet());
            for (Instant h : hours) {
                loader.mergeHour(h, rollup.getOrDefault(h, List.of()), top.getOrDefault(h, List.of()), true, "generated-inputs");
            }
            int rows = count(ds, "analytics.minute_counts") + count(ds, "analytics.hourly_rollup")
                    + count(ds, "analytics.hourly_top_categories");
            assertEquals(minutes.size() + rollup.values().stream().mapToInt(List::size).sum()
                    + top.values().stream().mapToInt(List::size).sum(), rows, "every aggregate row is in the warehouse");
            return rows;
        } finally {
            standIn.dropDatabase(database);
        }
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, java.time.LocalDateTime.class).toInstant(java.time.ZoneOffset.UTC);
    }

    static int count(DataSource ds, String table) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
