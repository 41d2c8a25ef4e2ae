package io.tributary.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.tributary.local.RedshiftStandIn;

/**
 * Benchmark-style: MERGE time into the Redshift stand-in for one hour of rollups and for 10,000 minute rows, through
 * the real Redshift driver. Prints the figures (lines starting with MERGE_BENCH); asserts row counts, never timings.
 * Run alone with {@code ./mvnw -B test -Dtest=MergeTimingTest}.
 */
class MergeTimingTest {

    static final List<String> TYPES = List.of("page_view", "click", "add_to_cart", "search", "purchase", "login", "logout", "share");
    static final List<String> DEVICES = List.of("desktop", "mobile", "tablet", "other", "unknown");
    static RedshiftStandIn standIn;
    static String database;

    @BeforeAll
    static void start() throws SQLException {
        standIn = RedshiftStandIn.get();
        database = standIn.createMigratedDatabase("rs_bench");
    }

    @AfterAll
    static void drop() {
        standIn.dropDatabase(database);
    }

    /** A DataSource handing out one open connection whose close() does nothing (the test closes it). */
    static DataSource keepOpen(java.sql.Connection c) {
        java.sql.Connection view = (java.sql.Connection) java.lang.reflect.Proxy.newProxyInstance(MergeTimingTest.class.getClassLoader(),
                new Class<?>[] {java.sql.Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    try {
                        return method.invoke(c, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return new DataSource() {
            public java.sql.Connection getConnection() {
                return view;
            }

            public java.sql.Connection getConnection(String u, String p) {
                return view;
            }

            public java.io.PrintWriter getLogWriter() {
                return null;
            }

            public void setLogWriter(java.io.PrintWriter out) {
            }

            public void setLoginTimeout(int seconds) {
            }

            public int getLoginTimeout() {
                return 0;
            }

            public java.util.logging.Logger getParentLogger() {
                return java.util.logging.Logger.getGlobal();
            }

            public <T> T unwrap(Class<T> iface) throws SQLException {
                throw new SQLException("not a wrapper");
            }

            public boolean isWrapperFor(Class<?> iface) {
                return false;
            }
        };
    }

    /** One hour: 8 event types x 60 countries x 5 device types = 2,400 groups, plus 8 x 8 top categories. */
    static List<HourlyRollup> hour(Instant hour, int salt) {
        List<HourlyRollup> rows = new ArrayList<>();
        for (String type : TYPES) {
            for (int c = 0; c < 60; c++) {
                for (String device : DEVICES) {
                    long n = 1000 + rows.size() * 7L + salt;
                    rows.add(new HourlyRollup(hour, type, "C" + c, device, n, n / 3, n / 2, "category_" + (c % 8)));
                }
            }
        }
        return rows;
    }

    static List<TopCategory> top(Instant hour) {
        List<TopCategory> rows = new ArrayList<>();
        for (String type : TYPES) {
            for (int r = 1; r <= 8; r++) {
                rows.add(new TopCategory(hour, type, "category_" + r, r, 1000 - r, 500 - r));
            }
        }
        return rows;
    }

    /** 10,000 closed minute windows: 60 minutes x 8 types x 7 countries x 3 devices, cut to 10,000. */
    static List<MinuteCount> minutes(Instant hour, int salt) {
        List<MinuteCount> rows = new ArrayList<>();
        for (int m = 0; m < 60 && rows.size() < 10_000; m++) {
            for (String type : TYPES) {
                for (int c = 0; c < 7; c++) {
                    for (int d = 0; d < 3 && rows.size() < 10_000; d++) {
                        rows.add(new MinuteCount(hour.plusSeconds(60L * m), type, "C" + c, DEVICES.get(d), 1 + rows.size() % 50 + salt,
                                "shardId-000000000000-1-100.json.gz"));
                    }
                }
            }
        }
        return rows;
    }

    @Test
    void mergeTimesForOneHourOfRollupsAndTenThousandMinuteRowsArePrinted() throws SQLException {
        for (boolean rewrite : List.of(false, true)) {
            Properties props = new Properties();
            props.setProperty("reWriteBatchedInserts", Boolean.toString(rewrite));
            // one connection kept open, as a pool would: the figures measure the load, not the driver's connection setup
            java.sql.Connection shared = standIn.connect(database, props);
            DataSource ds = keepOpen(shared);
            MergeLoader loader = new MergeLoader(ds, SqlDialect.POSTGRESQL, 1000);
            Instant h = Instant.parse(rewrite ? "2024-02-01T11:00:00Z" : "2024-02-01T10:00:00Z");
            List<HourlyRollup> rollup = hour(h, 0);
            List<MinuteCount> minutes = minutes(h, 0);
            assertEquals(10_000, minutes.size());
            long t0 = System.nanoTime();
            loader.mergeHour(h, rollup, top(h), true, "bench");
            long t1 = System.nanoTime();
            loader.mergeHour(h, hour(h, 1), top(h), true, "bench");
            long t2 = System.nanoTime();
            loader.mergeMinutes(minutes);
            long t3 = System.nanoTime();
            loader.mergeMinutes(minutes(h, 1));
            long t4 = System.nanoTime();
            System.out.printf("MERGE_BENCH reWriteBatchedInserts=%s hourly_rollup_rows=%d top_category_rows=%d insert_ms=%.1f rerun_update_ms=%.1f%n",
                    rewrite, rollup.size(), top(h).size(), (t1 - t0) / 1e6, (t2 - t1) / 1e6);
            System.out.printf("MERGE_BENCH reWriteBatchedInserts=%s minute_rows=%d insert_ms=%.1f rerun_update_ms=%.1f%n",
                    rewrite, minutes.size(), (t3 - t2) / 1e6, (t4 - t3) / 1e6);
            assertEquals(List.of(List.of((long) rollup.size())), RedshiftStandInTest.rows(ds,
                    "SELECT count(*) FROM analytics.hourly_rollup WHERE window_start = TIMESTAMP '" + h.toString().replace('T', ' ').replace("Z", "") + "'"));
            shared.close();
        }
        assertEquals(List.of(List.of(20_000L)), RedshiftStandInTest.rows(standIn.dataSource(database), "SELECT count(*) FROM analytics.minute_counts"));
    }
}
