package io.tributary.event;

/**
 * The dimensions of a valid event the real-time minute windows count, as enrichment normalised them (so they match
 * the curated columns the hourly rollup groups by). Event time in epoch milliseconds (UTC).
 */
public record EventFacts(long eventTimeMillis, String eventType, String country, String deviceType) {
}
