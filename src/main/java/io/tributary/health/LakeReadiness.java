package io.tributary.health;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.tributary.config.TributaryConfig;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/** Ready only while the Kinesis stream and the lake buckets answer: a task that cannot write gets no traffic. */
@Readiness
@ApplicationScoped
public class LakeReadiness implements HealthCheck {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final KinesisClient kinesis;
    private final S3Client s3;
    private final TributaryConfig config;

    public LakeReadiness(KinesisClient kinesis, S3Client s3, TributaryConfig config) {
        this.kinesis = kinesis;
        this.s3 = s3;
        this.config = config;
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
        return r.build();
    }
}
