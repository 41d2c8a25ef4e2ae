package io.tributary.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

class KinesisPublisherTest {

    /** Records every PutRecords call; the answer function decides per entry whether it fails. */
    static final class RecordingKinesis implements KinesisClient {
        final List<List<PutRecordsRequestEntry>> calls = new ArrayList<>();
        final Function<String, Boolean> fails;

        RecordingKinesis(Function<String, Boolean> fails) {
            this.fails = fails;
        }

        @Override
        public PutRecordsResponse putRecords(PutRecordsRequest request) {
            calls.add(request.records());
            List<PutRecordsResultEntry> results = new ArrayList<>();
            int failed = 0;
            for (PutRecordsRequestEntry e : request.records()) {
                String data = e.data().asUtf8String();
                if (fails.apply(data + "#" + calls.size())) {
                    failed++;
                    results.add(PutRecordsResultEntry.builder().errorCode("ProvisionedThroughputExceededException").errorMessage("slow down").build());
                } else {
                    results.add(PutRecordsResultEntry.builder().shardId("shardId-0").sequenceNumber(data).build());
                }
            }
            return PutRecordsResponse.builder().records(results).failedRecordCount(failed).build();
        }

        @Override
        public String serviceName() {
            return "kinesis";
        }

        @Override
        public void close() {
        }
    }

