package io.tributary.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.tributary.local.AppProcess;
import io.tributary.local.EventGenerator;
import io.tributary.local.LakeFiles;
import io.tributary.local.StandInProcess;
import io.tributary.local.StandIns;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.s3.S3Client;

/** A shard split while the application consumes: the parent is read to its end exactly once, the children from their start. */
class ReshardIT {

    static final String STREAM = "reshard-it";
    static final String RAW = "raw-reshard";
    static final String ERRORS = "errors-reshard";

    static Path work;
    static Path basedir;
    static StandInProcess kinesalite;
    static StandInProcess s3proxy;
    static KinesisClient kinesis;

    @BeforeAll
    static void standIns() throws IOException {
        work = Files.createDirectories(Path.of("target/reshard-it").toAbsolutePath());
        basedir = Files.createTempDirectory("tributary-reshard-s3-");
        kinesalite = StandIns.kinesalite(work);
        s3proxy = StandIns.s3proxy(basedir, work);
        kinesis = StandIns.kinesisClient(kinesalite.endpoint());
        StandIns.createStream(kinesis, STREAM, 2);
        try (S3Client s3 = StandIns.s3Client(s3proxy.endpoint())) {
            StandIns.createBucket(s3, RAW);
            StandIns.createBucket(s3, ERRORS);
        }
    }

    @AfterAll
    static void stopStandIns() {
        kinesis.close();
        kinesalite.close();
        s3proxy.close();
    }

    static void put(String prefix, int n) {
        EventGenerator g = new EventGenerator(prefix.hashCode(), Instant.now());
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String json = g.nextJson().replaceFirst("\"user_id\":\"user_\\d+\"", "\"user_id\":\"" + prefix + "-" + i + "\"");
            entries.add(PutRecordsRequestEntry.builder().partitionKey(prefix + i).data(SdkBytes.fromUtf8String(json)).build());
            if (entries.size() == 500 || i == n - 1) {
                assertEquals(0, kinesis.putRecords(b -> b.streamName(STREAM).records(entries)).failedRecordCount());
                entries.clear();
            }
        }
    }

    @Test
    void aSplitShardIsReadToItsEndOnceAndItsChildrenFromTheirStart() throws Exception {
        Map<String, String> c = new HashMap<>();
        c.put("tributary.kinesis.stream", STREAM);
        c.put("tributary.kinesis.endpoint-override", kinesalite.endpoint());
        c.put("tributary.kinesis.poll-delay-ms", "100");
        c.put("tributary.kinesis.shard-monitor-interval-ms", "500");
        c.put("tributary.lake.endpoint-override", s3proxy.endpoint());
        c.put("tributary.lake.raw-bucket", RAW);
        c.put("tributary.lake.errors-bucket", ERRORS);
        c.put("tributary.aws.access-key-id", StandIns.ACCESS_KEY);
        c.put("tributary.aws.secret-access-key", StandIns.SECRET_KEY);
        c.put("tributary.ingest.api-key", "reshard-it-key");
        c.put("tributary.batch.max-age", "2s");
        c.put("tributary.checkpoint.interval", "1s");

        put("before", 400);
        try (AppProcess app = AppProcess.start(c, work.resolve("app.log"))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> app.metric("tributary_records_received_total") >= 400);

            String parent = "shardId-000000000000";
            BigInteger half = BigInteger.ONE.shiftLeft(126);
            kinesis.splitShard(b -> b.streamName(STREAM).shardToSplit(parent).newStartingHashKey(half.toString()));
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    kinesis.describeStreamSummary(b -> b.streamName(STREAM)).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
            put("after", 600);

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> LakeFiles.lines(basedir, RAW, "raw/events").size() >= 1000);
            // once every shard, the closed parent included, has a durable checkpoint the consumer has re-polled the parent
            // (its iterator is re-opened after a close) several times: a re-read from its start would show in the count
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                try (var files = Files.list(basedir.resolve(RAW).resolve("_checkpoints").resolve(STREAM))) {
                    return files.count() >= 4;
                }
            });
            assertEquals(1000.0, app.metric("tributary_records_received_total"), "no record was read twice");

            List<LakeFiles.Line> lines = LakeFiles.lines(basedir, RAW, "raw/events");
            assertEquals(1000, lines.size());
            Set<String> users = new HashSet<>();
            Set<String> shards = new HashSet<>();
            lines.forEach(l -> {
                users.add(l.json().get("user_id").asText());
                shards.add(l.json().get("shard_id").asText());
            });
            assertEquals(1000, users.size());
            assertTrue(shards.size() >= 3, "records from the children of the split shard: " + shards);
        }
    }
}
