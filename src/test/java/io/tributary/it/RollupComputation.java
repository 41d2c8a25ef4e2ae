package io.tributary.it;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import io.tributary.local.CuratedWriter;

/**
 * The independent computation of the analytics tables from the events producers sent (HourlyRollupTest,
 * EndToEndRollupTest), and what Redshift holds for a range of hours, both as sorted comparable text per table.
 */
final class RollupComputation {

    private static final DateTimeFormatter SQL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private RollupComputation() {
    }

    /**
     * What Redshift holds with window/minute start in [from, to] (UTC), as comparable text. Restrict to the test's own hours:
     * other test classes share the Redshift stand-in.
     */
    static Map<String, List<String>> actual(DataSource redshift, Instant from, Instant to) throws SQLException {
        Map<String, List<String>> out = new TreeMap<>();
        String range = " BETWEEN '" + SQL_TIME.format(from) + "' AND '" + SQL_TIME.format(to) + "'";
        out.put("hourly_rollup", rows(redshift, "SELECT window_start, event_type, country, device_type, events, distinct_users, "
                + "distinct_sessions, top_category FROM analytics.hourly_rollup WHERE window_start" + range));
        out.put("hourly_top_categories", rows(redshift, "SELECT window_start, event_type, category, category_rank, events, distinct_users "
                + "FROM analytics.hourly_top_categories WHERE window_start" + range));
        out.put("minute_counts", rows(redshift, "SELECT minute_start, event_type, country, device_type, events, provisional "
                + "FROM analytics.minute_counts WHERE minute_start" + range));
        return out;
    }

    /** The expected Redshift contents, computed from what producers sent: one count per event_id, earliest arrival. */
    public static Map<String, List<String>> expected(List<CuratedWriter.Row> sent) {
        Map<String, CuratedWriter.Row> once = new HashMap<>();
        for (CuratedWriter.Row row : sent) {
            once.merge(row.eventId(), row, (a, b) -> a.ingestTime().compareTo(b.ingestTime()) <= 0 ? a : b);
        }
        Map<String, List<String>> out = new TreeMap<>();
        Map<List<Object>, List<CuratedWriter.Row>> groups = once.values().stream().collect(Collectors.groupingBy(
                r -> List.of(hour(r), r.eventType(), dim(r.country()), dim(r.deviceType()))));
        List<String> rollup = new ArrayList<>();
        groups.forEach((k, rows) -> rollup.add(k.get(0) + "|" + k.get(1) + "|" + k.get(2) + "|" + k.get(3) + "|" + rows.size()
                + "|" + rows.stream().map(CuratedWriter.Row::userId).distinct().count()
                + "|" + rows.stream().map(CuratedWriter.Row::sessionId).filter(Objects::nonNull).distinct().count()
                + "|" + top(rows, 1).stream().findFirst().orElse(null)));
        out.put("hourly_rollup", sorted(rollup));
        List<String> top = new ArrayList<>();
        once.values().stream().collect(Collectors.groupingBy(r -> List.of(hour(r), r.eventType()))).forEach((k, rows) -> {
            List<String> ranked = top(rows, 10);
            for (int i = 0; i < ranked.size(); i++) {
                String category = ranked.get(i);
                List<CuratedWriter.Row> of = rows.stream().filter(r -> category.equals(r.category())).toList();
                top.add(k.get(0) + "|" + k.get(1) + "|" + category + "|" + (i + 1) + "|" + of.size() + "|"
                        + of.stream().map(CuratedWriter.Row::userId).distinct().count());
            }
        });
        out.put("hourly_top_categories", sorted(top));
        List<String> minutes = new ArrayList<>();
        once.values().stream().filter(r -> r.timeFlag() == null).collect(Collectors.groupingBy(
                        r -> List.of(r.eventTime().truncatedTo(ChronoUnit.MINUTES), r.eventType(), dim(r.country()), dim(r.deviceType()))))
                .forEach((k, rows) -> minutes.add(k.get(0) + "|" + k.get(1) + "|" + k.get(2) + "|" + k.get(3) + "|" + rows.size() + "|false"));
        out.put("minute_counts", sorted(minutes));
        return out;
    }

    private static Instant hour(CuratedWriter.Row r) {
        return r.partitionTime().truncatedTo(ChronoUnit.HOURS);
    }

    private static String dim(String v) {
        return v == null ? "unknown" : v;
    }

    /** Categories by events descending, ties by name. */
    private static List<String> top(List<CuratedWriter.Row> rows, int n) {
        Map<String, Long> counts = rows.stream().filter(r -> r.category() != null)
                .collect(Collectors.groupingBy(CuratedWriter.Row::category, Collectors.counting()));
        return counts.entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue).reversed().thenComparing(Map.Entry::getKey))
                .limit(n).map(Map.Entry::getKey).toList();
    }

    private static List<String> sorted(List<String> rows) {
        return rows.stream().sorted().toList();
    }

    private static List<String> rows(DataSource redshift, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = redshift.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            int n = r.getMetaData().getColumnCount();
            while (r.next()) {
                StringBuilder line = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    Object v = i == 1 ? r.getTimestamp(1, java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone("UTC"))).toInstant() : r.getObject(i);
                    line.append(i > 1 ? "|" : "").append(v);
                }
                out.add(line.toString());
            }
        }
        return sorted(out);
    }
}
