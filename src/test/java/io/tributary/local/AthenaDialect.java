package io.tributary.local;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the Athena stand-in does between Athena (Trino) and DuckDB, in one place:
 * <ul>
 * <li>{@link #translate}: every statement is parsed by Trino's own parser and written out for DuckDB by
 *     {@link AthenaTranslator}, which refuses (NOT_SUPPORTED) any node or function it has not checked against Trino.</li>
 * <li>{@link #MACROS}: DuckDB macros with Trino's semantics that the translation calls (several overloaded by type).</li>
 * <li>{@link #SESSION}: per-query session settings that give Trino's semantics.</li>
 * <li>{@link #athenaType} and {@link #athenaText}: DuckDB results reported under Athena's type names and text forms.</li>
 * <li>{@link #athenaError}: DuckDB's errors reported as Trino's.</li>
 * </ul>
 * Each macro's example is run by AthenaStandInTest; its conformance table cites Trino's documentation per case.
 */
public final class AthenaDialect {

    /** A DuckDB macro: signature, body (further overloads follow as ", (args) AS body"), a Trino example and its result. */
    public record Macro(String trino, String definition, String trinoExample, String expected) {
        String ddl() {
            return "CREATE OR REPLACE MACRO " + trino + " AS " + definition;
        }
    }

    /** A session setting and why. */
    public record Setting(String sql, String why) {
    }

    private static final String NOT_SUPPORTED = "NOT_SUPPORTED: the Athena stand-in does not support ";

    public static final List<Macro> MACROS = List.of(
            new Macro("approx_distinct(x)", "approx_count_distinct(x)",
                    "SELECT approx_distinct(x) FROM UNNEST(sequence(1, 1000)) t(x)", "about 1000 (HyperLogLog in both)"),
            new Macro("approx_percentile(x, p)", "approx_quantile(x, p)",
                    "SELECT approx_percentile(x, 0.5) FROM UNNEST(sequence(0, 100)) t(x)", "about 50"),
            // from_iso8601_timestamp keeps the string's offset as the value's zone; DuckDB keeps none, so only
            // UTC ('Z' or no offset: the session zone) is answered
            new Macro("from_iso8601_timestamp(s)", "CASE WHEN regexp_matches(s, 'T.*[+-]\\d\\d(:?\\d\\d)?$') THEN error('"
                    + NOT_SUPPORTED + "from_iso8601_timestamp with an offset other than Z: ' || s) ELSE CAST(s AS TIMESTAMPTZ) END",
                    "SELECT from_iso8601_timestamp('2024-01-15T10:30:00.123Z')", "2024-01-15 10:30:00.123 UTC"),
            new Macro("athena_from_iso8601_date(s)", "CAST(s AS DATE)",
                    "SELECT from_iso8601_date('2024-01-15')", "2024-01-15"),
            new Macro("from_unixtime(x)", "to_timestamp(x)",
                    "SELECT from_unixtime(1705314600)", "2024-01-15 10:30:00.000 UTC"),
            new Macro("to_unixtime(ts)", "epoch(ts)",
                    "SELECT to_unixtime(TIMESTAMP '2024-01-15 10:30:00')", "1.7053146E9 (a double)"),
            new Macro("athena_to_iso8601(x)", "CASE typeof(x)"
                    + " WHEN 'DATE' THEN strftime(TRY_CAST(CAST(x AS VARCHAR) AS DATE), '%Y-%m-%d')"
                    + " WHEN 'TIMESTAMP' THEN strftime(TRY_CAST(CAST(x AS VARCHAR) AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S.%g')"
                    + " WHEN 'TIMESTAMP WITH TIME ZONE' THEN strftime(TRY_CAST(CAST(x AS VARCHAR) AS TIMESTAMPTZ), '%Y-%m-%dT%H:%M:%S.%gZ')"
                    + " ELSE error('FUNCTION_NOT_FOUND: Unexpected parameters for function to_iso8601: ' || typeof(x)) END",
                    "SELECT to_iso8601(TIMESTAMP '2024-01-15 10:05:09.123')", "2024-01-15T10:05:09.123"),
            // DuckDB's millisecond() counts the seconds too (5123 for :05.123)
            new Macro("athena_millisecond(x)", "millisecond(x) % 1000",
                    "SELECT millisecond(TIMESTAMP '2024-01-15 10:00:05.123')", "123"),
            // date_trunc of a date is a date in Trino, a timestamp in DuckDB: a date the translation sees (a literal, a
            // cast, current_date, ...) is truncated as a date; a date it cannot see (a column of a subquery) is refused
            new Macro("athena_date_trunc(u, x)", "CASE WHEN typeof(x) = 'DATE' THEN error('" + NOT_SUPPORTED
                    + "date_trunc of a date the translation cannot see is a date (Athena answers a date)') ELSE date_trunc(u, x) END",
                    "SELECT date_trunc('hour', TIMESTAMP '2024-01-15 10:30:00.000')", "2024-01-15 10:00:00.000"),
            new Macro("athena_date_trunc_date(u, x)", "CAST(date_trunc(u, x) AS DATE)",
                    "SELECT date_trunc('month', DATE '2024-01-15')", "2024-01-01"),
            new Macro("athena_add_unit(u, v, x)", "CASE lower(u)"
                    + " WHEN 'millisecond' THEN x + to_milliseconds(v) WHEN 'second' THEN x + to_seconds(v)"
                    + " WHEN 'minute' THEN x + to_minutes(v) WHEN 'hour' THEN x + to_hours(v) WHEN 'day' THEN x + to_days(CAST(v AS INTEGER))"
                    + " WHEN 'week' THEN x + to_weeks(CAST(v AS INTEGER)) WHEN 'month' THEN x + to_months(CAST(v AS INTEGER))"
                    + " WHEN 'quarter' THEN x + to_months(CAST(3 * v AS INTEGER)) WHEN 'year' THEN x + to_years(CAST(v AS INTEGER))"
                    + " ELSE error('INVALID_FUNCTION_ARGUMENT: ''' || u || ''' is not a valid Timestamp field') END",
                    "SELECT date_add('hour', 9, TIMESTAMP '2020-03-01 00:00:00')", "2020-03-01 09:00:00.000"),
            new Macro("athena_date_add(u, v, x)", "CASE WHEN typeof(x) = 'DATE' THEN error('" + NOT_SUPPORTED
                    + "date_add to a date the translation cannot see is a date (Athena answers a date)') ELSE athena_add_unit(u, v, x) END",
                    "SELECT date_add('hour', 9, TIMESTAMP '2020-03-01 00:00:00.000')", "2020-03-01 09:00:00.000"),
            new Macro("athena_date_add_date(u, v, x)", "CASE WHEN lower(u) IN ('day', 'week', 'month', 'quarter', 'year')"
                    + " THEN CAST(athena_add_unit(u, v, x) AS DATE)"
                    + " ELSE error('INVALID_FUNCTION_ARGUMENT: ''' || u || ''' is not a valid DATE field') END",
                    "SELECT date_add('day', -1, DATE '2020-03-01')", "2020-02-29"),
            // Trino counts whole units elapsed (Joda); DuckDB's date_diff counts boundaries crossed, date_sub whole units
            new Macro("athena_date_diff(u, a, b)", "date_sub(u, a, b)",
                    "SELECT date_diff('hour', TIMESTAMP '2024-01-15 10:59:00', TIMESTAMP '2024-01-15 11:01:00')", "0"),
            // Trino: NULL without a match; DuckDB: ''
            new Macro("athena_regexp_extract(s, p)", "CASE WHEN regexp_matches(s, p) THEN regexp_extract(s, p) END,"
                    + " (s, p, g) AS CASE WHEN regexp_matches(s, p) THEN regexp_extract(s, p, g) END",
                    "SELECT regexp_extract('shop', '\\d+')", "NULL"),
            // Trino: NULL past the last field and an error for an index below 1; DuckDB: ''
            new Macro("athena_split_part(s, d, i)", "CASE WHEN i < 1 THEN error('INVALID_FUNCTION_ARGUMENT: Index must be greater than zero')"
                    + " WHEN i > len(string_split(s, d)) THEN NULL ELSE split_part(s, d, i) END",
                    "SELECT split_part('a,b', ',', 3)", "NULL"),
            // Trino: '' from position 0; DuckDB: the whole string
            new Macro("athena_substr(s, st)", "CASE WHEN st = 0 THEN '' ELSE substr(s, st) END,"
                    + " (s, st, n) AS CASE WHEN st = 0 THEN '' ELSE substr(s, st, n) END",
                    "SELECT substr('hello', 0)", "''"),
            new Macro("athena_subscript(a, i)", "CASE WHEN i = 0 THEN error('INVALID_FUNCTION_ARGUMENT: SQL array indices start at 1')"
                    + " WHEN i < 0 THEN error('INVALID_FUNCTION_ARGUMENT: Array subscript is negative: ' || i)"
                    + " WHEN i > len(a) THEN error('INVALID_FUNCTION_ARGUMENT: Array subscript must be less than or equal to array length: '"
                    + " || i || ' > ' || len(a)) ELSE a[i] END",
                    "SELECT ARRAY[1, 2, 3][5]", "fails: Array subscript must be less than or equal to array length: 5 > 3"),
            new Macro("athena_element_at(a, i)", "CASE WHEN i = 0 THEN error('INVALID_FUNCTION_ARGUMENT: SQL array indices start at 1')"
                    + " WHEN abs(i) > len(a) THEN NULL ELSE a[i] END",
                    "SELECT element_at(ARRAY['a', 'b'], -1), element_at(ARRAY['a', 'b'], 5)", "b, NULL"),
            new Macro("athena_sequence_step(a, b, s)", "CASE"
                    + " WHEN s = 0 THEN error('INVALID_FUNCTION_ARGUMENT: step must not be zero')"
                    + " WHEN sign(b - a) * sign(s) < 0 THEN error('INVALID_FUNCTION_ARGUMENT: sequence stop value should be greater than or"
                    + " equal to start value if step is greater than zero otherwise stop should be less than or equal to start')"
                    + " WHEN (b - a) // s + 1 > 10000 THEN error('INVALID_FUNCTION_ARGUMENT: result of sequence function must not have more"
                    + " than 10000 entries') ELSE generate_series(a, b, s) END",
                    "SELECT sequence(1, 5, 2)", "[1, 3, 5]"),
            new Macro("athena_sequence(a, b)", "athena_sequence_step(a, b, 1), (a, b, s) AS athena_sequence_step(a, b, s)",
                    "SELECT sequence(1, 3)", "[1, 2, 3]"),
            new Macro("athena_array_position(a, x)", "CASE WHEN a IS NOT NULL THEN coalesce(list_position(a, x), 0) END",
                    "SELECT array_position(ARRAY['a', 'b'], 'c')", "0"),
            // Trino casts nothing to varchar implicitly: a varchar literal compares with a varchar only. Checked per row
            // (a typed macro would be chosen blindly, and cast, when the operand is an aggregate)
            new Macro("athena_varchar_operand(x)", "CASE WHEN typeof(x) NOT IN ('VARCHAR', 'NULL', '\"NULL\"')"
                    + " THEN error('TYPE_MISMATCH: Cannot apply operator: ' || lower(typeof(x)) || ' with varchar (Trino casts nothing"
                    + " to varchar implicitly)') ELSE x END",
                    "SELECT count(*) FROM events WHERE event_hour = '10'", "fails: TYPE_MISMATCH"),
            // integer / integer truncates (integer_division: DuckDB's / is // here); Trino divides decimals with its own
            // scale rules and a double by zero gives Infinity or NaN, so both are refused. One untyped macro: a CASE over
            // typed branches would widen the result type, and typed overloads are chosen blindly for aggregates
            new Macro("athena_divide(a, b)", "CASE WHEN (typeof(a) LIKE 'DECIMAL%' AND typeof(b) NOT IN ('DOUBLE', 'FLOAT'))"
                    + " OR (typeof(b) LIKE 'DECIMAL%' AND typeof(a) NOT IN ('DOUBLE', 'FLOAT'))"
                    + " THEN error('" + NOT_SUPPORTED + "division of decimals (Athena keeps the larger scale and rounds half up;"
                    + " cast an operand to double)')"
                    + " WHEN b = 0 AND (typeof(a) IN ('DOUBLE', 'FLOAT') OR typeof(b) IN ('DOUBLE', 'FLOAT'))"
                    + " THEN error('" + NOT_SUPPORTED + "division of a double by zero (Athena answers Infinity or NaN)')"
                    + " ELSE a // b END",
                    "SELECT 7 / 2, -7 / 2, 7e0 / 2", "3, -3, 3.5"),
            // Trino rounds a double half away from zero when casting to an integer type (DoubleOperators); DuckDB to even.
            // No typed overloads anywhere: DuckDB cannot choose among them when an argument is an aggregate
            new Macro("athena_to_integer(x)", "CASE WHEN typeof(x) IN ('DOUBLE', 'FLOAT')"
                    + " THEN CAST(round(TRY_CAST(CAST(x AS VARCHAR) AS DOUBLE)) AS INTEGER) ELSE CAST(x AS INTEGER) END",
                    "SELECT CAST(2.5e0 AS integer)", "3"),
            new Macro("athena_to_bigint(x)", "CASE WHEN typeof(x) IN ('DOUBLE', 'FLOAT')"
                    + " THEN CAST(round(TRY_CAST(CAST(x AS VARCHAR) AS DOUBLE)) AS BIGINT) ELSE CAST(x AS BIGINT) END",
                    "SELECT CAST(-2.5e0 AS bigint)", "-3"),
            new Macro("athena_to_smallint(x)", "CASE WHEN typeof(x) IN ('DOUBLE', 'FLOAT')"
                    + " THEN CAST(round(TRY_CAST(CAST(x AS VARCHAR) AS DOUBLE)) AS SMALLINT) ELSE CAST(x AS SMALLINT) END",
                    "SELECT CAST(2.5e0 AS smallint)", "3"),
            new Macro("athena_to_tinyint(x)", "CASE WHEN typeof(x) IN ('DOUBLE', 'FLOAT')"
                    + " THEN CAST(round(TRY_CAST(CAST(x AS VARCHAR) AS DOUBLE)) AS TINYINT) ELSE CAST(x AS TINYINT) END",
                    "SELECT CAST(2.5e0 AS tinyint)", "3"),
            new Macro("athena_sci_digits(sign, ip, fp, e)", "sign"
                    + " || left(rtrim(ltrim(ip || fp, '0'), '0'), 1) || '.'"
                    + " || CASE WHEN length(rtrim(ltrim(ip || fp, '0'), '0')) > 1 THEN substr(rtrim(ltrim(ip || fp, '0'), '0'), 2) ELSE '0' END"
                    + " || 'E' || CAST(CASE WHEN ltrim(ip, '0') <> '' THEN length(ltrim(ip, '0')) - 1 + e"
                    + " ELSE e - (length(fp) - length(ltrim(fp, '0')) + 1) END AS VARCHAR)",
                    "(used by CAST(double AS varchar))", ""),
            new Macro("athena_sci(sign, m, e)", "athena_sci_digits(sign, split_part(m, '.', 1), split_part(m, '.', 2), e)",
                    "(used by CAST(double AS varchar))", ""),
            // Trino's CAST(double AS varchar) is DecimalFormat("0.0###################E0") (DoubleOperators.castToVarchar),
            // made here from DuckDB's shortest round-trip text of the double
            new Macro("athena_double_text(s)", "CASE WHEN s IS NULL THEN NULL WHEN s IN ('nan', 'NaN', '-nan') THEN 'NaN'"
                    + " WHEN s IN ('inf', 'Infinity') THEN 'Infinity' WHEN s IN ('-inf', '-Infinity') THEN '-Infinity'"
                    + " WHEN TRY_CAST(s AS DOUBLE) = 0 THEN CASE WHEN s LIKE '-%' THEN '-0E0' ELSE '0E0' END"
                    + " ELSE athena_sci(CASE WHEN s LIKE '-%' THEN '-' ELSE '' END, split_part(ltrim(s, '-'), 'e', 1),"
                    + " CASE WHEN s LIKE '%e%' THEN CAST(split_part(s, 'e', 2) AS INTEGER) ELSE 0 END) END",
                    "SELECT CAST(1.5e0 AS varchar), CAST(123e0 AS varchar), CAST(0.001e0 AS varchar)", "1.5E0, 1.23E2, 1.0E-3"),
            // CAST(x AS varchar): doubles as Trino writes them, timestamps with milliseconds (timestamp(3)), the rest as DuckDB
            new Macro("athena_to_varchar(x)", "CASE typeof(x)"
                    + " WHEN 'DOUBLE' THEN athena_double_text(CAST(x AS VARCHAR))"
                    + " WHEN 'FLOAT' THEN error('" + NOT_SUPPORTED + "CAST(real AS varchar)')"
                    + " WHEN 'TIMESTAMP' THEN strftime(TRY_CAST(CAST(x AS VARCHAR) AS TIMESTAMP), '%Y-%m-%d %H:%M:%S.%g')"
                    + " WHEN 'TIMESTAMP WITH TIME ZONE' THEN strftime(TRY_CAST(CAST(x AS VARCHAR) AS TIMESTAMPTZ), '%Y-%m-%d %H:%M:%S.%g') || ' UTC'"
                    + " ELSE CAST(x AS VARCHAR) END",
                    "SELECT CAST(TIMESTAMP '2024-01-15 10:00:00' AS varchar)", "2024-01-15 10:00:00.000"));

    public static final List<Setting> SESSION = List.of(
            new Setting("SET TimeZone = 'UTC'", "Athena works and renders in UTC; DuckDB would use the JVM's zone"),
            new Setting("SET integer_division = true", "Trino divides integers as integers (7 / 2 = 3, truncated toward zero)"),
            new Setting("SET error_on_division_by_zero = true", "Trino fails an integer or decimal division by zero"),
            new Setting("SET search_path = '%s,main'",
                    "unqualified table names resolve in the QueryExecutionContext database (a DuckDB schema); main holds the macros"));

    private static final Pattern CODED = Pattern.compile("^[A-Za-z ]+ Error: ([A-Z_]+: [^\n]*)");

    private AthenaDialect() {
    }

    /**
     * The DuckDB statement for an Athena query, or a {@link AthenaTranslator.Refusal} (a Trino syntax error, an
     * analysis error Trino raises and DuckDB would not, or NOT_SUPPORTED). {@code tables}: each Glue table's columns.
     */
    public static String translate(String trino, Map<String, List<String>> tables) {
        return AthenaTranslator.translate(trino, tables);
    }

    /** The reason Athena gives for a query DuckDB failed: Trino's error code and message where the cause is known. */
    public static String athenaError(String duckdbMessage) {
        String m = duckdbMessage == null ? "" : duckdbMessage;
        if (m.contains("Division by zero")) {
            return "DIVISION_BY_ZERO: Division by zero";
        }
        if (m.contains("athena_varchar_operand")) {
            // DuckDB failed to bind an operator over a checked operand (LIKE on an integer): Trino's analysis error
            return "TYPE_MISMATCH: Cannot apply operator: a varchar operand is expected (Trino casts nothing to varchar implicitly)";
        }
        Matcher coded = CODED.matcher(m);
        if (coded.find()) {
            return coded.group(1).strip(); // raised by a macro with Trino's code
        }
        return m;
    }

    /** A result value as Athena writes it: a double as Java's Double.toString, as Trino's client protocol does. */
    static String athenaText(String athenaType, ResultSet r, int column) throws SQLException {
        if (athenaType.equals("double")) {
            double d = r.getDouble(column);
            return r.wasNull() ? null : Double.toString(d);
        }
        return r.getString(column);
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
