package io.tributary.analytics;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** A sealed raw (arrival) hour, as the curated zone names it: {@code arrival_hour=yyyy-MM-dd-HH} (UTC). */
public record ArrivalHour(Instant start) {

    private static final DateTimeFormatter PARTITION = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH").withZone(ZoneOffset.UTC);

    public ArrivalHour {
        if (!start.truncatedTo(ChronoUnit.HOURS).equals(start)) {
            throw new IllegalArgumentException("arrival hour " + start + " is not on an hour boundary");
        }
    }

    /**
     * The hour from what a caller of direct:hour-curated sends: an {@link Instant} on the hour, an ArrivalHour, or text
     * as {@code yyyy-MM-dd-HH} (the curated partition value), {@code dt=yyyy-MM-dd/hour=HH} (the raw partition) or an
     * ISO-8601 instant on the hour.
     */
    public static ArrivalHour of(Object value) {
        if (value instanceof ArrivalHour a) {
            return a;
        }
        if (value instanceof Instant i) {
            return new ArrivalHour(i);
        }
        if (value == null || value.toString().isBlank()) {
            throw new IllegalArgumentException("direct:hour-curated needs the arrival hour (yyyy-MM-dd-HH) as body or ArrivalHour header");
        }
        String text = value.toString().trim();
        try {
            if (text.matches("\\d{4}-\\d{2}-\\d{2}-\\d{2}")) {
                return new ArrivalHour(LocalDateTime.parse(text, DateTimeFormatter.ofPattern("yyyy-MM-dd-HH")).toInstant(ZoneOffset.UTC));
            }
            if (text.matches("dt=\\d{4}-\\d{2}-\\d{2}/hour=\\d{2}")) {
                return of(text.substring(3, 13) + "-" + text.substring(19));
            }
            return new ArrivalHour(Instant.parse(text));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an arrival hour (yyyy-MM-dd-HH, dt=yyyy-MM-dd/hour=HH or an ISO instant on the hour): '"
                    + text + "'", e);
        }
    }

    /** The curated partition value, {@code yyyy-MM-dd-HH}: digits and dashes only, safe in a SQL literal. */
    public String partition() {
        return PARTITION.format(start);
    }

    @Override
    public String toString() {
        return partition();
    }
}
