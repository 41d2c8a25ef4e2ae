package io.tributary.event;

/**
 * A processed record ready for batching: its zone, its partition path inside the zone
 * ({@code dt=YYYY-MM-DD/hour=HH} for raw, {@code dt=YYYY-MM-DD} for errors, both by arrival time),
 * its NDJSON line (without the newline) and, for a rejected record, why.
 */
public record RoutedRecord(Zone zone, String partition, byte[] line, ReasonCode reason) {
}
