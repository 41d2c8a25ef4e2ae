package io.tributary.glue;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One raw-zone hour (Kinesis arrival hour, UTC): {@code 2024-01-15-10} selects {@code dt=2024-01-15/hour=10}. */
public record ArrivalHour(LocalDate date, int hour) {

    private static final Pattern FORMAT = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})-(\\d{2})");

    public ArrivalHour {
        if (hour < 0 || hour > 23) {
            throw new IllegalArgumentException("hour must be 0-23, got " + hour);
        }
    }

    /** Parses {@code yyyy-MM-dd-HH}; anything else (including 2024-02-30-10 or hour 24) is rejected. */
    public static ArrivalHour parse(String text) {
        Matcher m = FORMAT.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected yyyy-MM-dd-HH (UTC arrival hour), got '" + text + "'");
        }
        int hour = Integer.parseInt(m.group(2));
        if (hour > 23) {
            throw new IllegalArgumentException("hour must be 00-23, got '" + text + "'");
        }
        try {
            return new ArrivalHour(LocalDate.parse(m.group(1)), hour);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a calendar date: '" + text + "'", e);
        }
    }

    /** The curated partition value and the label used in errors and summaries: {@code 2024-01-15-10}. */
    public String label() {
        return String.format("%s-%02d", date, hour);
    }

    /** The raw zone's partition directory below the raw path: {@code dt=2024-01-15/hour=10}. */
    public String rawPartition() {
        return String.format("dt=%s/hour=%02d", date, hour);
    }

    @Override
    public String toString() {
        return label();
    }
}
