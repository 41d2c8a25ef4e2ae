package io.tributary.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.jboss.logging.Logger;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/** Sends records to Kinesis with PutRecords: at most 500 records and 5 MiB per call, retrying only the entries that
 *  failed, with exponential backoff and full jitter. */
public final class KinesisPublisher {

    static final int MAX_RECORDS_PER_CALL = 500;
    static final long MAX_BYTES_PER_CALL = 5L * 1024 * 1024;

    private static final Logger LOG = Logger.getLogger(KinesisPublisher.class);

    /** One record to send. */
    public record Entry(byte[] data, String partitionKey) {
    }

    /** What happened to one entry: shard and sequence number, or the last error. */
    public record Outcome(String shardId, String sequenceNumber, String errorCode, String errorMessage) {
        public boolean ok() {
            return errorCode == null;
        }
    }

    /** Sleeps between attempts; replaced in tests. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
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

    /** Publishes all entries; the outcome list is index-aligned with the input. */
    public List<Outcome> publish(List<Entry> entries) throws InterruptedException {
        Outcome[] outcomes = new Outcome[entries.size()];
        int from = 0;
        while (from < entries.size()) {
            int to = from;
            long bytes = 0;
            while (to < entries.size() && to - from < MAX_RECORDS_PER_CALL) {
                Entry e = entries.get(to);
                long size = e.data().length + e.partitionKey().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                if (to > from && bytes + size > MAX_BYTES_PER_CALL) {
                    break;
                }
                bytes += size;
                to++;
            }
            sendChunk(entries, from, to, outcomes);
            from = to;
        }
        return List.of(outcomes);
    }

    private void sendChunk(List<Entry> entries, int from, int to, Outcome[] outcomes) throws InterruptedException {
        List<Integer> pending = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            pending.add(i);
        }
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            List<PutRecordsRequestEntry> request = new ArrayList<>(pending.size());
            for (int i : pending) {
                Entry e = entries.get(i);
                request.add(PutRecordsRequestEntry.builder().data(SdkBytes.fromByteArray(e.data())).partitionKey(e.partitionKey()).build());
            }
            List<Integer> failed = new ArrayList<>();
            try {
                PutRecordsResponse response = kinesis.putRecords(b -> b.streamName(stream).records(request));
                List<PutRecordsResultEntry> results = response.records();
                for (int j = 0; j < results.size(); j++) {
                    PutRecordsResultEntry r = results.get(j);
                    int index = pending.get(j);
                    outcomes[index] = new Outcome(r.shardId(), r.sequenceNumber(), r.errorCode(), r.errorMessage());
                    if (r.errorCode() != null) {
                        failed.add(index);
                    }
                }
            } catch (SdkException e) {
                LOG.warnf("PutRecords of %d records failed (attempt %d of %d): %s", pending.size(), attempt, maxAttempts, e.getMessage());
                for (int i : pending) {
                    outcomes[i] = new Outcome(null, null, "RequestFailed", e.getMessage());
                }
                failed = pending;
            }
            if (failed.isEmpty() || attempt >= maxAttempts) {
                return;
            }
            pending = failed;
            long cap = backoff.toMillis() << Math.min(attempt - 1, 10);
            sleeper.sleep(ThreadLocalRandom.current().nextLong(cap + 1));
        }
    }
}
