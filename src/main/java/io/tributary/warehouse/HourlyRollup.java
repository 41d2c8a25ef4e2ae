package io.tributary.warehouse;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** One row of analytics.hourly_rollup: the aggregates of one (UTC hour, event type, country, device type). */
public record HourlyRollup(Instant windowStart, String eventType, String country, String deviceType,
                           long events, long distinctUsers, long distinctSessions, String topCategory) {

    /** Stands for a missing dimension value, so MERGE keys never hold NULL. */
    public static final String UNKNOWN = "unknown";

    public HourlyRollup {
        windowStart = Windows.check(windowStart, ChronoUnit.HOURS);
        eventType = Windows.dimension(eventType);
        country = Windows.dimension(country);
        deviceType = Windows.dimension(deviceType);
    }
}
