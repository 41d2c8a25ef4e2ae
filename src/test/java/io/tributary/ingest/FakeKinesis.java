package io.tributary.ingest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * PutRecords as Kinesis answers it: a request breaking a limit (partition key 1-256 characters, data + key over 1 MiB,
 * more than 500 records, more than 5 MiB) fails the whole call with a 400 ValidationException and stores nothing;
 * otherwise each entry is stored unless {@link #entryError} names an error code for it. Every call and every stored
 * entry is kept for assertions.
 */
final class FakeKinesis implements KinesisClient {

    static final int MIB = 1024 * 1024;

    final List<List<PutRecordsRequestEntry>> calls = new ArrayList<>();
    final List<PutRecordsRequestEntry> stored = new ArrayList<>();
    /** (entry data as UTF-8, call number from 1) → error code for that entry, or null to store it. */
    BiFunction<String, Integer, String> entryError = (data, call) -> null;
    /** Thrown instead of answering, when not null for a call number. */
    java.util.function.IntFunction<RuntimeException> callError = call -> null;
    private final AtomicLong sequence = new AtomicLong(1000);

    static AwsServiceException serviceError(int status, String code, String message) {
        return KinesisException.builder().statusCode(status).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().serviceName("Kinesis").errorCode(code).errorMessage(message).build())
                .build();
    }

    @Override
    public synchronized PutRecordsResponse putRecords(PutRecordsRequest request) {
        calls.add(request.records());
        int call = calls.size();
        RuntimeException thrown = callError.apply(call);
        if (thrown != null) {
            throw thrown;
        }
        validate(request.records());
        List<PutRecordsResultEntry> results = new ArrayList<>();
        int failed = 0;
        for (PutRecordsRequestEntry e : request.records()) {
            String code = entryError.apply(e.data().asUtf8String(), call);
            if (code != null) {
                failed++;
                results.add(PutRecordsResultEntry.builder().errorCode(code).errorMessage(code + " for this record").build());
            } else {
                stored.add(e);
                results.add(PutRecordsResultEntry.builder().shardId("shardId-000000000000")
                        .sequenceNumber(Long.toString(sequence.incrementAndGet())).build());
            }
        }
        return PutRecordsResponse.builder().records(results).failedRecordCount(failed).build();
    }

    private static void validate(List<PutRecordsRequestEntry> records) {
        if (records.size() > 500) {
            throw serviceError(400, "ValidationException", "1 validation error detected: Value at 'records' failed to satisfy "
                    + "constraint: Member must have length less than or equal to 500");
        }
        long total = 0;
        for (int i = 0; i < records.size(); i++) {
            PutRecordsRequestEntry e = records.get(i);
            int keyLength = e.partitionKey().length();
            long size = e.data().asByteArrayUnsafe().length + e.partitionKey().getBytes(StandardCharsets.UTF_8).length;
            if (keyLength < 1 || keyLength > 256) {
                throw serviceError(400, "ValidationException", "1 validation error detected: Value at 'records." + (i + 1)
                        + ".member.partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256");
            }
            if (size > MIB) {
                throw serviceError(400, "ValidationException", "1 validation error detected: Value at 'records." + (i + 1)
                        + ".member.data' failed to satisfy constraint: Member must have length less than or equal to 1048576");
            }
            total += size;
        }
        if (total > 5L * MIB) {
            throw serviceError(400, "InvalidArgumentException", "Records size exceeds 5 MB limit");
        }
    }

    int storedCount(String marker) {
        return (int) stored.stream().filter(e -> e.data().asUtf8String().contains(marker)).count();
    }

    @Override
    public String serviceName() {
        return "kinesis";
    }

    @Override
    public void close() {
    }
}
