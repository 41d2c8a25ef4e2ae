package io.tributary.checkpoint;

import java.nio.charset.StandardCharsets;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** Durable per-shard checkpoints: one small S3 object per shard, {@code <prefix>/<stream>/<shardId>}, holding the last
 *  sequence number that is durable in the lake together with everything before it. */
public final class CheckpointStore {

    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    public CheckpointStore(S3Client s3, String bucket, String prefix, String stream) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix + '/' + stream + '/';
    }

    /** The shard's checkpoint, or null when it has none (the shard is read from the configured iterator type). */
    public String load(String shardId) {
        try {
            byte[] body = s3.getObjectAsBytes(b -> b.bucket(bucket).key(prefix + shardId)).asByteArray();
            String seq = new String(body, StandardCharsets.UTF_8).trim();
            return seq.isEmpty() ? null : seq;
        } catch (NoSuchKeyException e) {
            return null;
        }
    }

    public void save(String shardId, String sequenceNumber) {
        s3.putObject(b -> b.bucket(bucket).key(prefix + shardId).contentType("text/plain"),
                RequestBody.fromString(sequenceNumber, StandardCharsets.UTF_8));
    }
}
