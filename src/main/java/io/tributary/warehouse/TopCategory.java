package io.tributary.warehouse;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/** One row of analytics.hourly_top_categories: a category's rank by events within (UTC hour, event type). */
public record TopCategory(Instant windowStart, String eventType, String category, int rank, long events, long distinctUsers) {

    public TopCategory {
        windowStart = Windows.check(windowStart, ChronoUnit.HOURS);
        eventType = Windows.dimension(eventType);
        Objects.requireNonNull(category, "category");
    }
}
