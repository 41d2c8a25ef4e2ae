package io.tributary.aws;

import java.net.URI;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import io.tributary.config.TributaryConfig;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** The Kinesis client of the container consumer, HTTP ingest and hour sealing's shard reads (in the Lambda build only the
 *  lake-ops handler uses it: the event source mapping reads the stream; docs/packaging.md). */
public class KinesisClients {

    @Produces
    @Singleton
    @Named("kinesisClient")
    KinesisClient kinesisClient(TributaryConfig config) {
        var builder = KinesisClient.builder()
                .region(Region.of(config.aws().region()))
                .credentialsProvider(AwsClients.credentials(config));
        config.kinesis().endpointOverride().ifPresent(endpoint -> builder.endpointOverride(URI.create(endpoint)));
        return AwsCallRecorder.attach(builder, config).build();
    }

    void closeKinesis(@Disposes KinesisClient client) {
        client.close();
    }
}
