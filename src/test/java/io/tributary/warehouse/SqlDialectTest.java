package io.tributary.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class SqlDialectTest {

    static final String DDL = "CREATE TABLE t (a INT) /*redshift: DISTKEY (a)\n SORTKEY (a) */ /*postgresql: WITH (fillfactor = 90) */;";

    @Test
    void redshiftKeepsItsMarkedClausesAndDropsPostgresqlOnes() {
        assertEquals("CREATE TABLE t (a INT) DISTKEY (a)\n SORTKEY (a) ;", SqlDialect.REDSHIFT.render(DDL));
    }

    @Test
    void postgresqlKeepsItsMarkedClausesAndDropsRedshiftOnes() {
        assertEquals("CREATE TABLE t (a INT)  WITH (fillfactor = 90);", SqlDialect.POSTGRESQL.render(DDL));
    }

    @Test
    void unknownDialectFailsNamingTheProperty() {
        var e = assertThrows(IllegalArgumentException.class, () -> SqlDialect.of("mysql"));
        assertTrue(e.getMessage().contains("tributary.redshift.dialect"));
        assertEquals(SqlDialect.POSTGRESQL, SqlDialect.of(" PostgreSQL "));
    }

    @Test
    void scriptsSplitOnLineEndSemicolonsAndDropCommentLines() {
        List<String> statements = SqlScript.statements("-- a comment; with a semicolon;\nSELECT 1;\nSELECT\n  2 /*redshift: + 0 */;\n", SqlDialect.POSTGRESQL);
        assertEquals(List.of("SELECT 1", "SELECT\n  2"), statements);
    }

    @Test
    void everyShippedScriptRendersWithoutMarkersForBothDialects() {
        for (String file : List.of("bootstrap.sql", "V1__analytics_tables.sql", "load/hourly_rollup.sql",
                "load/hourly_top_categories.sql", "load/minute_counts.sql", "load/minute_counts_final.sql")) {
            String sql = SqlScript.compose(SqlScript.resource("sql/redshift/" + file));
            for (SqlDialect d : SqlDialect.values()) {
                String rendered = d.render(sql);
                assertFalse(rendered.contains("/*redshift:") || rendered.contains("/*postgresql:"), file + " " + d);
            }
            assertTrue(SqlDialect.REDSHIFT.render(sql).length() >= SqlDialect.POSTGRESQL.render(sql).length(), file);
        }
        assertTrue(SqlDialect.REDSHIFT.render(SqlScript.resource("sql/redshift/V1__analytics_tables.sql")).contains("DISTKEY (window_start)"));
    }

    /**
     * Each MERGE lives once, in sql/redshift/merge/: the JDBC loads include it (their own text holds no MERGE) and run it
     * verbatim. terraform/test/state-machine.test.mjs holds the Step Functions load to the same files.
     */
    @Test
    void theJdbcLoadsRunTheSharedMergeFilesAndHoldNoMergeOfTheirOwn() {
        for (String table : List.of("hourly_rollup", "hourly_top_categories", "minute_counts_final")) {
            String load = SqlScript.resource("sql/redshift/load/" + table + ".sql");
            assertFalse(load.contains("MERGE INTO"), "load/" + table + ".sql repeats a MERGE");
            List<String> merge = SqlScript.statements(SqlScript.resource(SqlScript.MERGE_DIR + table + ".sql"), SqlDialect.REDSHIFT);
            assertEquals(1, merge.size(), table);
            assertTrue(merge.get(0).startsWith("MERGE INTO analytics."), table);
            List<String> composed = SqlScript.statements(SqlScript.compose(load), SqlDialect.REDSHIFT);
            assertEquals(1, composed.stream().filter(merge.get(0)::equals).count(), "load/" + table + ".sql runs merge/" + table + ".sql");
        }
    }

    @Test
    void anIncludeThatIsNotAWholeLineMergeIsRefused() {
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> SqlScript.compose("SELECT '${arrival_hour}';\n"));
        assertTrue(e.getMessage().contains("${arrival_hour}"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> SqlScript.compose("${merge_nothing_here}\n"));
    }
}
