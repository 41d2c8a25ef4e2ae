package io.tributary.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.s3.S3Client;

/** A private set of stand-ins for tests that run the packaged application as a child process: its own kinesalite and
 *  s3proxy, a stream (2 shards unless told), raw and errors buckets, and the configuration that points the application at them.
 *  The stream's clock can be set ahead of the real one, which places the arrival hours of the records put on it. */
public final class LocalLake implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    public final String stream;
    public final String rawBucket;
    public final String errorsBucket;
    public final Path work;
    public final Path basedir;
    public final StandInProcess kinesalite;
    public final StandInProcess s3proxy;
    public final KinesisClient kinesis;
    /** How far the Kinesis stand-in's clock (arrival times) runs ahead of the real one. */
    public final Duration streamClockOffset;

    public LocalLake(String name) {
        this(name, 2);
    }

    public LocalLake(String name, int shards) {
        this(name, shards, Duration.ZERO);
    }

    /** A lake whose Kinesis stand-in stamps arrival times {@code streamClockOffset} ahead of the real clock (see below). */
    public LocalLake(String name, int shards, Duration streamClockOffset) {
        this.streamClockOffset = streamClockOffset;
        try {
            this.stream = name;
            this.rawBucket = "raw-" + name;
            this.errorsBucket = "errors-" + name;
            this.work = Files.createDirectories(Path.of("target", name).toAbsolutePath());
            this.basedir = Files.createTempDirectory("tributary-" + name + "-s3-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        kinesalite = StandIns.kinesalite(work, streamClockOffset);
        s3proxy = StandIns.s3proxy(basedir, work);
        kinesis = StandIns.kinesisClient(kinesalite.endpoint());
        StandIns.createStream(kinesis, stream, shards);
        try (S3Client s3 = StandIns.s3Client(s3proxy.endpoint())) {
            StandIns.createBucket(s3, rawBucket);
            StandIns.createBucket(s3, errorsBucket);
        }
    }

    /** A stream clock offset that makes the stream's hour change at {@code realTime}, so a run crosses an arrival hour at a
     *  moment the test chose. Never negative, at most an hour. */
    public static Duration offsetPlacingHourChangeAt(Instant realTime) {
        Instant streamHourChange = realTime.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        return Duration.between(realTime, streamHourChange);
    }

    /** A stream clock offset that puts the stream at 20 minutes past an hour now: no arrival hour ends for 40 minutes. */
    public static Duration offsetToMidHour() {
        Instant now = Instant.now();
        Instant target = now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(20));
        if (target.isBefore(now)) {
            target = target.plus(Duration.ofHours(1));
        }
        return Duration.between(now, target);
    }

    /** Now on the stream's clock. */
    public Instant streamNow() {
        return Instant.now().plus(streamClockOffset);
    }

    /** Creates one more bucket on this lake's S3 stand-in (e.g. a curated zone). */
    public void createBucket(String bucket) {
        try (S3Client s3 = StandIns.s3Client(s3proxy.endpoint())) {
            StandIns.createBucket(s3, bucket);
        }
    }

    /** Application configuration (system properties) for these stand-ins; callers add or override the rest. */
    public Map<String, String> appConfig() {
        Map<String, String> c = new HashMap<>();
        c.put("tributary.kinesis.stream", stream);
        c.put("tributary.kinesis.endpoint-override", kinesalite.endpoint());
        c.put("tributary.kinesis.poll-delay-ms", "100");
        c.put("tributary.lake.endpoint-override", s3proxy.endpoint());
        c.put("tributary.lake.raw-bucket", rawBucket);
        c.put("tributary.lake.errors-bucket", errorsBucket);
        c.put("tributary.aws.access-key-id", StandIns.ACCESS_KEY);
        c.put("tributary.aws.secret-access-key", StandIns.SECRET_KEY);
        c.put("tributary.ingest.api-key", stream + "-key");
        // the single-process polling consumer, which these ITs were written for; kclConfig adds the KCL consumer's settings
        c.put("tributary.kinesis.consumer", "polling");
        return c;
    }

    /** {@link #appConfig()} with the KCL consumer, its leases in the DynamoDB stand-in at {@code dynamoEndpoint} under
     *  application {@code application} (one per test: the lease tables are named after it), worker {@code workerId}. */
    public Map<String, String> kclConfig(String dynamoEndpoint, String application, String workerId) {
        Map<String, String> c = appConfig();
        c.put("tributary.kinesis.consumer", "kcl");
        c.put("tributary.kcl.dynamodb-endpoint-override", dynamoEndpoint);
        c.put("tributary.kcl.application-name", application);
        c.put("tributary.kcl.worker-id", workerId);
        return c;
    }

    /** Puts n seed-shaped events straight on the stream, user ids {@code <prefix>-<i>} so each is recognisable. */
    public void put(String prefix, int n) {
        put(prefix, 0, n, false);
    }

    /**
     * Puts events {@code from} to {@code from + n - 1} of a series, each with the producer event id (and user id)
     * {@code <prefix>-<i>}, as a producer that assigns its own ids sends them; returns the ids. The event times are recent
     * on the stream's clock, so none is late or future.
     */
    public List<String> putWithEventIds(String prefix, int from, int n) {
        return put(prefix, from, n, true, null);
    }

    /** As {@link #putWithEventIds(String, int, int)}, all to the shard whose hash key range holds {@code explicitHashKey}
     *  (a decimal 128-bit number; "0" is the first shard). */
    public List<String> putWithEventIds(String prefix, int from, int n, String explicitHashKey) {
        return put(prefix, from, n, true, explicitHashKey);
    }

    private List<String> put(String prefix, int from, int n, boolean eventIds) {
        return put(prefix, from, n, eventIds, null);
    }

    private List<String> put(String prefix, int from, int n, boolean eventIds, String explicitHashKey) {
        EventGenerator g = new EventGenerator(prefix.hashCode() + 31L * from, streamNow());
        List<String> ids = new ArrayList<>(n);
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            String id = prefix + "-" + i;
            String json = g.nextJson().replaceFirst("\"user_id\":\"user_\\d+\"", "\"user_id\":\"" + id + "\"");
            if (eventIds) {
                json = "{\"event_id\":\"" + id + "\"," + json.substring(1);
            }
            ids.add(id);
            entries.add(PutRecordsRequestEntry.builder().partitionKey(prefix + i).explicitHashKey(explicitHashKey)
                    .data(SdkBytes.fromUtf8String(json)).build());
            if (entries.size() == 500 || i == from + n - 1) {
                var response = kinesis.putRecords(b -> b.streamName(stream).records(entries));
                if (response.failedRecordCount() > 0) {
                    throw new IllegalStateException(response.failedRecordCount() + " records refused by the Kinesis stand-in");
                }
                entries.clear();
            }
        }
        return ids;
    }

    /** Every record of a shard as Kinesis holds it, oldest first. */
    public List<Record> shardRecords(String shard) {
        List<Record> out = new ArrayList<>();
        String it = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard).shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                .shardIterator();
        while (it != null) {
            String iterator = it;
            var r = kinesis.getRecords(b -> b.shardIterator(iterator).limit(10_000));
            out.addAll(r.records());
            if (r.records().isEmpty()) {
                break;
            }
            it = r.nextShardIterator();
        }
        return out;
    }

    /** The sequence number of a shard's checkpoint as the application wrote it to the raw bucket, if it wrote one. */
    public Optional<String> checkpoint(String shard) {
        Path file = basedir.resolve(rawBucket).resolve("_checkpoints/" + stream + "/" + shard);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            String text = Files.readString(file).trim();
            if (!text.startsWith("{")) {
                return Optional.of(text); // the older plain-text form
            }
            JsonNode json = JSON.readTree(text);
            return Optional.of(json.get("sequence_number").asText());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoint " + file, e);
        }
    }

    /** Every line of the raw zone. */
    public List<LakeFiles.Line> raw() {
        return LakeFiles.lines(basedir, rawBucket, "raw/events");
    }

    @Override
    public void close() {
        kinesis.close();
        kinesalite.close();
        s3proxy.close();
    }
}
