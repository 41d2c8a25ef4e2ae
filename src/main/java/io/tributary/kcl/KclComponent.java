package io.tributary.kcl;

import java.util.Map;

import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

import io.tributary.batch.Batcher;
import io.tributary.checkpoint.CheckpointStore;
import io.tributary.config.TributaryConfig;

/**
 * {@code kcl:<stream>}: a consumer on the Kinesis Client Library (leases and checkpoints in DynamoDB). Each GetRecords batch
 * of a shard is one exchange whose body is an {@link io.tributary.ingest.KinesisBatch}; the shard's KCL checkpoint moves
 * only to what is durable in S3. Settings come from {@code tributary.kcl.*} and {@code tributary.kinesis.*}.
 */
@Singleton
@Named("kcl")
public class KclComponent extends DefaultComponent {

    final TributaryConfig config;
    final Batcher batcher;
    final CheckpointStore store;
    final KclStatus status;

    public KclComponent(TributaryConfig config, Batcher batcher, CheckpointStore store, KclStatus status) {
        this.config = config;
        this.batcher = batcher;
        this.store = store;
        this.status = status;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("kcl: needs the stream name, as in kcl:{{tributary.kinesis.stream}}");
        }
        return new KclEndpoint(uri, this, remaining);
    }
}
