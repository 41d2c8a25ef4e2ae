package io.tributary.health;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.tributary.batch.Batcher;
import io.tributary.config.TributaryConfig;
import io.tributary.kcl.KclStatus;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/** Ready only while the Kinesis stream and the lake buckets answer and the KCL consumer makes progress on every shard it
 *  holds (see {@link KclStatus#problems}): a task that cannot write, or whose consumer is stuck, gets no traffic and is
 *  replaced. */
@Readiness
@ApplicationScoped
public class LakeReadiness implements HealthCheck {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final KinesisClient kinesis;
    private final S3Client s3;
    private final TributaryConfig config;
    private final KclStatus consumer;
    private final Batcher batcher;

    public LakeReadiness(KinesisClient kinesis, S3Client s3, TributaryConfig config) {
        this(kinesis, s3, config, null, null);
    }

    @jakarta.inject.Inject
    public LakeReadiness(KinesisClient kinesis, S3Client s3, TributaryConfig config, KclStatus consumer, Batcher batcher) {
        this.kinesis = kinesis;
        this.s3 = s3;
        this.config = config;
        this.consumer = consumer;
        this.batcher = batcher;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder r = HealthCheckResponse.named("lake").up();
        String stream = config.kinesis().stream();
        try {
            String status = kinesis.describeStreamSummary(b -> b.streamName(stream)
                    .overrideConfiguration(o -> o.apiCallTimeout(TIMEOUT))).streamDescriptionSummary().streamStatusAsString();
            r.withData("kinesis", stream + " " + status);
        } catch (RuntimeException e) {
            r.down().withData("kinesis", stream + " unreachable: " + e.getMessage());
        }
        for (String bucket : new String[] {config.lake().rawBucket(), config.lake().errorsBucket()}) {
            try {
                s3.headBucket(b -> b.bucket(bucket).overrideConfiguration(o -> o.apiCallTimeout(TIMEOUT)));
                r.withData("s3:" + bucket, "reachable");
            } catch (RuntimeException e) {
                r.down().withData("s3:" + bucket, "unreachable: " + e.getMessage());
            }
        }
        if (consumer != null) {
            var problems = consumer.problems(config.kcl().stallTimeout(), batcher.pendingRecords());
            if (problems.isEmpty()) {
                r.withData("consumer", "shards " + consumer.ownedShards());
            } else {
                r.down().withData("consumer", String.join("; ", problems));
            }
        }
        return r.build();
    }
}
