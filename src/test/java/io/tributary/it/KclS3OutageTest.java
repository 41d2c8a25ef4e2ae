package io.tributary.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tributary.health.LakeReadiness;
import io.tributary.lambda.S3Faults;
import io.tributary.local.DynamoDbStandInResource;
import io.tributary.local.LakeFiles;
import io.tributary.local.S3StandInResource;
import io.tributary.local.StandInProcess;
import io.tributary.local.StandIns;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * Robust reading (issue 11, item 6): S3 refuses every put for longer than a shard iterator lives (kinesalite started with
 * a 15 s iterator lifetime instead of Kinesis's 5 minutes). The KCL consumer holds its shards (backpressure: at most 20
 * records read and not durable), readiness reports that it cannot make progress, and when S3 is back reading recovers
 * without a restart (the KCL asks for a new iterator after the expired one) and every event reaches the raw zone.
 */
@QuarkusTest
@TestProfile(KclS3OutageTest.Outage.class)
class KclS3OutageTest {

    static final Duration ITERATOR_LIFETIME = Duration.ofSeconds(15);

    /** kinesalite with short-lived shard iterators, for this test alone. */
    public static class ShortIteratorKinesis implements QuarkusTestResourceLifecycleManager {
        static StandInProcess server;

        @Override
        public Map<String, String> start() {
            server = StandIns.kinesalite(Path.of("target").toAbsolutePath(), Duration.ZERO, ITERATOR_LIFETIME);
            try (KinesisClient kinesis = StandIns.kinesisClient(server.endpoint())) {
                StandIns.createStream(kinesis, "outage", 2);
            }
            return Map.of("tributary.kinesis.endpoint-override", server.endpoint(), "tributary.kinesis.stream", "outage");
        }

        @Override
        public void stop() {
            server.close();
        }
    }

    public static class Outage implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(S3Faults.class);
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "tributary.kcl.max-undurable-records", "20",
                    "tributary.kcl.stall-timeout", "5s",
                    "tributary.write.redelivery-delay-ms", "200",
                    "tributary.write.max-redelivery-delay-ms", "1000");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ShortIteratorKinesis.class), new TestResourceEntry(S3StandInResource.class),
                    new TestResourceEntry(DynamoDbStandInResource.class));
        }
    }

    @ConfigProperty(name = "test.s3-basedir")
    Path basedir;
    @ConfigProperty(name = "tributary.lake.raw-bucket")
    String rawBucket;

    @Readiness
    LakeReadiness readiness;

    @AfterEach
    void s3Back() {
        S3Faults.clear();
    }

    void put(KinesisClient kinesis, String prefix, int n) {
        List<PutRecordsRequestEntry> entries = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            entries.add(PutRecordsRequestEntry.builder().partitionKey(prefix + i).data(SdkBytes.fromUtf8String(
                    "{\"event_id\":\"" + prefix + "-" + i + "\",\"timestamp\":\"" + java.time.Instant.now() + "\",\"user_id\":\"u" + i
                            + "\",\"event_type\":\"click\"}")).build());
        }
        kinesis.putRecords(b -> b.streamName("outage").records(entries));
    }

    Set<String> rawIds() {
        Set<String> ids = new HashSet<>();
        LakeFiles.lines(basedir, rawBucket, "raw/events").forEach(l -> ids.add(l.json().get("event_id").asText()));
        return ids;
    }

    static Set<String> ids(String prefix, int n) {
        Set<String> out = new HashSet<>();
        for (int i = 0; i < n; i++) {
            out.add(prefix + "-" + i);
        }
        return out;
    }

    @Test
    void anS3OutageLongerThanAnIteratorLivesIsReportedAndReadingRecoversWithoutARestart() {
        try (KinesisClient kinesis = StandIns.kinesisClient(ShortIteratorKinesis.server.endpoint())) {
            put(kinesis, "before", 10);
            // the first KCL worker on an empty lease table waits 1-30 s before it creates the leases
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> rawIds().containsAll(ids("before", 10)));
            assertEquals(HealthCheckResponse.Status.UP, readiness.call().getStatus(), () -> String.valueOf(readiness.call().getData()));

            S3Faults.failPuts(key -> true);
            long down = System.nanoTime();
            put(kinesis, "during", 200);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> readiness.call().getStatus() == HealthCheckResponse.Status.DOWN);
            String reported = String.valueOf(readiness.call().getData().orElseThrow().get("consumer"));
            assertTrue(reported.contains("not durable") || reported.contains("no GetRecords result"), reported);
            // S3 stays down until the shards' iterators have certainly expired (the consumer stopped reading at the first
            // backpressure, so its last iterator is at least as old as the outage)
            long held = ITERATOR_LIFETIME.plusSeconds(10).toNanos() - (System.nanoTime() - down);
            if (held > 0) {
                await().pollDelay(Duration.ofNanos(held)).atMost(Duration.ofNanos(held).plusSeconds(5)).until(() -> true);
            }
            double outageSeconds = (System.nanoTime() - down) / 1e9;
            S3Faults.clear();

            long back = System.nanoTime();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> rawIds().containsAll(ids("during", 200)));
            put(kinesis, "after", 10);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> rawIds().containsAll(ids("after", 10)));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> readiness.call().getStatus() == HealthCheckResponse.Status.UP);
            System.out.printf("S3 OUTAGE: held %.0f s (iterator lifetime %d s); readiness said: %s; all 200 events of the outage "
                    + "in the raw zone %.1f s after S3 came back%n", outageSeconds, ITERATOR_LIFETIME.toSeconds(), reported,
                    (System.nanoTime() - back) / 1e9);
        }
    }
}
