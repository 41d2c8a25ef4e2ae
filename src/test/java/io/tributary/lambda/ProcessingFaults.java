package io.tributary.lambda;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.Body;
import org.apache.camel.Header;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.analytics.MinuteWindows;
import io.tributary.batch.Batcher;
import io.tributary.batch.SealedBatch;
import io.tributary.event.EventProcessor;
import io.tributary.ingest.StreamIngest;

/**
 * Test-only fault in the ingest core: the real {@link StreamIngest}, except that processing a record whose payload
 * contains the marker throws, the way a bug no validation foresaw would. Selected only by {@link LambdaTestProfile}.
 */
@Alternative
@Singleton
@Named("streamIngest")
public class ProcessingFaults extends StreamIngest {

    /** Records whose payload contains this fail to process. */
    public static final String MARKER = "__processing_fault__";

    @Inject
    public ProcessingFaults(EventProcessor processor, Batcher batcher,
                            @ConfigProperty(name = "tributary.kinesis.stream") String stream, MeterRegistry registry,
                            MinuteWindows minutes) {
        super(processor, batcher, stream, registry, minutes);
    }

    @Override
    public List<SealedBatch> accept(@Body byte[] payload, @Header(SHARD_ID) String shardId,
                                    @Header(SEQUENCE_NUMBER) String sequenceNumber, @Header(ARRIVAL) Instant arrival) {
        if (payload != null && new String(payload, StandardCharsets.UTF_8).contains(MARKER)) {
            throw new IllegalStateException("test fault: processing of record " + sequenceNumber + " failed");
        }
        return super.accept(payload, shardId, sequenceNumber, arrival);
    }
}
