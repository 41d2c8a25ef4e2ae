package io.tributary.local;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The retry behaviour of a Lambda event source mapping on one Kinesis shard, as the AWS Lambda developer guide describes
 * it ("Configuring partial batch response with Kinesis Data Streams and Lambda"; "Retain discarded batch records for a
 * Kinesis Data Streams event source"): invoke the function with a batch; a reply with {@code batchItemFailures}
 * checkpoints before the lowest reported sequence number and retries from there; any other failure (status 500) retries
 * the whole batch; each retry of the same record counts against {@code MaximumRetryAttempts} (-1: no limit), and once
 * they are used up the failing range is discarded and described to the on-failure destination, as a
 * {@code KinesisBatchInfo} would describe it. Not modelled: {@code MaximumRecordAgeInSeconds} (no clock), bisecting (on
 * one shard it only changes batch sizes), parallel shards. Test use only.
 */
public final class EventSourceMappingStandIn {

    /** The function, as the mapping invokes it: a Kinesis event in, the reply's status and JSON body out. */
    @FunctionalInterface
    public interface Function {
        Reply invoke(ObjectNode event);
    }

    public record Reply(int status, JsonNode body) {
    }

    /** What the mapping sends to its on-failure destination when it gives up: the range, never the data. */
    public record SkippedRange(String shardId, String startSequenceNumber, String endSequenceNumber, int batchSize) {
    }

    /** One invocation: the sequence numbers sent and the reply. */
    public record Invocation(List<String> sequenceNumbers, Reply reply) {
    }

    private final int maximumRetryAttempts;
    private final int batchSize;
    private final int maxInvocations;
    private final List<Invocation> invocations = new ArrayList<>();
    private final List<SkippedRange> skipped = new ArrayList<>();

    /**
     * @param maximumRetryAttempts the mapping's MaximumRetryAttempts (-1: retry until the record expires)
     * @param batchSize            records per invocation
     * @param maxInvocations       a test's patience: more invocations than this means the shard is blocked
     */
    public EventSourceMappingStandIn(int maximumRetryAttempts, int batchSize, int maxInvocations) {
        this.maximumRetryAttempts = maximumRetryAttempts;
        this.batchSize = batchSize;
        this.maxInvocations = maxInvocations;
    }

    /** Feeds a shard's records (Kinesis event records, in sequence order) to the function until each is processed or
     *  skipped. Throws when the shard is still blocked after {@code maxInvocations}. */
    public void drain(List<ObjectNode> records, Function function) {
        int next = 0;
        String failingFrom = null;
        int retries = 0;
        while (next < records.size()) {
            if (invocations.size() >= maxInvocations) {
                throw new IllegalStateException("shard blocked: " + maxInvocations + " invocations, still at record "
                        + sequenceNumber(records.get(next)));
            }
            List<ObjectNode> batch = records.subList(next, Math.min(records.size(), next + batchSize));
            ObjectNode event = JsonNodeFactory.instance.objectNode();
            event.putArray("Records").addAll(batch);
            Reply reply = function.invoke(event);
            invocations.add(new Invocation(batch.stream().map(EventSourceMappingStandIn::sequenceNumber).toList(), reply));
            int failedAt = failedIndex(batch, reply);
            if (failedAt < 0) {
                next += batch.size();
                failingFrom = null;
                retries = 0;
                continue;
            }
            String from = sequenceNumber(batch.get(failedAt));
            if (from.equals(failingFrom)) {
                retries++;
            } else {
                failingFrom = from;
                retries = 0;
            }
            next += failedAt;
            if (maximumRetryAttempts >= 0 && retries >= maximumRetryAttempts) {
                ObjectNode last = batch.get(batch.size() - 1);
                skipped.add(new SkippedRange(shardId(batch.get(failedAt)), from, sequenceNumber(last), batch.size() - failedAt));
                next += batch.size() - failedAt;
                failingFrom = null;
                retries = 0;
            }
        }
    }

    public List<Invocation> invocations() {
        return List.copyOf(invocations);
    }

    /** The on-failure destination's messages. */
    public List<SkippedRange> skipped() {
        return List.copyOf(skipped);
    }

    /** Index in the batch of the first record to retry, -1 when the batch succeeded. */
    private static int failedIndex(List<ObjectNode> batch, Reply reply) {
        if (reply.status() != 200) {
            return 0;
        }
        JsonNode failures = reply.body() == null ? null : reply.body().get("batchItemFailures");
        if (failures == null || failures.isNull() || failures.isEmpty()) {
            return -1;
        }
        BigInteger lowest = null;
        for (JsonNode f : failures) {
            JsonNode id = f.get("itemIdentifier");
            if (id == null || !id.isTextual() || id.asText().isEmpty()) {
                return 0; // the guide: an empty, null or misnamed itemIdentifier fails the whole batch
            }
            BigInteger seq = new BigInteger(id.asText());
            lowest = lowest == null || seq.compareTo(lowest) < 0 ? seq : lowest;
        }
        for (int i = 0; i < batch.size(); i++) {
            if (new BigInteger(sequenceNumber(batch.get(i))).equals(lowest)) {
                return i;
            }
        }
        return 0;
    }

    private static String sequenceNumber(JsonNode record) {
        return record.get("kinesis").get("sequenceNumber").asText();
    }

    private static String shardId(JsonNode record) {
        String id = record.get("eventID").asText();
        return id.substring(0, id.indexOf(':'));
    }
}
