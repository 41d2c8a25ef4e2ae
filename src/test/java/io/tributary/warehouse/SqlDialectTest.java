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
                "load/hourly_top_categories.sql", "load/minute_counts.sql")) {
            String sql = SqlScript.resource("sql/redshift/" + file);
            for (SqlDialect d : SqlDialect.values()) {
                String rendered = d.render(sql);
                assertFalse(rendered.contains("/*redshift:") || rendered.contains("/*postgresql:"), file + " " + d);
            }
            assertTrue(SqlDialect.REDSHIFT.render(sql).length() >= SqlDialect.POSTGRESQL.render(sql).length(), file);
        }
        assertTrue(SqlDialect.REDSHIFT.render(SqlScript.resource("sql/redshift/V1__analytics_tables.sql")).contains("DISTKEY (window_start)"));
    }
}
