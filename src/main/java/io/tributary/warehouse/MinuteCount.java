package io.tributary.warehouse;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** One row of analytics.minute_counts: the provisional event count of a closed one-minute window. */
public record MinuteCount(Instant minuteStart, String eventType, String country, String deviceType, long events) {

    public MinuteCount {
        minuteStart = Windows.check(minuteStart, ChronoUnit.MINUTES);
        eventType = Windows.dimension(eventType);
        country = Windows.dimension(country);
        deviceType = Windows.dimension(deviceType);
    }
}
