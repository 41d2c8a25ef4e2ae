package io.tributary.ingest;

import java.time.Instant;
import java.util.List;

/**
 * One GetRecords batch of one shard, as the KCL consumer hands it to the ingest route in one exchange. The records are the
 * Kinesis records as stored (a KPL aggregate is still whole: the ingest core splits it, see {@link ProducerRecords}).
 * {@code millisBehindLatest} is what GetRecords reported (0: the read reached the shard's tip), null when unknown.
 */
public record KinesisBatch(String shardId, List<Record> records, Long millisBehindLatest) {

    /** One Kinesis record: its data, sequence number and approximate arrival time. */
    public record Record(byte[] data, String sequenceNumber, Instant arrival) {
    }
}
