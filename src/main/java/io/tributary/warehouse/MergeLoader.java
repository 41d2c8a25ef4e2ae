package io.tributary.warehouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import javax.sql.DataSource;

import org.jboss.logging.Logger;

/**
 * Idempotent loads into the analytics tables: each load fills a temp stage table with batched bound inserts, MERGEs it
 * into the target keyed by window and dimensions, and (for hourly loads) removes the hour's rows the load did not
 * touch, all in one transaction. Loading the same rows again leaves the same rows (only loaded_at moves).
 * Statements come from sql/redshift/load/*.sql, their MERGE included from sql/redshift/merge/ (the files the Step Functions
 * load runs too, {@link SqlScript#compose}); the statement that inserts into the stage takes the rows, any other
 * statement with parameters takes (window start, loaded_at) of the load.
 */
public final class MergeLoader {

    private static final Logger LOG = Logger.getLogger(MergeLoader.class);
    public static final String ROLLUP_SOURCE = "athena-rollup";

    private final DataSource dataSource;
    private final int batchSize;
    private final List<String> hourlyRollup;
    private final List<String> topCategories;
    private final List<String> minuteCounts;
    private final List<String> minuteCountsFinal;

    public MergeLoader(DataSource dataSource, SqlDialect dialect, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("tributary.redshift.stage-batch-size must be at least 1, not " + batchSize);
        }
        this.dataSource = dataSource;
        this.batchSize = batchSize;
        this.hourlyRollup = SqlScript.statements(SqlScript.compose(SqlScript.resource("sql/redshift/load/hourly_rollup.sql")), dialect);
        this.topCategories = SqlScript.statements(SqlScript.compose(SqlScript.resource("sql/redshift/load/hourly_top_categories.sql")), dialect);
        this.minuteCounts = SqlScript.statements(SqlScript.compose(SqlScript.resource("sql/redshift/load/minute_counts.sql")), dialect);
        this.minuteCountsFinal = SqlScript.statements(SqlScript.compose(SqlScript.resource("sql/redshift/load/minute_counts_final.sql")), dialect);
    }

    /** A row's values in the order of its stage insert. */
    private interface Binder<T> {
        void bind(PreparedStatement p, T row) throws SQLException;
    }

    /**
     * Replaces one hour of hourly_rollup and hourly_top_categories with the given rows (every row must be of that
     * hour), in one transaction. {@code sourceRef} records where the rows came from (the Athena query execution id).
     */
    public void mergeHour(Instant hour, List<HourlyRollup> rollup, List<TopCategory> top, boolean isFinal, String sourceRef)
            throws SQLException {
        mergeHour(hour, rollup, top, null, isFinal, sourceRef);
    }

    /**
     * As {@link #mergeHour(Instant, List, List, boolean, String)}, and when {@code finalMinutes} is not null also replaces
     * the hour's minute_counts with these exact counts (provisional = false), in the same transaction.
     */
    public void mergeHour(Instant hour, List<HourlyRollup> rollup, List<TopCategory> top, List<MinuteCount> finalMinutes,
                          boolean isFinal, String sourceRef) throws SQLException {
        Windows.check(hour, ChronoUnit.HOURS);
        if (finalMinutes != null) {
            for (MinuteCount m : finalMinutes) {
                requireHour(hour, m.minuteStart().truncatedTo(ChronoUnit.HOURS));
            }
        }
        java.util.Set<List<String>> keys = new java.util.HashSet<>();
        for (HourlyRollup r : rollup) {
            requireHour(hour, r.windowStart());
            if (!keys.add(List.of(r.eventType(), r.country(), r.deviceType()))) {
                throw new IllegalArgumentException("two rollup rows for " + hour + " " + r.eventType() + "/" + r.country() + "/" + r.deviceType());
            }
        }
        for (TopCategory t : top) {
            requireHour(hour, t.windowStart());
        }
        Timestamp loadedAt = loadTime();
        Timestamp window = Timestamp.from(hour);
        inTransaction(c -> {
            run(c, hourlyRollup, rollup, window, loadedAt, (p, r) -> {
                p.setTimestamp(1, Timestamp.from(r.windowStart()), SchemaMigrator.utc());
                p.setString(2, r.eventType());
                p.setString(3, r.country());
                p.setString(4, r.deviceType());
                p.setLong(5, r.events());
                p.setLong(6, r.distinctUsers());
                p.setLong(7, r.distinctSessions());
                setNullableString(p, 8, r.topCategory());
                p.setBoolean(9, isFinal);
                p.setString(10, ROLLUP_SOURCE);
                setNullableString(p, 11, sourceRef);
                p.setTimestamp(12, loadedAt, SchemaMigrator.utc());
            });
            run(c, topCategories, top, window, loadedAt, (p, t) -> {
                p.setTimestamp(1, Timestamp.from(t.windowStart()), SchemaMigrator.utc());
                p.setString(2, t.eventType());
                p.setString(3, t.category());
                p.setInt(4, t.rank());
                p.setLong(5, t.events());
                p.setLong(6, t.distinctUsers());
                setNullableString(p, 7, sourceRef);
                p.setTimestamp(8, loadedAt, SchemaMigrator.utc());
            });
            if (finalMinutes != null) {
                run(c, minuteCountsFinal, finalMinutes, window, loadedAt, MergeLoader::bindMinute, false);
            }
        });
        LOG.debugf("Merged hour %s: %d rollup rows, %d top categories (%s)", hour, rollup.size(), top.size(), sourceRef);
    }

    /**
     * Merges the minute counts of durable raw batches as parts (one per window and batch) and sets each touched window's
     * provisional count to the sum of its parts, in one transaction (sql/redshift/load/minute_counts.sql). A part given
     * twice keeps its last count (MERGE may not touch a target row twice).
     */
    public void mergeMinutes(List<MinuteCount> parts) throws SQLException {
        if (parts.isEmpty()) {
            return;
        }
        java.util.Map<List<Object>, MinuteCount> last = new java.util.LinkedHashMap<>();
        for (MinuteCount m : parts) {
            if (m.part() == null) {
                throw new IllegalArgumentException("a real-time minute count needs its part (the batch's object key): " + m);
            }
            last.put(List.of(m.minuteStart(), m.eventType(), m.country(), m.deviceType(), m.part()), m);
        }
        List<MinuteCount> rows = List.copyOf(last.values());
        Timestamp loadedAt = loadTime();
        inTransaction(c -> run(c, minuteCounts, rows, null, loadedAt, (p, m) -> {
            p.setTimestamp(1, Timestamp.from(m.minuteStart()), SchemaMigrator.utc());
            p.setString(2, m.eventType());
            p.setString(3, m.country());
            p.setString(4, m.deviceType());
            p.setString(5, m.part());
            p.setLong(6, m.events());
            p.setTimestamp(7, loadedAt, SchemaMigrator.utc());
        }));
    }

    private static void bindMinute(PreparedStatement p, MinuteCount m, Timestamp loadedAt, boolean provisional) throws SQLException {
        p.setTimestamp(1, Timestamp.from(m.minuteStart()), SchemaMigrator.utc());
        p.setString(2, m.eventType());
        p.setString(3, m.country());
        p.setString(4, m.deviceType());
        p.setLong(5, m.events());
        p.setBoolean(6, provisional);
        p.setTimestamp(7, loadedAt, SchemaMigrator.utc());
    }

    /** Binds a minute row with the load's loaded_at and provisional flag. */
    private interface MinuteBinder {
        void bind(PreparedStatement p, MinuteCount m, Timestamp loadedAt, boolean provisional) throws SQLException;
    }

    private void run(Connection c, List<String> statements, List<MinuteCount> rows, Timestamp window, Timestamp loadedAt,
                     MinuteBinder binder, boolean provisional) throws SQLException {
        run(c, statements, rows, window, loadedAt, (p, m) -> binder.bind(p, m, loadedAt, provisional));
    }

    private <T> void run(Connection c, List<String> statements, List<T> rows, Timestamp window, Timestamp loadedAt,
                         Binder<T> binder) throws SQLException {
        for (String sql : statements) {
            if (sql.startsWith("INSERT INTO stage_")) {
                stage(c, sql, rows, binder);
            } else if (sql.indexOf('?') >= 0) {
                // two parameters: (window start, loaded_at); three: (window start, window end = start + 1 hour, loaded_at)
                try (PreparedStatement p = c.prepareStatement(sql)) {
                    int i = 1;
                    p.setTimestamp(i++, window, SchemaMigrator.utc());
                    if (sql.chars().filter(ch -> ch == '?').count() == 3) {
                        p.setTimestamp(i++, Timestamp.from(window.toInstant().plus(1, ChronoUnit.HOURS)), SchemaMigrator.utc());
                    }
                    p.setTimestamp(i, loadedAt, SchemaMigrator.utc());
                    p.executeUpdate();
                }
            } else {
                try (Statement s = c.createStatement()) {
                    s.execute(sql);
                }
            }
        }
    }

    private <T> void stage(Connection c, String sql, List<T> rows, Binder<T> binder) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            int pending = 0;
            for (T row : rows) {
                binder.bind(p, row);
                p.addBatch();
                if (++pending == batchSize) {
                    p.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                p.executeBatch();
            }
        }
    }

    private interface Work {
        void run(Connection c) throws SQLException;
    }

    private void inTransaction(Work work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    private static void requireHour(Instant hour, Instant window) {
        if (!hour.equals(window)) {
            throw new IllegalArgumentException("row of window " + window + " in the load of hour " + hour);
        }
    }

    private static void setNullableString(PreparedStatement p, int i, String v) throws SQLException {
        if (v == null) {
            p.setNull(i, Types.VARCHAR);
        } else {
            p.setString(i, v);
        }
    }

    /** Microseconds: what both Redshift and PostgreSQL TIMESTAMP keep, so the stale-row test compares equal values. */
    private static Timestamp loadTime() {
        return Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MICROS));
    }
}
