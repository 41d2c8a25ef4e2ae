package io.tributary.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.s3.S3Client;

/** A private set of stand-ins for tests that run the packaged application as a child process: its own kinesalite and
 *  s3proxy, a stream (2 shards unless told), raw and errors buckets, and the configuration that points the application at them. */
public final class LocalLake implements AutoCloseable {

    public final String stream;
    public final String rawBucket;
    public final String errorsBucket;
    public final Path work;
    public final Path basedir;
    public final StandInProcess kinesalite;
    public final StandInProcess s3proxy;
    public final KinesisClient kinesis;

    public LocalLake(String name) {
        this(name, 2);
    }

    public LocalLake(String name, int shards) {
        try {
            this.stream = name;
            this.rawBucket = "raw-" + name;
            this.errorsBucket = "errors-" + name;
            this.work = Files.createDirectories(Path.of("target", name).toAbsolutePath());
            this.basedir = Files.createTempDirectory("tributary-" + name + "-s3-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        kinesalite = StandIns.kinesalite(work);
        s3proxy = StandIns.s3proxy(basedir, work);
        kinesis = StandIns.kinesisClient(kinesalite.endpoint());
        StandIns.createStream(kinesis, stream, shards);
        try (S3Client s3 = StandIns.s3Client(s3proxy.endpoint())) {
            StandIns.createBucket(s3, rawBucket);
            StandIns.createBucket(s3, errorsBucket);
        }
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
        return c;
    }

    /** Puts n seed-shaped events straight on the stream, user ids {@code <prefix>-<i>} so each is recognisable. */
    public void put(String prefix, int n) {
        EventGenerator g = new EventGenerator(prefix.hashCode(), Instant.now());
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String json = g.nextJson().replaceFirst("\"user_id\":\"user_\\d+\"", "\"user_id\":\"" + prefix + "-" + i + "\"");
            entries.add(PutRecordsRequestEntry.builder().partitionKey(prefix + i).data(SdkBytes.fromUtf8String(json)).build());
            if (entries.size() == 500 || i == n - 1) {
                var response = kinesis.putRecords(b -> b.streamName(stream).records(entries));
                if (response.failedRecordCount() > 0) {
                    throw new IllegalStateException(response.failedRecordCount() + " records refused by the Kinesis stand-in");
                }
                entries.clear();
            }
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
