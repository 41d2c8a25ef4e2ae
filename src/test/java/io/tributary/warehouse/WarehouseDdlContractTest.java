package io.tributary.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.tributary.event.EventContract;
import io.tributary.event.FieldSpec;
import io.tributary.event.Normalizer;
import io.tributary.local.RedshiftStandIn;

/**
 * The Redshift DDL checked against the event contract: every VARCHAR column of the analytics schema is at least as wide,
 * in bytes, as the longest value the pipeline can write into it. For a column fed by an event field that is the
 * contract's {@code max_bytes}, or what enrichment narrows the field to; for a column the pipeline fills itself, the
 * longest value it writes. A new VARCHAR column fails {@link #everyVarcharColumnOfTheDdlIsAtLeastItsBound} until it is
 * given a bound here.
 */
class WarehouseDdlContractTest {

    static final EventContract CONTRACT = EventContract.load();

    /** One VARCHAR column's bound in UTF-8 bytes, and where the bound comes from. */
    record Bound(int bytes, String why) {
    }

    static int maxBytes(String path) {
        return CONTRACT.inputFields().stream().filter(f -> f.path().equals(path)).mapToInt(FieldSpec::maxBytes).findFirst()
                .orElseThrow(() -> new AssertionError("the contract has no input field " + path));
    }

    static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * The bound of every VARCHAR column ({@code schema.table.column}):
     * <ul>
     * <li>event_type: the contract's max_bytes. Validation checks it on the value as sent and again after enrichment
     *     trims and lower-cases it (lower-casing can lengthen a value: U+0130 is 2 bytes, its lower case 3), and the
     *     Glue job and the rollup SQL pass it through unchanged.</li>
     * <li>category / top_category: the contract's max_bytes of data.category, written as sent (the rollup's top
     *     category is one of the event's categories).</li>
     * <li>country, device_type: NOT the contract's input max_bytes, which bounds what producers send. Enrichment stores
     *     only an ISO 3166-1 alpha-2 code or null, and one of desktop/mobile/tablet/other/unknown; a missing dimension
     *     is stored as 'unknown'. The bound is the longest of those values (checked below over adversarial inputs).</li>
     * <li>source, source_ref, schema_version: written by the pipeline, never from event data.</li>
     * </ul>
     */
    static Map<String, Bound> bounds() {
        int eventType = maxBytes("event_type");
        int category = maxBytes("data.category");
        int country = Math.max(2, bytes(HourlyRollup.UNKNOWN));
        int device = DEVICE_TYPES.stream().mapToInt(WarehouseDdlContractTest::bytes).max().orElseThrow();
        String eventTypeWhy = "contract max_bytes of event_type (checked as sent and lower-cased)";
        String categoryWhy = "contract max_bytes of data.category (stored as sent)";
        String countryWhy = "enrichment: ISO alpha-2 or 'unknown'";
        String deviceWhy = "enrichment: " + DEVICE_TYPES;
        Map<String, Bound> b = new TreeMap<>();
        b.put("analytics.hourly_rollup.event_type", new Bound(eventType, eventTypeWhy));
        b.put("analytics.hourly_rollup.country", new Bound(country, countryWhy));
        b.put("analytics.hourly_rollup.device_type", new Bound(device, deviceWhy));
        b.put("analytics.hourly_rollup.top_category", new Bound(category, categoryWhy));
        b.put("analytics.hourly_rollup.source", new Bound(bytes(MergeLoader.ROLLUP_SOURCE), "MergeLoader.ROLLUP_SOURCE"));
        b.put("analytics.hourly_rollup.source_ref", new Bound(ATHENA_QUERY_ID, "Athena query execution id (a UUID)"));
        b.put("analytics.hourly_top_categories.event_type", new Bound(eventType, eventTypeWhy));
        b.put("analytics.hourly_top_categories.category", new Bound(category, categoryWhy));
        b.put("analytics.hourly_top_categories.source_ref", new Bound(ATHENA_QUERY_ID, "Athena query execution id (a UUID)"));
        b.put("analytics.minute_counts.event_type", new Bound(eventType, eventTypeWhy));
        b.put("analytics.minute_counts.country", new Bound(country, countryWhy));
        b.put("analytics.minute_counts.device_type", new Bound(device, deviceWhy));
        b.put("analytics.minute_count_parts.event_type", new Bound(eventType, eventTypeWhy));
        b.put("analytics.minute_count_parts.country", new Bound(country, countryWhy));
        b.put("analytics.minute_count_parts.device_type", new Bound(device, deviceWhy));
        // the raw object's file name: <shardId>-<first>-<last>.json.gz; a shard id has at most 128 characters and a
        // position is a sequence number (at most 129 digits, the Kinesis API's pattern) with '.' and a sub-sequence number
        b.put("analytics.minute_count_parts.part", new Bound(128 + 1 + 2 * (129 + 1 + 19) + 1 + ".json.gz".length(),
                "raw object file name: shard id, first and last position"));
        b.put("analytics.schema_version.description", new Bound(longestMigrationDescription(), "longest migration description"));
        b.put("analytics.schema_version.checksum", new Bound(64, "SHA-256 in hex"));
        return b;
    }

