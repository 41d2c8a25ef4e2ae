package io.tributary.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.tributary.local.RedshiftStandIn;

/**
 * Real-time minute counts from several consumers and restarts add up in Redshift (the stand-in): each durable raw batch
 * is its own part, the window's provisional count is the sum of its parts, a batch written again with the same cut
 * replaces its part, and the hourly rollup's final count wins and clears the parts.
 */
class MinutePartsLoadTest {

    static final Instant MINUTE = Instant.parse("2024-06-01T10:07:00Z");
    static RedshiftStandIn standIn;
    static String database;
    static DataSource redshift;

    @BeforeAll
    static void start() throws SQLException {
        standIn = RedshiftStandIn.get();
        database = standIn.createMigratedDatabase("rs_minute_parts");
        redshift = standIn.dataSource(database);
    }

    @AfterAll
    static void drop() {
        standIn.dropDatabase(database);
    }

    static MergeLoader loader() {
        return new MergeLoader(redshift, SqlDialect.POSTGRESQL, 100);
    }

    static MinuteCount part(String type, long n, String part) {
        return new MinuteCount(MINUTE, type, "DE", "mobile", n, part);
    }

    static String counts(String type) throws SQLException {
        try (Connection c = redshift.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT events, provisional FROM analytics.minute_counts WHERE event_type = '" + type + "'")) {
            return rs.next() ? rs.getLong(1) + (rs.getBoolean(2) ? " provisional" : " final") : "none";
        }
    }

    static long parts(String type) throws SQLException {
        try (Connection c = redshift.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM analytics.minute_count_parts WHERE event_type = '" + type + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The stand-in's data source, with commits held back: a consumer whose flush is slow to commit. */
    static DataSource slowToCommit(Duration delay) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (ds, m, args) -> {
            Object result = invoke(redshift, m, args);
            if (!(result instanceof Connection c)) {
                return result;
            }
            return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (conn, cm, cargs) -> {
                if (cm.getName().equals("commit")) {
                    Thread.sleep(delay.toMillis());
                }
                return invoke(c, cm, cargs);
            });
        });
    }

    static Object invoke(Object target, Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Test
    void threeConsumersFlushingConcurrentlyAddUpAndAReplayWithTheSameCutReplacesItsPart() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            // consumer 0's flush has done its work and waits to commit while the other two flush the same window: each
            // sum must still see every part (the flushes serialise on the parts table's lock)
            Future<?> slow = pool.submit(() -> {
                new MergeLoader(slowToCommit(Duration.ofMillis(1500)), SqlDialect.POSTGRESQL, 100)
                        .mergeMinutes(List.of(part("view", 5, "shardId-000000000000-1-9.json.gz")));
                return null;
            });
            Thread.sleep(500);
            List<Future<?>> flushes = List.of(slow,
                    pool.submit(() -> flush(List.of(part("view", 7, "shardId-000000000001-1-7.json.gz")))),
                    pool.submit(() -> flush(List.of(part("view", 11, "shardId-000000000002-3-40.json.gz")))));
            for (Future<?> f : flushes) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals("23 provisional", counts("view"), "every consumer's count is in the sum");
        // consumer 0 restarts, reads its shard again from the checkpoint and cuts the batch the same way
        flush(List.of(part("view", 5, "shardId-000000000000-1-9.json.gz")));
        assertEquals("23 provisional", counts("view"), "the replayed batch replaced its own part");
        // a late batch of the same minute adds to it
        flush(List.of(part("view", 2, "shardId-000000000001-8-9.json.gz")));
        assertEquals("25 provisional", counts("view"));
        assertEquals(4, parts("view"));

        // the hourly rollup makes the minute exact; real-time parts that come later never overwrite it, and go
        loader().mergeHour(Instant.parse("2024-06-01T10:00:00Z"), List.of(), List.of(),
                List.of(new MinuteCount(MINUTE, "view", "DE", "mobile", 24)), true, "q-final");
        assertEquals("24 final", counts("view"));
        flush(List.of(part("view", 3, "shardId-000000000002-41-50.json.gz")));
        assertEquals("24 final", counts("view"));
        assertEquals(0, parts("view"), "parts of a final minute are removed");
        assertThrows(IllegalArgumentException.class, () -> loader().mergeMinutes(List.of(new MinuteCount(MINUTE, "view", "DE", "mobile", 1))),
                "a real-time count without its part is refused");
    }

    /** One consumer's flush; concurrent flushes may meet Redshift's serializable isolation and are retried, as the
     *  flush route retries a failed MERGE with its next flush. */
    static void flush(List<MinuteCount> rows) {
        for (int attempt = 1; ; attempt++) {
            try {
                loader().mergeMinutes(rows);
                return;
            } catch (SQLException e) {
                if (attempt == 5) {
                    throw new AssertionError(e);
                }
            }
        }
    }
}
