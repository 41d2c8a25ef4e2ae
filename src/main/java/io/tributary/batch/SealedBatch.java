package io.tributary.batch;

import io.tributary.event.Zone;

/** A closed batch ready to be written: one gzip NDJSON object. {@code token} identifies it to the checkpoint tracker. */
public record SealedBatch(Zone zone, String bucket, String key, byte[] body, int records, long uncompressedBytes,
                          String shardId, String lastSequenceNumber, Object token) {

    @Override
    public String toString() {
        return "SealedBatch[" + bucket + '/' + key + ", " + records + " records, " + body.length + " bytes]";
    }
}
