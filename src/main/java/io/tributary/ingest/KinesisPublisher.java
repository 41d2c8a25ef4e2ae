package io.tributary.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.jboss.logging.Logger;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Sends records to Kinesis with PutRecords: at most 500 records and 5 MiB per call. Only throttling and server-side
 * failures are retried (only the entries they hit, exponential backoff with full jitter). A whole call refused with a
 * client error that one record can cause (ValidationException, InvalidArgumentException) is sent again in halves until
 * the refused records are alone, so no other record fails or is sent twice; other client errors are not retried.
 */
public final class KinesisPublisher {

    static final int MAX_RECORDS_PER_CALL = 500;
    static final long MAX_BYTES_PER_CALL = 5L * 1024 * 1024;
    /** Kinesis' limit per record: data plus partition key (UTF-8). */
    public static final int MAX_RECORD_BYTES = 1024 * 1024;
    /** Kinesis' partition key limit, 256 characters; counted in UTF-16 units, which are never fewer than characters. */
    public static final int MAX_PARTITION_KEY_LENGTH = 256;

    /** Per-entry and whole-call error codes worth another attempt: throttling and Kinesis' own failures. */
    private static final Set<String> RETRYABLE_CODES = Set.of("ProvisionedThroughputExceededException", "InternalFailure",
            "KMSThrottlingException", "ServiceUnavailable", "ThrottlingException", "RequestTimeout", "RequestTimeoutException");
    /** Whole-call client errors that a single record can cause: worth isolating that record. */
    private static final Set<String> RECORD_CAUSED_CODES = Set.of("ValidationException", "InvalidArgumentException",
            "SerializationException");

    private static final Logger LOG = Logger.getLogger(KinesisPublisher.class);

    /** One record to send. */
    public record Entry(byte[] data, String partitionKey) {
    }

    /**
     * What happened to one entry: shard and sequence number, or the last error. {@code rejected} means Kinesis refused
     * the record itself (sent again unchanged, it would be refused again); otherwise an error is a failure to retry later.
     */
    public record Outcome(String shardId, String sequenceNumber, String errorCode, String errorMessage, boolean rejected) {
        static Outcome stored(String shardId, String sequenceNumber) {
            return new Outcome(shardId, sequenceNumber, null, null, false);
        }

        static Outcome failed(String errorCode, String errorMessage) {
            return new Outcome(null, null, errorCode, errorMessage, false);
        }

        public boolean ok() {
            return errorCode == null;
        }
    }

    /** Sleeps between attempts; replaced in tests. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    /** What to do after a whole PutRecords call failed. */
    private enum CallFailure {
        RETRY, ISOLATE, GIVE_UP
    }

    private final KinesisClient kinesis;
    private final String stream;
    private final int maxAttempts;
    private final Duration backoff;
    private final Sleeper sleeper;

    public KinesisPublisher(KinesisClient kinesis, String stream, int maxAttempts, Duration backoff, Sleeper sleeper) {
        this.kinesis = kinesis;
        this.stream = stream;
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.sleeper = sleeper;
    }

    /**
     * The partition key of a user: the user id itself, or for one Kinesis cannot take (empty, or longer than 256) the
     * lower-case hex SHA-256 of its UTF-8 bytes (64 characters). Stable, so a user's records still share a shard.
     */
    public static String partitionKey(String userId) {
        if (!userId.isEmpty() && userId.length() <= MAX_PARTITION_KEY_LENGTH) {
            return userId;
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(userId.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
        }
    }

    /** Why Kinesis would refuse this entry as too large (data plus key over 1 MiB), or null when it fits. */
    public static String overRecordLimit(Entry e) {
        long size = (long) e.data().length + e.partitionKey().getBytes(StandardCharsets.UTF_8).length;
        return size <= MAX_RECORD_BYTES ? null : "record and its partition key are " + size
                + " bytes, over Kinesis' limit of " + MAX_RECORD_BYTES + " per record";
    }

    /** Publishes all entries; the outcome list is index-aligned with the input. */
    public List<Outcome> publish(List<Entry> entries) throws InterruptedException {
        Outcome[] outcomes = new Outcome[entries.size()];
        int from = 0;
        while (from < entries.size()) {
            int to = chunkEnd(entries, from);
            send(entries, range(from, to), outcomes);
            from = to;
        }
        return Arrays.asList(outcomes);
    }

    /** End (exclusive) of the call starting at {@code from}: at most 500 records and 5 MiB. */
    private static int chunkEnd(List<Entry> entries, int from) {
        int to = from;
        long bytes = 0;
        while (to < entries.size() && to - from < MAX_RECORDS_PER_CALL) {
            Entry e = entries.get(to);
            long size = e.data().length + e.partitionKey().getBytes(StandardCharsets.UTF_8).length;
            if (to > from && bytes + size > MAX_BYTES_PER_CALL) {
                break;
            }
            bytes += size;
            to++;
        }
        return to;
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> list = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            list.add(i);
        }
        return list;
    }

