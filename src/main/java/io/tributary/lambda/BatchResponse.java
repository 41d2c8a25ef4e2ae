package io.tributary.lambda;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The partial batch response of a Kinesis event source mapping with ReportBatchItemFailures: per shard, the first record
 *  that is not durable; the mapping retries from there. Empty when the whole batch is durable. */
@RegisterForReflection
public record BatchResponse(List<ItemFailure> batchItemFailures) {

    @RegisterForReflection
    public record ItemFailure(String itemIdentifier) {
    }
}
