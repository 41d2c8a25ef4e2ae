package io.tributary.event;

/**
 * A processed record ready for batching: its zone, its partition path inside the zone
 * ({@code dt=YYYY-MM-DD/hour=HH} for raw, {@code dt=YYYY-MM-DD} for errors, both by arrival time),
 * its NDJSON line (without the newline), for a rejected record why, and for a valid one the facts the real-time
 * minute windows count (null for rejected records).
 */
public record RoutedRecord(Zone zone, String partition, byte[] line, ReasonCode reason, EventFacts facts) {

    public RoutedRecord(Zone zone, String partition, byte[] line, ReasonCode reason) {
        this(zone, partition, line, reason, null);
    }
}