    /** Sends the entries at {@code indexes} until each is stored, refused, or out of attempts. */
    private void send(List<Entry> entries, List<Integer> indexes, Outcome[] outcomes) throws InterruptedException {
        List<Integer> pending = indexes;
        for (int attempt = 1; ; attempt++) {
            List<Integer> retry;
            try {
                retry = putRecords(entries, pending, outcomes);
            } catch (SdkException e) {
                CallFailure failure = classify(e);
                String code = errorCode(e);
                String message = errorMessage(e);
                if (failure == CallFailure.ISOLATE) {
                    isolate(entries, pending, outcomes, code, message);
                    return;
                }
                LOG.warnf("PutRecords of %d records failed (attempt %d of %d, %s): %s", pending.size(), attempt, maxAttempts,
                        failure == CallFailure.RETRY ? "retryable" : "not retryable", message);
                for (int i : pending) {
                    outcomes[i] = Outcome.failed(code, message);
                }
                retry = failure == CallFailure.RETRY ? pending : List.of();
            }
            if (retry.isEmpty() || attempt >= maxAttempts) {
                return;
            }
            pending = retry;
            long cap = backoff.toMillis() << Math.min(attempt - 1, 10);
            sleeper.sleep(ThreadLocalRandom.current().nextLong(cap + 1));
        }
    }

    /** One PutRecords call; records each entry's outcome and returns the indexes worth another attempt. */
    private List<Integer> putRecords(List<Entry> entries, List<Integer> pending, Outcome[] outcomes) {
        List<PutRecordsRequestEntry> request = new ArrayList<>(pending.size());
        for (int i : pending) {
            Entry e = entries.get(i);
            // the SDK only reads the bytes; nothing changes them while the call runs
            request.add(PutRecordsRequestEntry.builder().data(SdkBytes.fromByteArrayUnsafe(e.data())).partitionKey(e.partitionKey()).build());
        }
        List<PutRecordsResultEntry> results = kinesis.putRecords(b -> b.streamName(stream).records(request)).records();
        List<Integer> retry = new ArrayList<>();
        for (int j = 0; j < results.size(); j++) {
            PutRecordsResultEntry r = results.get(j);
            int index = pending.get(j);
            if (r.errorCode() == null) {
                outcomes[index] = Outcome.stored(r.shardId(), r.sequenceNumber());
            } else {
                outcomes[index] = Outcome.failed(r.errorCode(), r.errorMessage());
                if (RETRYABLE_CODES.contains(r.errorCode())) {
                    retry.add(index);
                }
            }
        }
        return retry;
    }

    /** A whole call refused for what may be one record: a lone record is refused; more are sent again in halves (the
     *  refused call stored nothing, so nothing is sent twice). */
    private void isolate(List<Entry> entries, List<Integer> pending, Outcome[] outcomes, String code, String message)
            throws InterruptedException {
        if (pending.size() == 1) {
            LOG.warnf("Kinesis refused a record (%s): %s", code, message);
            outcomes[pending.get(0)] = new Outcome(null, null, code, message, true);
            return;
        }
        LOG.infof("PutRecords of %d records refused (%s: %s): sending them in halves to isolate the refused records",
                pending.size(), code, message);
        int half = pending.size() / 2;
        send(entries, new ArrayList<>(pending.subList(0, half)), outcomes);
        send(entries, new ArrayList<>(pending.subList(half, pending.size())), outcomes);
    }

    private static CallFailure classify(SdkException e) {
        if (!(e instanceof SdkServiceException service)) {
            // no answer from Kinesis (connection, timeout): the call may or may not have been stored; event ids make a
            // resend harmless downstream
            return CallFailure.RETRY;
        }
        String code = errorCode(e);
        if (service.isThrottlingException() || service.statusCode() >= 500 || RETRYABLE_CODES.contains(code)) {
            return CallFailure.RETRY;
        }
        return RECORD_CAUSED_CODES.contains(code) ? CallFailure.ISOLATE : CallFailure.GIVE_UP;
    }

    private static String errorCode(SdkException e) {
        if (e instanceof AwsServiceException aws && aws.awsErrorDetails() != null && aws.awsErrorDetails().errorCode() != null) {
            return aws.awsErrorDetails().errorCode();
        }
        return e instanceof SdkServiceException s ? "HTTP " + s.statusCode() : "RequestFailed";
    }

    private static String errorMessage(SdkException e) {
        if (e instanceof AwsServiceException aws && aws.awsErrorDetails() != null && aws.awsErrorDetails().errorMessage() != null) {
            return aws.awsErrorDetails().errorMessage();
        }
        return String.valueOf(e.getMessage());
    }
}
