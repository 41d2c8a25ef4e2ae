package io.tributary.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tributary.ingest.KplAggregate;
import io.tributary.local.KinesisStandInResource;
import io.tributary.local.LakeFiles;
import io.tributary.local.S3StandInResource;
import io.tributary.local.StandIns;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;

/**
 * What real producers put, end to end on the stand-ins (kinesalite → consumer route → s3proxy): the seed's own
 * {@code aws kinesis put-record … fileb://data/sample_input.json} (a JSON array of 3 events in one Kinesis record), a KPL
 * aggregate of 3 events, and NDJSON with one bad line. Every user record is validated alone and gets its own event id.
 */
@QuarkusTest
@QuarkusTestResource(KinesisStandInResource.class)
@QuarkusTestResource(S3StandInResource.class)
class ProducerFormatsToRawZoneTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "test.s3-basedir")
    Path basedir;
    @ConfigProperty(name = "tributary.lake.raw-bucket")
    String rawBucket;
    @ConfigProperty(name = "tributary.lake.errors-bucket")
    String errorsBucket;
    @ConfigProperty(name = "tributary.kinesis.stream")
    String stream;
    @ConfigProperty(name = "tributary.kinesis.endpoint-override")
    String kinesisEndpoint;

    List<JsonNode> rawLinesOf(String sequenceNumber) {
        return LakeFiles.lines(basedir, rawBucket, "raw/events").stream().map(LakeFiles.Line::json)
                .filter(j -> j.get("sequence_number").asText().equals(sequenceNumber)).toList();
    }

    List<JsonNode> errorLinesOf(String sequenceNumber) {
        return LakeFiles.lines(basedir, errorsBucket, "errors/events").stream().map(LakeFiles.Line::json)
                .filter(j -> j.get("sequence_number").asText().equals(sequenceNumber)).toList();
    }

    /** The command, against kinesalite; the SDK's PutRecord with the same bytes when the AWS CLI cannot run. */
    String putSampleFile() throws IOException, InterruptedException {
        Path sample = Path.of("data/sample_input.json").toAbsolutePath();
        try {
            ProcessBuilder command = new ProcessBuilder("aws", "kinesis", "put-record", "--stream-name", stream,
                    "--partition-key", "user123", "--data", "fileb://" + sample, "--endpoint-url", kinesisEndpoint, "--output", "json");
            Map<String, String> env = command.environment();
            env.put("AWS_ACCESS_KEY_ID", "test");
            env.put("AWS_SECRET_ACCESS_KEY", "test");
            env.put("AWS_DEFAULT_REGION", "us-east-1");
            Process aws = command.start();
            aws.getOutputStream().close();
            if (aws.waitFor(60, TimeUnit.SECONDS) && aws.exitValue() == 0) {
                return JSON.readTree(aws.getInputStream()).get("SequenceNumber").asText();
            }
            aws.destroyForcibly();
            System.err.println("aws kinesis put-record failed (" + new String(aws.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)
                    + "); putting the same bytes with the SDK");
        } catch (IOException e) {
            System.err.println("no AWS CLI (" + e.getMessage() + "); putting the same bytes with the SDK");
        }
        return put("user123", Files.readAllBytes(sample)).sequenceNumber();
    }

    PutRecordResponse put(String partitionKey, byte[] data) {
        try (KinesisClient kinesis = StandIns.kinesisClient(kinesisEndpoint)) {
            return kinesis.putRecord(b -> b.streamName(stream).partitionKey(partitionKey).data(SdkBytes.fromByteArray(data)));
        }
    }

    static String event(String user) {
        return "{\"timestamp\":\"" + Instant.now() + "\",\"user_id\":\"" + user + "\",\"event_type\":\"page_view\"}";
    }

    static Set<String> distinct(List<JsonNode> lines, String field) {
        Set<String> values = new HashSet<>();
        lines.forEach(l -> values.add(l.get(field).asText()));
        return values;
    }

    @Test
    void theSeedSampleFilePutAsOneRecordLandsAsThreeEventsWithDistinctIds() throws Exception {
        String seq = putSampleFile();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> rawLinesOf(seq).size() >= 3);
        List<JsonNode> lines = rawLinesOf(seq);
        assertEquals(3, lines.size(), "each event of the array exactly once");
        assertEquals(Set.of("user_123", "user_456"), distinct(lines, "user_id"));
        assertEquals(Set.of("page_view", "add_to_cart", "purchase"), distinct(lines, "event_type"));
        assertEquals(3, distinct(lines, "event_id").size(), "a derived event id per element");
        assertEquals(List.of(), errorLinesOf(seq));
    }

    @Test
    void aKplAggregateOfThreeEventsLandsAsThreeEventsWithDistinctIds() {
        String marker = "kpl" + UUID.randomUUID().toString().substring(0, 6);
        List<String> users = List.of(marker + "_0", marker + "_1", marker + "_2");
        String seq = put(marker, KplAggregate.ofText(marker, users.stream().map(ProducerFormatsToRawZoneTest::event).toList()))
                .sequenceNumber();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> rawLinesOf(seq).size() >= 3);
        List<JsonNode> lines = rawLinesOf(seq);
        assertEquals(3, lines.size(), "each user record exactly once");
        assertEquals(Set.copyOf(users), distinct(lines, "user_id"));
        assertEquals(3, distinct(lines, "event_id").size(), "a derived event id per user record");
        assertEquals(List.of(), errorLinesOf(seq));
    }

    @Test
    void oneBadLineOfAnNdjsonRecordGoesToTheErrorsZoneAndTheOthersToTheRawZone() {
        String marker = "nd" + UUID.randomUUID().toString().substring(0, 6);
        String ndjson = event(marker + "_0") + "\n{\"user_id\":\"" + marker + "_bad\",\"event_type\":\"click\"}\n" + event(marker + "_2") + "\n";
        String seq = put(marker, ndjson.getBytes(StandardCharsets.UTF_8)).sequenceNumber();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> rawLinesOf(seq).size() >= 2 && !errorLinesOf(seq).isEmpty());
        assertEquals(Set.of(marker + "_0", marker + "_2"), distinct(rawLinesOf(seq), "user_id"));
        List<JsonNode> errors = errorLinesOf(seq);
        assertEquals(1, errors.size());
        assertEquals("MISSING_FIELD", errors.get(0).get("reason").asText());
        assertEquals(1, errors.get(0).get("sub_sequence_number").asInt(), "the line's index in the record");
    }

    @Test
    void aGzipCompressedRecordIsInflatedAndACorruptOneIsKeptWholeAsBadCompression() {
        String marker = "gz" + UUID.randomUUID().toString().substring(0, 6);
        String ndjson = event(marker + "_0") + "\n" + event(marker + "_1") + "\n";
        String seq = put(marker, LakeFiles.gzip(ndjson.getBytes(StandardCharsets.UTF_8))).sequenceNumber();
        String single = put(marker, LakeFiles.gzip(event(marker + "_single").getBytes(StandardCharsets.UTF_8))).sequenceNumber();
        byte[] corrupt = LakeFiles.gzip(event(marker + "_x").getBytes(StandardCharsets.UTF_8));
        corrupt[corrupt.length - 5] ^= 0x55; // the CRC-32 trailer no longer matches
        String bad = put(marker, corrupt).sequenceNumber();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> rawLinesOf(seq).size() >= 2 && !rawLinesOf(single).isEmpty() && !errorLinesOf(bad).isEmpty());
        assertEquals(Set.of(marker + "_0", marker + "_1"), distinct(rawLinesOf(seq), "user_id"));
        assertEquals(Set.of(marker + "_single"), distinct(rawLinesOf(single), "user_id"));
        List<JsonNode> errors = errorLinesOf(bad);
        assertEquals(1, errors.size());
        assertEquals("BAD_COMPRESSION", errors.get(0).get("reason").asText());
        assertEquals("base64", errors.get(0).get("payload_encoding").asText(), "kept byte for byte");
    }
}
