package io.tributary.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.junit.jupiter.api.Test;

class ReadOnlySqlTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT 1", "select count(*) from events;", "  -- a comment\nWITH t AS (SELECT 1 AS x) SELECT x FROM t",
            "/* c */ SELECT 'DROP TABLE x; DELETE' AS s", "SELECT \"delete\", \"update\" FROM events", "(SELECT 1) UNION ALL (SELECT 2)"})
    void readOnlyQueriesPass(String sql) throws Exception {
        ReadOnlySql.check(sql, 10_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "DROP TABLE events", "CREATE TABLE x AS SELECT 1", "INSERT INTO events SELECT * FROM events", "ALTER TABLE events ADD COLUMNS (x int)",
            "DELETE FROM events", "UNLOAD (SELECT 1) TO 's3://b/' WITH (format = 'PARQUET')", "MSCK REPAIR TABLE events",
            "SELECT 1; DROP TABLE events", "WITH t AS (SELECT 1) INSERT INTO x SELECT * FROM t", "SHOW TABLES", "DESCRIBE events",
            "/* SELECT */ DROP TABLE events", "-- SELECT\nDROP TABLE events", "EXPLAIN SELECT 1", "", "   ", "-- only a comment"})
    void everythingElseIsRejectedWithAReason(String sql) {
        ReadOnlySql.Rejected r = assertThrows(ReadOnlySql.Rejected.class, () -> ReadOnlySql.check(sql, 10_000));
        assertTrue(r.getMessage().length() > 10, r.getMessage());
    }

    @Test
    void commentsAndTheTrailingSemicolonAreStrippedFromWhatRuns() throws Exception {
        assertEquals("SELECT 1", ReadOnlySql.check("-- why\nSELECT 1 /* one */;", 100).replaceAll("\\s+", " ").strip());
        assertEquals("SELECT '--not a comment'", ReadOnlySql.check("SELECT '--not a comment'", 100));
    }

    @Test
    void tooLongIsRejected() {
        assertThrows(ReadOnlySql.Rejected.class, () -> ReadOnlySql.check("SELECT " + "1,".repeat(100) + "1", 50));
    }
}
