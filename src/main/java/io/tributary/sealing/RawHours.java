package io.tributary.sealing;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Names of a raw (arrival) hour: {@code 2024-01-15-10} as the Glue job's --arrival_hour and in state keys,
 *  {@code dt=2024-01-15/hour=10} in the raw zone. */
public final class RawHours {

    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH").withZone(ZoneOffset.UTC);
    private static final Pattern PARTITION = Pattern.compile("dt=(\\d{4}-\\d{2}-\\d{2})/hour=(\\d{2})");

    private RawHours() {
    }

    /** The hour an instant falls in, {@code yyyy-MM-dd-HH} UTC. */
    public static String of(Instant t) {
        return HOUR.format(t);
    }

    /** Start of an hour named {@code yyyy-MM-dd-HH}. */
    public static Instant start(String hour) {
        return Instant.parse(hour.substring(0, 10) + 'T' + hour.substring(11, 13) + ":00:00Z");
    }

    /** End (exclusive) of an hour. */
    public static Instant end(String hour) {
        return start(hour).plus(Duration.ofHours(1));
    }

    /** The hour of a raw-zone key or prefix containing {@code dt=…/hour=…}, or null. */
    public static String fromPartition(String keyOrPrefix) {
        Matcher m = PARTITION.matcher(keyOrPrefix);
        return m.find() ? m.group(1) + '-' + m.group(2) : null;
    }

    /** The raw-zone partition of an hour, {@code dt=2024-01-15/hour=10/}. */
    public static String partition(String hour) {
        return "dt=" + hour.substring(0, 10) + "/hour=" + hour.substring(11, 13) + '/';
    }

    /** Midnight (UTC) of the day an instant falls in. */
    static Instant day(Instant t) {
        return t.truncatedTo(ChronoUnit.DAYS);
    }
}
