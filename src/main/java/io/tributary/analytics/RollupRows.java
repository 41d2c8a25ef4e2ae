package io.tributary.analytics;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.tributary.warehouse.HourlyRollup;
import io.tributary.warehouse.MinuteCount;
import io.tributary.warehouse.TopCategory;

/**
 * The rows of sql/athena/hourly_rollup.sql, collected per event hour. Fed one result row at a time (column name →
 * text value, as Athena returns them), so it is independent of how the pages were fetched.
 */
public final class RollupRows {

    /** Everything the rollup produced for one event hour. */
    public record Hour(Instant start, List<HourlyRollup> rollup, List<TopCategory> top, List<MinuteCount> minutes) {
    }

    private final Map<Instant, Hour> hours = new TreeMap<>();
    private long rows;

    /** Adds one result row. */
    public void add(Map<String, String> row) {
        Instant hour = LocalDate.parse(required(row, "event_date")).atStartOfDay(ZoneOffset.UTC).toInstant()
                .plus(Long.parseLong(required(row, "event_hour")), ChronoUnit.HOURS);
        Hour h = hours.computeIfAbsent(hour, k -> new Hour(k, new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
        String kind = required(row, "row_kind");
        switch (kind) {
            case "hour" -> h.rollup().add(new HourlyRollup(hour, row.get("event_type"), row.get("country"), row.get("device_type"),
                    number(row, "events"), number(row, "distinct_users"), number(row, "distinct_sessions"), row.get("category")));
            case "category" -> h.top().add(new TopCategory(hour, row.get("event_type"), required(row, "category"),
                    (int) number(row, "category_rank"), number(row, "events"), number(row, "distinct_users")));
            case "minute" -> h.minutes().add(new MinuteCount(hour.plus(number(row, "event_minute"), ChronoUnit.MINUTES),
                    row.get("event_type"), row.get("country"), row.get("device_type"), number(row, "events")));
            default -> throw new IllegalStateException("hourly rollup returned an unknown row_kind '" + kind + "'");
        }
        rows++;
    }

    /** The event hours in time order. */
    public List<Hour> hours() {
        return List.copyOf(hours.values());
    }

    public long rows() {
        return rows;
    }

    /** A row as a map of column name to value, from Athena's header and data. */
    static Map<String, String> row(List<String> columns, List<String> values) {
        Map<String, String> m = new HashMap<>(columns.size() * 2);
        for (int i = 0; i < columns.size(); i++) {
            m.put(columns.get(i), i < values.size() ? values.get(i) : null);
        }
        return m;
    }

    private static String required(Map<String, String> row, String column) {
        String v = row.get(column);
        if (v == null) {
            throw new IllegalStateException("hourly rollup row without " + column + ": " + row);
        }
        return v;
    }

    private static long number(Map<String, String> row, String column) {
        return Long.parseLong(required(row, column));
    }
}
