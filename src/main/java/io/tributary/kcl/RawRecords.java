package io.tributary.kcl;

import java.math.BigInteger;
import java.util.List;

import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/**
 * Hands the record processor the Kinesis records as stored: no KPL de-aggregation by the KCL. The ingest core splits KPL
 * aggregates itself ({@link io.tributary.ingest.ProducerRecords}), the same way in container and Lambda mode, with the same
 * sub-sequence numbers in keys and derived ids; de-aggregating here as well would split twice (or, for a corrupt aggregate,
 * hand over the bytes whole where Lambda mode reports BAD_AGGREGATE). KCL checkpoints are therefore whole Kinesis records
 * (sub-sequence number 0), and the durable position passes a KPL aggregate only when all its user records are durable.
 */
final class RawRecords extends AggregatorUtil {

    @Override
    public List<KinesisClientRecord> deaggregate(List<KinesisClientRecord> records) {
        return records;
    }

    @Override
    public List<KinesisClientRecord> deaggregate(List<KinesisClientRecord> records, String startingHashKey, String endingHashKey) {
        return records;
    }

    @Override
    public List<KinesisClientRecord> deaggregate(List<KinesisClientRecord> records, BigInteger startingHashKey, BigInteger endingHashKey) {
        return records;
    }
}