    static List<KinesisPublisher.Entry> entries(int n, int size) {
        List<KinesisPublisher.Entry> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String padded = (i + "|" + "x".repeat(size)).substring(0, Math.max(size, String.valueOf(i).length() + 1));
            list.add(new KinesisPublisher.Entry(padded.getBytes(StandardCharsets.UTF_8), "user-" + i));
        }
        return list;
    }

    @Test
    void splitsIntoCallsOfAtMost500Records() throws Exception {
        RecordingKinesis kinesis = new RecordingKinesis(d -> false);
        List<Long> sleeps = new ArrayList<>();
        var outcomes = new KinesisPublisher(kinesis, "s", 3, Duration.ofMillis(10), sleeps::add).publish(entries(1201, 10));
        assertEquals(List.of(500, 500, 201), kinesis.calls.stream().map(List::size).toList());
        assertEquals(1201, outcomes.size());
        assertTrue(outcomes.stream().allMatch(KinesisPublisher.Outcome::ok));
        assertTrue(sleeps.isEmpty());
    }

    @Test
    void splitsIntoCallsOfAtMostFiveMebibytes() throws Exception {
        RecordingKinesis kinesis = new RecordingKinesis(d -> false);
        new KinesisPublisher(kinesis, "s", 3, Duration.ofMillis(10), ms -> { }).publish(entries(12, 1024 * 1024 - 100));
        for (var call : kinesis.calls) {
            long bytes = call.stream().mapToLong(e -> e.data().asByteArray().length + e.partitionKey().length()).sum();
            assertTrue(bytes <= KinesisPublisher.MAX_BYTES_PER_CALL, "call of " + bytes + " bytes");
        }
        assertEquals(12, kinesis.calls.stream().mapToInt(List::size).sum());
    }

    @Test
    void retriesOnlyTheFailedEntriesWithBackoff() throws Exception {
        // entries 3 and 7 fail on the first call only
        RecordingKinesis kinesis = new RecordingKinesis(d -> d.endsWith("#1") && (d.startsWith("3|") || d.startsWith("7|")));
        List<Long> sleeps = new ArrayList<>();
        var outcomes = new KinesisPublisher(kinesis, "s", 3, Duration.ofMillis(100), sleeps::add).publish(entries(10, 10));
        assertEquals(2, kinesis.calls.size());
        assertEquals(2, kinesis.calls.get(1).size());
        assertTrue(kinesis.calls.get(1).get(0).data().asUtf8String().startsWith("3|"));
        assertTrue(outcomes.stream().allMatch(KinesisPublisher.Outcome::ok));
        assertEquals(1, sleeps.size());
        assertTrue(sleeps.get(0) >= 0 && sleeps.get(0) <= 100);
    }

    @Test
    void entriesThatKeepFailingReportTheErrorAfterMaxAttempts() throws Exception {
        RecordingKinesis kinesis = new RecordingKinesis(d -> d.startsWith("1|"));
        var outcomes = new KinesisPublisher(kinesis, "s", 4, Duration.ofMillis(1), ms -> { }).publish(entries(3, 10));
        assertEquals(4, kinesis.calls.size());
        assertFalse(outcomes.get(1).ok());
        assertEquals("ProvisionedThroughputExceededException", outcomes.get(1).errorCode());
        assertTrue(outcomes.get(0).ok() && outcomes.get(2).ok());
    }

    static KinesisPublisher publisher(FakeKinesis kinesis, List<Long> sleeps) {
        return new KinesisPublisher(kinesis, "s", 5, Duration.ofMillis(10), sleeps::add);
    }

    /** Ten records; the one at {@code bad} has a partition key Kinesis refuses (longer than 256 characters). */
    static List<KinesisPublisher.Entry> withBadKeyAt(int bad) {
        List<KinesisPublisher.Entry> list = new ArrayList<>(entries(10, 10));
        var e = list.get(bad);
        list.set(bad, new KinesisPublisher.Entry(e.data(), "k".repeat(257)));
        return list;
    }

    @Test
    void aWholeCallValidationFailureIsolatesTheOffendingRecordAndSendsEveryOtherOnce() throws Exception {
        FakeKinesis kinesis = new FakeKinesis();
        List<Long> sleeps = new ArrayList<>();
        var outcomes = publisher(kinesis, sleeps).publish(withBadKeyAt(6));
        assertFalse(outcomes.get(6).ok());
        assertEquals("ValidationException", outcomes.get(6).errorCode());
        assertTrue(outcomes.get(6).rejected(), "Kinesis refused the record itself: sending it again would not help");
        assertTrue(outcomes.get(6).errorMessage().contains("partitionKey"), outcomes.get(6).errorMessage());
        for (int i = 0; i < 10; i++) {
            if (i != 6) {
                assertTrue(outcomes.get(i).ok(), "record " + i + ": " + outcomes.get(i));
                assertEquals(1, kinesis.storedCount(i + "|"), "record " + i + " stored exactly once");
            }
        }
        assertEquals(9, kinesis.stored.size());
        assertTrue(sleeps.isEmpty(), "a validation failure is not retried: " + sleeps);
    }

    @Test
    void twoOffendingRecordsInOneCallAreBothIsolated() throws Exception {
        FakeKinesis kinesis = new FakeKinesis();
        List<KinesisPublisher.Entry> list = withBadKeyAt(0);
        list.set(9, new KinesisPublisher.Entry(new byte[FakeKinesis.MIB], "u"));
        var outcomes = publisher(kinesis, new ArrayList<>()).publish(list);
        assertEquals("ValidationException", outcomes.get(0).errorCode());
        assertEquals("ValidationException", outcomes.get(9).errorCode());
        assertEquals(8, outcomes.stream().filter(KinesisPublisher.Outcome::ok).count());
        assertEquals(8, kinesis.stored.size());
    }

    @Test
    void aNonRetryableEntryErrorIsNotRetried() throws Exception {
        FakeKinesis kinesis = new FakeKinesis();
        kinesis.entryError = (data, call) -> data.startsWith("2|") ? "KMSAccessDeniedException" : null;
        List<Long> sleeps = new ArrayList<>();
        var outcomes = publisher(kinesis, sleeps).publish(entries(4, 10));
        assertEquals(1, kinesis.calls.size());
        assertEquals("KMSAccessDeniedException", outcomes.get(2).errorCode());
        assertEquals(3, outcomes.stream().filter(KinesisPublisher.Outcome::ok).count());
        assertTrue(sleeps.isEmpty());
    }

    @Test
    void aWholeCallServerErrorOrThrottlingIsRetriedWithBackoff() throws Exception {
        FakeKinesis kinesis = new FakeKinesis();
        kinesis.callError = call -> switch (call) {
            case 1 -> FakeKinesis.serviceError(500, "InternalFailure", "internal failure");
            case 2 -> FakeKinesis.serviceError(400, "ProvisionedThroughputExceededException", "rate exceeded");
            case 3 -> software.amazon.awssdk.core.exception.SdkClientException.create("connection reset");
            default -> null;
        };
        List<Long> sleeps = new ArrayList<>();
        var outcomes = publisher(kinesis, sleeps).publish(entries(5, 10));
        assertEquals(4, kinesis.calls.size());
        assertTrue(outcomes.stream().allMatch(KinesisPublisher.Outcome::ok));
        assertEquals(3, sleeps.size());
        assertEquals(5, kinesis.stored.size());
    }

    @Test
    void aClientErrorThatNoRecordCausedFailsTheCallOnceWithoutRetryOrBisection() throws Exception {
        FakeKinesis kinesis = new FakeKinesis();
        kinesis.callError = call -> FakeKinesis.serviceError(400, "ResourceNotFoundException", "Stream s not found");
        List<Long> sleeps = new ArrayList<>();
        var outcomes = publisher(kinesis, sleeps).publish(entries(8, 10));
        assertEquals(1, kinesis.calls.size());
        assertTrue(outcomes.stream().allMatch(o -> "ResourceNotFoundException".equals(o.errorCode()) && !o.rejected()), outcomes.toString());
        assertTrue(sleeps.isEmpty());
    }
}
