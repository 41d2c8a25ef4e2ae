package io.tributary.local;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every translation the Athena stand-in performs between Athena (Trino) and DuckDB, in one table. Keep project SQL to
 * what both run; when a query needs something new, add a row here and a case to AthenaDialectTest.
 * <ul>
 * <li>{@link #REWRITES}: text rewrites of the query, applied outside string literals.</li>
 * <li>{@link #MACROS}: Trino functions DuckDB lacks, defined as DuckDB macros of the same name (so string literals and
 *     nesting need no parsing).</li>
 * <li>{@link #SESSION}: per-query session settings that give Athena's semantics.</li>
 * <li>{@link #athenaType}: DuckDB result types reported under their Athena names.</li>
 * </ul>
 * Functions with the same name and meaning in both need no row: date_trunc, date_diff, hour, count_if, max_by, min_by,
 * arbitrary, cardinality, element_at, regexp_replace, split_part, strpos, coalesce, CAST/TRY_CAST, window functions.
 */
public final class AthenaDialect {

    /** A text rewrite: a pattern (case-insensitive) and its replacement. */
    public record Rewrite(String name, Pattern pattern, String replacement, String trinoExample, String duckdbExample) {
        String apply(String sql) {
            return pattern.matcher(sql).replaceAll(replacement);
        }
    }

    /** A Trino function defined in DuckDB as a macro. */
    public record Macro(String trino, String definition, String trinoExample, String expected) {
        String ddl() {
            return "CREATE OR REPLACE MACRO " + trino + " AS " + definition;
        }
    }

    /** A session setting and why. */
    public record Setting(String sql, String why) {
    }

    public static final List<Rewrite> REWRITES = List.of(
            // Athena's catalog is AwsDataCatalog; DuckDB's is the in-memory one, so drop the catalog part of a
            // three-part name: "awsdatacatalog"."db"."table" and AwsDataCatalog.db.table become db.table.
            new Rewrite("catalog qualifier",
                    Pattern.compile("(?i)(\"awsdatacatalog\"|\\bawsdatacatalog)\\s*\\.\\s*"), "",
                    "SELECT count(*) FROM \"AwsDataCatalog\".\"db\".\"events\"", "SELECT count(*) FROM \"db\".\"events\""));

    public static final List<Macro> MACROS = List.of(
            new Macro("approx_distinct(x)", "approx_count_distinct(x)",
                    "SELECT approx_distinct(i) FROM range(1000) t(i)", "approximately 1000 (HyperLogLog in both)"),
            new Macro("approx_percentile(x, p)", "approx_quantile(x, p)",
                    "SELECT approx_percentile(i, 0.5) FROM range(101) t(i)", "about 50"),
            new Macro("regexp_like(s, p)", "regexp_matches(s, p)",
                    "SELECT regexp_like('shop.example.com', 'example')", "true (partial match, as in Trino)"),
            new Macro("day_of_week(ts)", "isodow(ts)",
                    "SELECT day_of_week(DATE '2024-01-15')", "1 (ISO: Monday = 1 .. Sunday = 7)"),
            new Macro("day_of_year(ts)", "dayofyear(ts)",
                    "SELECT day_of_year(DATE '2024-02-01')", "32"),
            new Macro("from_iso8601_timestamp(s)", "CAST(s AS TIMESTAMPTZ)",
                    "SELECT from_iso8601_timestamp('2024-01-15T12:30:00+02:00')", "2024-01-15 10:30:00.000 UTC (offset applied)"),
            new Macro("from_unixtime(x)", "to_timestamp(x)",
                    "SELECT from_unixtime(1705314600)", "2024-01-15 10:30:00.000 UTC"),
            new Macro("to_unixtime(ts)", "epoch(ts)",
                    "SELECT to_unixtime(TIMESTAMP '2024-01-15 10:30:00')", "1.7053146E9 (seconds)"),
            // Trino's date_format takes MySQL specifiers: %i is minutes and %s seconds where strftime has %M and %S
            new Macro("date_format(ts, fmt)", "strftime(ts, replace(replace(fmt, '%i', '%M'), '%s', '%S'))",
                    "SELECT date_format(TIMESTAMP '2024-01-15 10:05:09', '%Y-%m-%d %H:%i:%s')", "2024-01-15 10:05:09"));

    public static final List<Setting> SESSION = List.of(
            new Setting("SET TimeZone = 'UTC'", "Athena works and renders in UTC; DuckDB would use the JVM's zone"),
            new Setting("SET search_path = '%s,main'",
                    "unqualified table names resolve in the QueryExecutionContext database (a DuckDB schema); main holds the macros"));

    private static final Pattern LITERAL = Pattern.compile("'(?:[^']|'')*'");

    private AthenaDialect() {
    }

    /** The query with every rewrite applied outside string literals. */
    public static String translate(String trino) {
        Matcher m = LITERAL.matcher(trino);
        StringBuilder out = new StringBuilder(trino.length());
        int last = 0;
        while (m.find()) {
            out.append(rewrite(trino.substring(last, m.start()))).append(m.group());
            last = m.end();
        }
        out.append(rewrite(trino.substring(last)));
        return out.toString();
    }

    private static String rewrite(String code) {
        for (Rewrite r : REWRITES) {
            code = r.apply(code);
        }
        return code;
    }

    /** The Athena name of a DuckDB result column type (ResultSetMetadata.ColumnInfo.Type). */
    public static String athenaType(String duckdbType) {
        String t = duckdbType.toUpperCase(Locale.ROOT);
        if (t.startsWith("DECIMAL")) {
            return "decimal";
        }
        if (t.endsWith("[]")) {
            return "array";
        }
        return switch (t) {
            case "VARCHAR" -> "varchar";
            case "BIGINT", "HUGEINT", "UBIGINT", "UINTEGER" -> "bigint"; // sum(bigint) is HUGEINT in DuckDB, bigint in Trino
            case "INTEGER", "USMALLINT" -> "integer";
            case "SMALLINT", "UTINYINT" -> "smallint";
            case "TINYINT" -> "tinyint";
            case "DOUBLE" -> "double";
            case "FLOAT" -> "real";
            case "BOOLEAN" -> "boolean";
            case "DATE" -> "date";
            case "TIMESTAMP", "TIMESTAMP_MS", "TIMESTAMP_NS", "TIMESTAMP_S" -> "timestamp";
            case "TIMESTAMP WITH TIME ZONE" -> "timestamp with time zone";
            default -> t.toLowerCase(Locale.ROOT);
        };
    }

    /** DuckDB type of a table-contract type, for the Glue catalog view. */
    public static String duckdbType(String contractType) {
        return switch (contractType) {
            case "string" -> "VARCHAR";
            case "int" -> "INTEGER";
            case "bigint", "long" -> "BIGINT";
            case "double" -> "DOUBLE";
            case "boolean" -> "BOOLEAN";
            case "timestamp" -> "TIMESTAMP";
            case "date" -> "DATE";
            default -> throw new IllegalArgumentException("table contract type '" + contractType + "' has no DuckDB mapping");
        };
    }
}
