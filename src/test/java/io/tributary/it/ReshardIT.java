package io.tributary.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.tributary.local.AppProcess;
import io.tributary.local.LakeFiles;
import io.tributary.local.LocalLake;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/** A shard split while the application consumes: the parent is read to its end exactly once, the children from their start. */
class ReshardIT {

    static LocalLake lake;

    @BeforeAll
    static void standIns() {
        lake = new LocalLake("reshard-it");
    }

    @AfterAll
    static void stopStandIns() {
        lake.close();
    }

    @Test
    void aSplitShardIsReadToItsEndOnceAndItsChildrenFromTheirStart() throws Exception {
        Map<String, String> c = lake.appConfig();
        c.put("tributary.kinesis.shard-monitor-interval-ms", "500");
        c.put("tributary.batch.max-age", "2s");
        c.put("tributary.checkpoint.interval", "1s");

        lake.put("before", 400);
        try (AppProcess app = AppProcess.start(c, lake.work.resolve("app.log"))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> app.metric("tributary_records_received_total") >= 400);

            String parent = "shardId-000000000000";
            BigInteger half = BigInteger.ONE.shiftLeft(126);
            lake.kinesis.splitShard(b -> b.streamName(lake.stream).shardToSplit(parent).newStartingHashKey(half.toString()));
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    lake.kinesis.describeStreamSummary(b -> b.streamName(lake.stream)).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
            lake.put("after", 600);

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> lake.raw().size() >= 1000);
            // once every shard, the closed parent included, has a durable checkpoint the consumer has re-polled the parent
            // (its iterator is re-opened after a close) several times: a re-read from its start would show in the count
            Path checkpoints = lake.basedir.resolve(lake.rawBucket).resolve("_checkpoints").resolve(lake.stream);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                if (!Files.isDirectory(checkpoints)) {
                    return false;
                }
                try (var files = Files.list(checkpoints)) {
                    return files.count() >= 4;
                }
            });
            assertEquals(1000.0, app.metric("tributary_records_received_total"), "no record was read twice");

            List<LakeFiles.Line> lines = lake.raw();
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
