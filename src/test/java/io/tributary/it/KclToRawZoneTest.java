package io.tributary.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tributary.local.DynamoDbStandInResource;
import io.tributary.local.KinesisStandInResource;
import io.tributary.local.LakeFiles;
import io.tributary.local.S3StandInResource;
import io.tributary.local.StandIns;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The KCL consumer end to end on the stand-ins (kinesalite, dynalite, s3proxy): HTTP → Kinesis → kcl: route (one exchange
 * per GetRecords batch) → raw zone; each shard's lease holds a KCL checkpoint that is never past the durable position in
 * the S3 checkpoint object, and reaches the shard's last record once everything is durable.
 */
@QuarkusTest
@QuarkusTestResource(KinesisStandInResource.class)
@QuarkusTestResource(S3StandInResource.class)
@QuarkusTestResource(DynamoDbStandInResource.class)
class KclToRawZoneTest {

    @ConfigProperty(name = "test.s3-basedir")
    Path basedir;
    @ConfigProperty(name = "tributary.lake.raw-bucket")
    String rawBucket;
    @ConfigProperty(name = "tributary.kinesis.stream")
    String stream;
    @ConfigProperty(name = "tributary.kcl.application-name")
    String application;
    @ConfigProperty(name = "tributary.kcl.dynamodb-endpoint-override")
    String dynamoEndpoint;

    @Test
    void postedEventsReachTheRawZoneOnceAndTheLeaseCheckpointsStopAtTheDurablePosition() throws Exception {
        String marker = "k" + UUID.randomUUID().toString().substring(0, 6);
        int n = 400;
        given().header("X-Api-Key", "test-key").contentType("application/x-ndjson")
                .body(HttpToRawZoneTest.events(marker, n).getBytes(StandardCharsets.UTF_8))
                .when().post("/events")
                .then().statusCode(200).body("accepted", equalTo(n));

        // the first KCL worker on an empty lease table waits 1-30 s before it creates the leases
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> rawIds(marker).size() >= n);
        List<LakeFiles.Line> lines = LakeFiles.lines(basedir, rawBucket, "raw/events").stream()
                .filter(l -> l.json().get("user_id").asText().startsWith(marker + "_")).toList();
        assertEquals(n, lines.size(), "every event exactly once");
        Map<String, BigInteger> lastSeq = new HashMap<>();
        for (LakeFiles.Line l : lines) {
            lastSeq.merge(l.json().get("shard_id").asText(), new BigInteger(l.json().get("sequence_number").asText()), BigInteger::max);
        }

        try (DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(URI.create(dynamoEndpoint)).region(Region.of(StandIns.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(StandIns.ACCESS_KEY, StandIns.SECRET_KEY))).build()) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                Map<String, String> leases = leaseCheckpoints(dynamo);
                assertEquals(2, leases.size(), "a lease per shard: " + leases);
                lastSeq.forEach((shard, last) -> assertEquals(last.toString(), leases.get(shard), "lease of " + shard + " at its last record"));
            });
            // the S3 checkpoint object (the shard's watermark for sealing) is written by a timer from the same durable
            // positions, so it may trail the lease for up to tributary.checkpoint.interval: it must reach the same record
            Map<String, String> leases = leaseCheckpoints(dynamo);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                for (var e : lastSeq.entrySet()) {
                    assertEquals(e.getValue().toString(), checkpointObject(e.getKey()), "S3 checkpoint of " + e.getKey());
                }
            });
            for (String shard : lastSeq.keySet()) {
                String durable = checkpointObject(shard);
                assertTrue(new BigInteger(leases.get(shard)).compareTo(new BigInteger(durable)) <= 0,
                        "KCL checkpoint " + leases.get(shard) + " of " + shard + " not past the durable position " + durable);
            }
        }
    }

    private Set<String> rawIds(String marker) {
        Set<String> ids = new HashSet<>();
        LakeFiles.lines(basedir, rawBucket, "raw/events").stream()
                .filter(l -> l.json().get("user_id").asText().startsWith(marker + "_"))
                .forEach(l -> ids.add(l.json().get("event_id").asText()));
        return ids;
    }

    private Map<String, String> leaseCheckpoints(DynamoDbClient dynamo) {
        Map<String, String> out = new HashMap<>();
        for (Map<String, AttributeValue> item : dynamo.scan(b -> b.tableName(application)).items()) {
            out.put(item.get("leaseKey").s(), item.get("checkpoint").s());
        }
        return out;
    }

    private String checkpointObject(String shard) throws java.io.IOException {
        String text = Files.readString(basedir.resolve(rawBucket).resolve("_checkpoints").resolve(stream).resolve(shard));
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text).get("sequence_number").asText();
    }
}
