package io.tributary.event;

import java.time.Instant;

/**
 * Where a record came from: its Kinesis coordinates and approximate arrival time. {@code subSequence} is the index of a
 * user record inside the Kinesis record (a KPL aggregate, a JSON array or NDJSON: KCL's sub-sequence number), or -1 when
 * the Kinesis record is one record.
 */
public record RecordMeta(String stream, String shardId, String sequenceNumber, Instant arrival, long subSequence) {

    public RecordMeta(String stream, String shardId, String sequenceNumber, Instant arrival) {
        this(stream, shardId, sequenceNumber, arrival, -1);
    }

    /** The same Kinesis record's user record {@code index}. */
    public RecordMeta sub(long index) {
        return new RecordMeta(stream, shardId, sequenceNumber, arrival, index);
    }

    /** Position in the shard for object keys: the sequence number, with {@code .<sub-sequence>} for a user record of a
     *  split Kinesis record, so objects holding only parts of one Kinesis record never get the same key. */
    public String position() {
        return subSequence < 0 ? sequenceNumber : sequenceNumber + '.' + subSequence;
    }
}
