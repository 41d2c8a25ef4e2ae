package io.tributary.event;

import java.time.Instant;

/** Where a record came from: its Kinesis coordinates and approximate arrival time. */
public record RecordMeta(String stream, String shardId, String sequenceNumber, Instant arrival) {
}