    static final int ATHENA_QUERY_ID = 36;
    static final Set<String> DEVICE_TYPES = Set.of("desktop", "mobile", "tablet", "other", "unknown");

    static int longestMigrationDescription() {
        return migrations().stream().mapToInt(m -> bytes(m.description())).max().orElse(0);
    }

    static List<SchemaMigrator.Migration> migrations() {
        return SchemaMigrator.load(SqlScript.resource("sql/redshift/migrations.index"));
    }

    @Test
    void everyVarcharColumnOfTheDdlIsAtLeastItsBound() {
        Map<String, Integer> ddl = varcharBytes();
        Map<String, Bound> bounds = bounds();
        assertEquals(bounds.keySet(), ddl.keySet(), "every VARCHAR column of the Redshift DDL needs a bound in this test");
        List<String> tooNarrow = new ArrayList<>();
        for (var e : bounds.entrySet()) {
            int size = ddl.get(e.getKey());
            if (size < e.getValue().bytes()) {
                tooNarrow.add(e.getKey() + " is VARCHAR(" + size + ") but must hold " + e.getValue().bytes() + " bytes: " + e.getValue().why());
            }
        }
        assertEquals(List.of(), tooNarrow, "add a migration that widens the column, or lower the contract's max_bytes");
    }

    /** The bounds of country and device_type hold only while enrichment narrows them: try it with what producers may send. */
    @Test
    void enrichmentNarrowsCountryAndDeviceTypeToTheirBounds() {
        Normalizer n = new Normalizer();
        List<String> inputs = new ArrayList<>(List.of("", " ", "UK", "usa", "United States of America", "  de  ", "İ", "ß"));
        for (String alpha2 : Locale.getISOCountries()) {
            Locale l = new Locale("", alpha2);
            inputs.add(alpha2);
            inputs.add(l.getISO3Country().toLowerCase(Locale.ROOT));
            inputs.add(l.getDisplayCountry(Locale.ENGLISH));
        }
        inputs.addAll(List.of("pc", "Laptop", "IPAD", "smartphone", "toaster", "désktop"));
        SplittableRandom random = new SplittableRandom(10);
        for (int i = 0; i < 2000; i++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(1, 80);
            for (int k = 0; k < length; k++) {
                s.appendCodePoint(random.nextBoolean() ? random.nextInt(0x20, 0x7f) : random.nextInt(0xa0, 0x2fff));
            }
            inputs.add(s.toString());
        }
        inputs.add("é".repeat(maxBytes("data.location.country") / 2));
        inputs.add("é".repeat(maxBytes("data.device_type") / 2));
        Set<String> devices = new HashSet<>();
        for (String in : inputs) {
            String country = n.country(in);
            assertTrue(country == null || country.matches("[A-Z]{2}"), "country of '" + in + "' is '" + country + "'");
            devices.add(n.deviceType(in));
        }
        devices.add(n.deviceType(null));
        assertTrue(DEVICE_TYPES.containsAll(devices), "device types " + devices);
        assertEquals(HourlyRollup.UNKNOWN, Windows.dimension(null), "a missing dimension is stored as");
    }

    /** The parser reads the DDL as the stand-in applied it: same columns, same sizes. */
    @Test
    void theParsedSizesAreTheSizesOfTheMigratedSchema() throws SQLException {
        RedshiftStandIn standIn = RedshiftStandIn.get();
        String database = standIn.createDatabase("rs_ddl");
        try {
            new SchemaMigrator(standIn.dataSource(database), SqlDialect.POSTGRESQL).migrate();
            Map<String, Integer> migrated = new TreeMap<>();
            for (List<Object> row : RedshiftStandInTest.rows(standIn.dataSource(database), "SELECT table_schema || '.' || table_name "
                    + "|| '.' || column_name, character_maximum_length FROM information_schema.columns "
                    + "WHERE table_schema = 'analytics' AND data_type = 'character varying'")) {
                migrated.put((String) row.get(0), (Integer) row.get(1));
            }
            assertEquals(varcharBytes(), migrated);
        } finally {
            standIn.dropDatabase(database);
        }
    }

