package io.tributary.batch;

import java.time.Instant;

/** A shard checkpoint: the last durable sequence number and the Kinesis arrival time of that record (null when unknown). */
public record ShardPosition(String sequenceNumber, Instant arrival) {
}
