package io.tributary.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.tributary.aws.ConditionalPut;
import io.tributary.batch.ShardPosition;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** Durable per-shard checkpoints: one small S3 object per shard, {@code <prefix>/<stream>/<shardId>}, holding the last
 *  sequence number that is durable in the lake together with everything before it, and the Kinesis arrival time of that
 *  record (hour sealing reads it): {@code {"sequence_number":"…","arrival":"2024-01-15T10:59:58.123Z"}}. Objects written
 *  before the arrival was kept hold the bare sequence number as plain text; they are still read.
 *  <p>The same object is the shard's durable watermark for hour sealing, whoever owns the shard: the polling consumer
 *  writes it as its checkpoint ({@link #save}); a Lambda invocation, which does not own the event source mapping's
 *  checkpoints, publishes it with {@link #advance}, which only ever moves it forward. */
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

    /**
     * Publishes a durable position that only moves forward: a conditional write (S3 {@code If-Match} on the ETag read, or
     * {@code If-None-Match: *} when the shard has none), so concurrent or out-of-order publishers (a retried invocation, a
     * shard owner that lost its lease) can never move it back. False when the stored position is already at or past it.
     */
    public boolean advance(String shardId, ShardPosition position) {
        BigInteger next = new BigInteger(position.sequenceNumber());
        for (int attempt = 1; ; attempt++) {
            String etag;
            try {
                var object = s3.getObjectAsBytes(b -> b.bucket(bucket).key(prefix + shardId));
                ShardPosition stored = parse(object.asString(StandardCharsets.UTF_8), shardId);
                if (stored != null && new BigInteger(stored.sequenceNumber()).compareTo(next) >= 0) {
                    return false;
                }
                etag = object.response().eTag();
            } catch (NoSuchKeyException e) {
                etag = null;
            }
            if (ConditionalPut.json(s3, bucket, prefix + shardId, format(position), etag).isPresent()) {
                return true;
            }
            if (attempt >= 5) {
                throw new IllegalStateException("watermark of shard " + shardId + " kept changing under 5 conditional writes");
            }
        }
    }

    public void save(String shardId, String sequenceNumber) {
        save(shardId, new ShardPosition(sequenceNumber, null));
    }

    public void save(String shardId, ShardPosition position) {
        s3.putObject(b -> b.bucket(bucket).key(prefix + shardId).contentType("application/json"),
                RequestBody.fromString(format(position), StandardCharsets.UTF_8));
    }
}
