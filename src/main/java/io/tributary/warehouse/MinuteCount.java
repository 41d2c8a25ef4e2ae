package io.tributary.warehouse;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** A one-minute window's event count: one durable raw batch's share ({@code part}: its object key; a provisional part of
 *  analytics.minute_count_parts), or the exact count of the hourly rollup ({@code part} null). */
public record MinuteCount(Instant minuteStart, String eventType, String country, String deviceType, long events, String part) {

    public MinuteCount(Instant minuteStart, String eventType, String country, String deviceType, long events) {
        this(minuteStart, eventType, country, deviceType, events, null);
    }

    public MinuteCount {
        minuteStart = Windows.check(minuteStart, ChronoUnit.MINUTES);
        eventType = Windows.dimension(eventType);
        country = Windows.dimension(country);
        deviceType = Windows.dimension(deviceType);
    }
}
