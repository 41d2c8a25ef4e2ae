package io.tributary.batch;

import io.tributary.event.Zone;

/** Where each zone lives: bucket and key prefix. Keys are deterministic:
 *  {@code <prefix>/<partition>/<shardId>-<firstSeq>-<lastSeq>.json.gz}, so a replayed batch overwrites its own object.
 *  A user record of a split Kinesis record (KPL aggregate, JSON array, NDJSON) is at {@code <seq>.<sub-sequence>}. */
public record LakeLayout(String rawBucket, String rawPrefix, String errorsBucket, String errorsPrefix) {

    public String bucket(Zone zone) {
        return zone == Zone.RAW ? rawBucket : errorsBucket;
    }

    public String key(Zone zone, String partition, String shardId, String firstSeq, String lastSeq) {
        String prefix = zone == Zone.RAW ? rawPrefix : errorsPrefix;
        return prefix + '/' + partition + '/' + shardId + '-' + firstSeq + '-' + lastSeq + ".json.gz";
    }
}
