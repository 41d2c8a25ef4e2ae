package io.tributary.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import jakarta.inject.Inject;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.quarkus.test.CamelQuarkusTestSupport;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.tributary.batch.Batcher;
import io.tributary.ingest.StreamIngest;

/** Route logic of the ingest core with the S3 put replaced by a mock: batching, keys, the errors zone, retries and
 *  checkpoints. The consumer route is off and records are sent to direct:ingest; the S3 stand-in only answers the
 *  aws2-s3 endpoint's bucket check at startup. */
@QuarkusTest
@TestProfile(IngestRouteTest.class)
public class IngestRouteTest extends CamelQuarkusTestSupport {

    static final String VALID = "{\"timestamp\":\"2024-01-15T10:30:00Z\",\"user_id\":\"u1\",\"event_type\":\"click\"}";
    static final Instant ARRIVAL = Instant.parse("2024-01-15T10:30:01Z");

    @Inject
    Batcher batcher;

    @ConfigProperty(name = "tributary.lake.raw-bucket")
    String rawBucket;

    @ConfigProperty(name = "tributary.lake.errors-bucket")
    String errorsBucket;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "tributary.kinesis.consumer-enabled", "false",
                "tributary.batch.max-records", "3",
                "tributary.batch.max-age", "900s",
                "tributary.checkpoint.interval", "1h",
                "tributary.write.max-redeliveries", "2",
                "tributary.write.redelivery-delay-ms", "1");
    }

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @BeforeEach
    void replaceS3WithAMock() throws Exception {
        if (context.getRoute("write-batch").getEndpoint() != null && context.hasEndpoint("mock:s3") == null) {
            AdviceWith.adviceWith(context, "write-batch", r -> r.weaveById("put-object").replace().to("mock:s3"));
        }
        if (!context.isStarted()) {
            context.start();
        }
        MockEndpoint.resetMocks(context);
    }

    void send(String shard, long seq, String payload) {
        template.sendBodyAndHeaders("direct:ingest", payload.getBytes(StandardCharsets.UTF_8), Map.of(
                StreamIngest.SHARD_ID, shard,
                StreamIngest.SEQUENCE_NUMBER, String.valueOf(seq),
                StreamIngest.ARRIVAL, ARRIVAL));
    }

    static String gunzip(Exchange e) throws IOException {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(e.getMessage().getBody(byte[].class)))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void validRecordsAreBatchedIntoOneGzipObjectWithADeterministicRawKey() throws Exception {
        MockEndpoint s3 = getMockEndpoint("mock:s3");
        s3.expectedMessageCount(1);
        s3.expectedHeaderReceived("CamelAwsS3OverrideBucketName", rawBucket);
        s3.expectedHeaderReceived("CamelAwsS3Key", "raw/events/dt=2024-01-15/hour=10/shard-a-101-103.json.gz");
        for (int i = 101; i <= 103; i++) {
            send("shard-a", i, VALID);
        }
        s3.assertIsSatisfied();
        String[] lines = gunzip(s3.getExchanges().get(0)).split("\n");
        assertEquals(3, lines.length);
        assertTrue(lines[2].contains("\"sequence_number\":\"103\""));
        assertEquals("103", batcher.unpersistedCheckpoints().get("shard-a"));
    }

    @Test
    void invalidRecordsGoToTheErrorsZoneWithTheirReasonAndDoNotBlockValidOnes() throws Exception {
        MockEndpoint s3 = getMockEndpoint("mock:s3");
        s3.expectedMessageCount(2);
        send("shard-b", 1, "not json");
        send("shard-b", 2, VALID);
        send("shard-b", 3, "{\"user_id\":\"u\"}");
        send("shard-b", 4, "[1]");
        send("shard-b", 5, VALID);
        send("shard-b", 6, VALID);
        s3.assertIsSatisfied();
        Exchange errors = s3.getExchanges().get(0);
        assertEquals(errorsBucket, errors.getMessage().getHeader("CamelAwsS3OverrideBucketName"));
        // "[1]" is a JSON array of one record: its element 1 (sub-sequence 0) is rejected, keyed 4.0
        assertEquals("errors/events/dt=2024-01-15/shard-b-1-4.0.json.gz", errors.getMessage().getHeader("CamelAwsS3Key"));
        String body = gunzip(errors);
        assertTrue(body.contains("\"reason\":\"NOT_JSON\""));
        assertTrue(body.contains("\"reason\":\"MISSING_FIELD\""));
        assertTrue(body.contains("\"reason\":\"NOT_OBJECT\""));
        assertEquals("raw/events/dt=2024-01-15/hour=10/shard-b-2-6.json.gz", s3.getExchanges().get(1).getMessage().getHeader("CamelAwsS3Key"));
        assertEquals("6", batcher.unpersistedCheckpoints().get("shard-b"));
    }

    @Test
    void recordsThatOnceEscapedProcessingLandInTheErrorsZoneAndTheCheckpointPassesThemOnlyThere() throws Exception {
        MockEndpoint s3 = getMockEndpoint("mock:s3");
        s3.expectedMessageCount(2);
        String farYear = "{\"timestamp\":\"+999999999-01-01T00:00:00Z\",\"user_id\":\"u\",\"event_type\":\"click\"}";
        String controlOnly = "{\"timestamp\":\"2024-01-15T10:30:00Z\",\"user_id\":\"u\",\"event_type\":\"\\u0001\"}";
        String hugeNumber = "{\"timestamp\":\"2024-01-15T10:30:00Z\",\"user_id\":\"u\",\"event_type\":\"click\",\"n\":"
                + "9".repeat(1_200) + "}";
        send("shard-c", 1, VALID);
        send("shard-c", 2, farYear);
        send("shard-c", 3, VALID);
        send("shard-c", 4, controlOnly);
        send("shard-c", 5, VALID);
        send("shard-c", 6, hugeNumber);
        s3.assertIsSatisfied();
        Exchange raw = s3.getExchanges().get(0);
        assertEquals("raw/events/dt=2024-01-15/hour=10/shard-c-1-5.json.gz", raw.getMessage().getHeader("CamelAwsS3Key"));
        Exchange errors = s3.getExchanges().get(1);
        assertEquals("errors/events/dt=2024-01-15/shard-c-2-6.json.gz", errors.getMessage().getHeader("CamelAwsS3Key"));
        String[] lines = gunzip(errors).split("\n");
        assertEquals(3, lines.length);
        assertTrue(lines[0].contains("\"reason\":\"BAD_TIMESTAMP\"") && lines[0].contains("+999999999"), lines[0]);
        assertTrue(lines[1].contains("\"reason\":\"BAD_CHARACTER\""), lines[1]);
        assertTrue(lines[2].contains("\"reason\":\"NUMBER_TOO_LONG\""), lines[2]);
        assertEquals("6", batcher.unpersistedCheckpoints().get("shard-c"));
    }

    @Test
    void aFailedPutIsRetriedAndTheCheckpointAdvancesOnlyAfterItSucceeds() throws Exception {
        MockEndpoint s3 = getMockEndpoint("mock:s3");
        s3.expectedMessageCount(2);
        s3.whenExchangeReceived(1, e -> {
            assertNull(batcher.unpersistedCheckpoints().get("shard-c"), "no checkpoint before the put succeeds");
            throw new IllegalStateException("S3 is down");
        });
        for (int i = 1; i <= 3; i++) {
            send("shard-c", i, VALID);
        }
        s3.assertIsSatisfied();
        assertEquals("raw/events/dt=2024-01-15/hour=10/shard-c-1-3.json.gz", s3.getExchanges().get(1).getMessage().getHeader("CamelAwsS3Key"));
        assertEquals("3", batcher.unpersistedCheckpoints().get("shard-c"));
    }

    @Test
    void aPutThatKeepsFailingHoldsTheCheckpointBackAndSurfacesTheError() throws Exception {
        MockEndpoint s3 = getMockEndpoint("mock:s3");
        s3.whenAnyExchangeReceived(e -> {
            throw new IllegalStateException("S3 is down");
        });
        s3.expectedMessageCount(3);
        send("shard-d", 1, VALID);
        send("shard-d", 2, VALID);
        assertThrows(CamelExecutionException.class, () -> send("shard-d", 3, VALID));
        s3.assertIsSatisfied();
        assertNull(batcher.unpersistedCheckpoints().get("shard-d"));
        assertEquals("1", batcher.firstUndurable("shard-d"));
    }
}