    private static final Pattern CREATE = Pattern.compile("CREATE\\s+(?:TEMP\\w*\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?([\\w.]+)\\s*\\(",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern ALTER_TYPE = Pattern.compile("ALTER\\s+TABLE\\s+([\\w.]+)\\s+ALTER\\s+COLUMN\\s+(\\w+)\\s+TYPE\\s+(.+)",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern ADD = Pattern.compile("ALTER\\s+TABLE\\s+([\\w.]+)\\s+ADD\\s+(?:COLUMN\\s+)?(\\w+)\\s+(.+)",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern DROP = Pattern.compile("ALTER\\s+TABLE\\s+([\\w.]+)\\s+DROP\\s+(?:COLUMN\\s+)?(\\w+).*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern VARCHAR = Pattern.compile("(?:VARCHAR|CHARACTER\\s+VARYING|NVARCHAR)\\s*(?:\\(\\s*(\\d+|MAX)\\s*\\))?.*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern OTHER_STRING = Pattern.compile("(?:TEXT|CHAR|CHARACTER|NCHAR|BPCHAR)\\b.*", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    /**
     * VARCHAR size in bytes of every column of bootstrap.sql and the migrations in order, as Redshift reads them
     * ({@code VARCHAR} without a size is 256, {@code MAX} 65535). Statements this parser does not understand that would
     * change a column fail the test rather than being skipped.
     */
    static Map<String, Integer> varcharBytes() {
        List<String> statements = new ArrayList<>(SqlScript.statements(SqlScript.resource("sql/redshift/bootstrap.sql"), SqlDialect.REDSHIFT));
        for (SchemaMigrator.Migration m : migrations()) {
            statements.addAll(SqlScript.statements(m.sql(), SqlDialect.REDSHIFT));
        }
        Map<String, Integer> columns = new TreeMap<>();
        for (String sql : statements) {
            Matcher m;
            if ((m = CREATE.matcher(sql)).lookingAt()) {
                String table = m.group(1).toLowerCase(Locale.ROOT);
                for (String definition : topLevel(sql, m.end())) {
                    String[] parts = definition.strip().split("\\s+", 2);
                    String first = parts[0].toUpperCase(Locale.ROOT);
                    if (first.equals("LIKE") || parts.length < 2) {
                        fail("a CREATE TABLE this test cannot follow; teach varcharBytes() to read it: " + sql);
                    }
                    if (!Set.of("PRIMARY", "UNIQUE", "CONSTRAINT", "FOREIGN", "CHECK").contains(first)) {
                        column(columns, table, parts[0], parts[1], sql);
                    }
                }
            } else if ((m = ALTER_TYPE.matcher(sql)).matches()) {
                column(columns, m.group(1).toLowerCase(Locale.ROOT), m.group(2), m.group(3), sql);
            } else if ((m = ADD.matcher(sql)).matches() && !m.group(2).equalsIgnoreCase("CONSTRAINT")) {
                column(columns, m.group(1).toLowerCase(Locale.ROOT), m.group(2), m.group(3), sql);
            } else if ((m = DROP.matcher(sql)).matches()) {
                columns.remove(m.group(1).toLowerCase(Locale.ROOT) + "." + m.group(2).toLowerCase(Locale.ROOT));
            } else if (sql.matches("(?is)\\s*(ALTER|DROP)\\s+TABLE.*|.*\\bRENAME\\b.*")) {
                fail("a migration statement this test cannot follow; teach varcharBytes() what it does to columns: " + sql);
            }
        }
        return columns;
    }

    private static void column(Map<String, Integer> columns, String table, String name, String type, String sql) {
        String key = table + "." + name.toLowerCase(Locale.ROOT);
        Matcher v = VARCHAR.matcher(type.strip());
        if (v.matches()) {
            String size = v.group(1);
            columns.put(key, size == null ? 256 : size.equalsIgnoreCase("MAX") ? 65535 : Integer.parseInt(size));
        } else if (OTHER_STRING.matcher(type.strip()).matches()) {
            fail(key + " is a string type other than VARCHAR (CHAR holds single-byte characters only in Redshift): " + sql);
        } else {
            columns.remove(key);
        }
    }

    /** The comma-separated items of the parenthesised list opened just before {@code from}, up to its closing parenthesis. */
    private static List<String> topLevel(String sql, int from) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = from;
        for (int i = from; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && depth-- == 0) {
                out.add(sql.substring(start, i));
                return out;
            } else if (c == ',' && depth == 0) {
                out.add(sql.substring(start, i));
                start = i + 1;
            }
        }
        throw new AssertionError("unbalanced parentheses in " + sql);
    }
}
