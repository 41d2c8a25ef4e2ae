package io.tributary.warehouse;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/** Checks shared by the warehouse rows: windows start on their unit, dimensions are never null. */
final class Windows {

    private Windows() {
    }

    static Instant check(Instant start, ChronoUnit unit) {
        Objects.requireNonNull(start, "window start");
        if (!start.truncatedTo(unit).equals(start)) {
            throw new IllegalArgumentException("window start " + start + " is not on a " + unit.toString().toLowerCase() + " boundary");
        }
        return start;
    }

    static String dimension(String value) {
        return value == null || value.isBlank() ? HourlyRollup.UNKNOWN : value;
    }
}
