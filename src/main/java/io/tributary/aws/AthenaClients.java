package io.tributary.aws;

import java.net.URI;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import io.tributary.config.TributaryConfig;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.athena.AthenaClient;

/** The Athena client shared by the rollup route (aws2-athena's amazonAthenaClient) and the query API. */
public class AthenaClients {

    @Produces
    @Singleton
    @Named("athenaClient")
    AthenaClient athenaClient(TributaryConfig config) {
        var builder = AthenaClient.builder()
                .region(Region.of(config.aws().region()))
                .credentialsProvider(AwsClients.credentials(config));
        config.athena().endpointOverride().ifPresent(endpoint -> builder.endpointOverride(URI.create(endpoint)));
        return AwsCallRecorder.attach(builder, config).build();
    }

    void closeAthena(@Disposes AthenaClient client) {
        client.close();
    }
}
