package io.tributary.batch;

import java.time.Duration;
import java.time.Instant;

/**
 * How far a shard is durably in the raw zone, for hour sealing: the arrival time of its checkpoint record (every record of
 * the shard that arrived before it is durable, since arrival only moves forward within a shard), the records read but not
 * yet durable, and how long ago this process last read a record of it (or first heard of it).
 */
public record ShardWatermark(String shardId, Instant checkpointArrival, long pendingRecords, Duration idleFor) {
}
