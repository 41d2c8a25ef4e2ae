package io.tributary.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.tributary.local.KinesisStandInResource;
import io.tributary.local.LakeFiles;
import io.tributary.local.LambdaRuntimeStandInResource;
import io.tributary.local.S3StandInResource;
import io.tributary.local.StandIns;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;

/**
 * The documented replay of a range the event source mapping skipped (docs/lambda.md): {@code bin/replay-skipped-range}
 * with the AWS CLI against kinesalite and the Lambda mock event server (which answers the Lambda Invoke API), given an
 * on-failure record shaped like the one the mapping writes. Needs {@code aws} and {@code jq} on PATH.
 */
@QuarkusTest
@TestProfile(ReplaySkippedRangeTest.OwnBuckets.class)
@QuarkusTestResource(S3StandInResource.class)
@QuarkusTestResource(LambdaRuntimeStandInResource.class)
@QuarkusTestResource(KinesisStandInResource.class)
class ReplaySkippedRangeTest {

    static final ObjectMapper JSON = new ObjectMapper();

    /** The Lambda test profile in an application start of its own, so with buckets of its own: the records this test
     *  puts into kinesalite have shard ids that KinesisLambdaTest's made-up events use too. */
    public static class OwnBuckets extends LambdaTestProfile {
    }

    @ConfigProperty(name = "test.lambda.events-url")
    String lambdaEndpoint;
    @ConfigProperty(name = "tributary.kinesis.endpoint-override")
    String kinesisEndpoint;
    @ConfigProperty(name = "tributary.kinesis.stream")
    String stream;
    @ConfigProperty(name = "test.s3-basedir")
    Path basedir;
    @ConfigProperty(name = "tributary.lake.raw-bucket")
    String rawBucket;

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theSkippedRangeIsReadAgainFromTheStreamAndLandsInTheRawZone() throws Exception {
        // a developer without the tools may skip it; CI (bin/test installs jq, the AWS CLI is a prerequisite) must run it
        boolean tools = onPath("aws") && onPath("jq");
        if (System.getenv("CI") != null) {
            org.junit.jupiter.api.Assertions.assertTrue(tools, "CI must run the replay script: put the AWS CLI and jq on PATH");
        }
        Assumptions.assumeTrue(tools, "the replay script needs the AWS CLI and jq on PATH");
        List<String> seq = new ArrayList<>();
        Set<String> shards = new HashSet<>();
        try (KinesisClient kinesis = StandIns.kinesisClient(kinesisEndpoint)) {
            for (int i = 0; i < 8; i++) {
                String event = "{\"timestamp\":\"2024-11-25T10:00:00Z\",\"user_id\":\"replay_" + i + "\",\"event_type\":\"page_view\"}";
                PutRecordResponse r = kinesis.putRecord(b -> b.streamName(stream).partitionKey("one-shard")
                        .data(SdkBytes.fromString(event, StandardCharsets.UTF_8)));
                seq.add(r.sequenceNumber());
                shards.add(r.shardId());
            }
        }
        assertEquals(1, shards.size(), "one partition key, one shard");
        String shard = shards.iterator().next();
        // what the mapping writes to its on-failure destination when it gives up on records 2-5 (metadata, no data)
        ObjectNode message = JSON.createObjectNode();
        message.putObject("requestContext").put("condition", "RetryAttemptsExhausted").put("approximateInvokeCount", 11);
        message.put("version", "1.0");
        ObjectNode info = message.putObject("KinesisBatchInfo");
        info.put("shardId", shard);
        info.put("startSequenceNumber", seq.get(2));
        info.put("endSequenceNumber", seq.get(5));
        info.put("batchSize", 4);
        info.put("streamArn", "arn:aws:kinesis:us-east-1:000000000000:stream/" + stream);
        Path file = Files.createTempFile(Path.of("target"), "on-failure-", ".json");
        Files.writeString(file, message.toString());

        ProcessBuilder pb = new ProcessBuilder("bin/replay-skipped-range", "--function", "tributary:live", "--message", file.toString(),
                "--batch-size", "3", "--region", "us-east-1", "--kinesis-endpoint", kinesisEndpoint,
                "--lambda-endpoint", lambdaEndpoint.replaceAll("/$", ""));
        pb.environment().put("AWS_ACCESS_KEY_ID", "local");
        pb.environment().put("AWS_SECRET_ACCESS_KEY", "local-secret");
        pb.environment().remove("AWS_PROFILE");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), output);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("replayed 4 records"), output);

        List<LakeFiles.Line> lines = LakeFiles.lines(basedir, rawBucket, "raw/events").stream()
                .filter(l -> l.key().contains("/" + shard + "-")).toList();
        assertEquals(Set.copyOf(seq.subList(2, 6)), lines.stream().map(l -> l.json().get("sequence_number").asText())
                .collect(Collectors.toSet()), "exactly the skipped range, read again from the stream");
        assertEquals(4, lines.size());
        assertEquals(Set.of("replay_2", "replay_3", "replay_4", "replay_5"),
                lines.stream().map(l -> l.json().get("user_id").asText()).collect(Collectors.toSet()));
        Files.deleteIfExists(file);
    }
}
