package io.tributary.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The state machine's Data API load (load/athena_result.sql) repeats the MERGE statements of the application's JDBC loads,
 * because it stages rows from the Athena result in S3 instead of bound parameters. The MERGEs themselves must stay the
 * same statement, so the two load paths cannot drift apart.
 */
class DataApiLoadSqlTest {

    static final Map<String, String> JDBC_LOAD_BY_TABLE = Map.of(
            "analytics.hourly_rollup", "sql/redshift/load/hourly_rollup.sql",
            "analytics.hourly_top_categories", "sql/redshift/load/hourly_top_categories.sql",
            "analytics.minute_counts", "sql/redshift/load/minute_counts_final.sql");

    @Test
    void everyMergeOfTheDataApiLoadIsTheMergeOfTheApplicationsLoadForThatTable() {
        List<String> merges = merges("sql/redshift/load/athena_result.sql");
        assertEquals(JDBC_LOAD_BY_TABLE.size(), merges.size(), "one MERGE per warehouse table: " + merges);
        for (String merge : merges) {
            String table = merge.split("\\s+")[2];
            String jdbcLoad = JDBC_LOAD_BY_TABLE.get(table);
            assertEquals(List.of(merge), merges(jdbcLoad), "the MERGE into " + table + " differs from " + jdbcLoad);
        }
    }

    static List<String> merges(String resource) {
        return SqlScript.statements(SqlScript.resource(resource), SqlDialect.REDSHIFT).stream()
                .map(s -> s.strip().replaceAll("\\s+", " "))
                .filter(s -> s.startsWith("MERGE INTO "))
                .toList();
    }
}
