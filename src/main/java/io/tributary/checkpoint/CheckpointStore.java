package io.tributary.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.tributary.batch.ShardPosition;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** Durable per-shard checkpoints: one small S3 object per shard, {@code <prefix>/<stream>/<shardId>}, holding the last
 *  sequence number that is durable in the lake together with everything before it, and the Kinesis arrival time of that
 *  record (hour sealing reads it): {@code {"sequence_number":"…","arrival":"2024-01-15T10:59:58.123Z"}}. Objects written
 *  before the arrival was kept hold the bare sequence number as plain text; they are still read. */
public final class CheckpointStore {

    private static final ObjectMapper JSON = new ObjectMapper();

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
        ShardPosition p = loadPosition(shardId);
        return p == null ? null : p.sequenceNumber();
    }

    /** The shard's checkpoint with its arrival time (null arrival for the plain-text form), or null when it has none. */
    public ShardPosition loadPosition(String shardId) {
        try {
            byte[] body = s3.getObjectAsBytes(b -> b.bucket(bucket).key(prefix + shardId)).asByteArray();
            return parse(new String(body, StandardCharsets.UTF_8), shardId);
        } catch (NoSuchKeyException e) {
            return null;
        }
    }

    static ShardPosition parse(String text, String shardId) {
        String t = text.trim();
        if (t.isEmpty()) {
            return null;
        }
        if (!t.startsWith("{")) {
            return new ShardPosition(t, null);
        }
        try {
            JsonNode n = JSON.readTree(t);
            String seq = n.path("sequence_number").asText(null);
            if (seq == null || seq.isEmpty()) {
                throw new IllegalStateException("checkpoint of shard " + shardId + " has no sequence_number: " + t);
            }
            JsonNode arrival = n.get("arrival");
            return new ShardPosition(seq, arrival == null || arrival.isNull() ? null : Instant.parse(arrival.asText()));
        } catch (IOException e) {
            throw new UncheckedIOException("checkpoint of shard " + shardId + " is not JSON: " + t, e);
        }
    }

    static String format(ShardPosition position) {
        ObjectNode n = JSON.createObjectNode().put("sequence_number", position.sequenceNumber());
        if (position.arrival() != null) {
            n.put("arrival", position.arrival().toString());
        }
        return n.toString();
    }

    public void save(String shardId, String sequenceNumber) {
        save(shardId, new ShardPosition(sequenceNumber, null));
    }

    public void save(String shardId, ShardPosition position) {
        s3.putObject(b -> b.bucket(bucket).key(prefix + shardId).contentType("application/json"),
                RequestBody.fromString(format(position), StandardCharsets.UTF_8));
    }
}
