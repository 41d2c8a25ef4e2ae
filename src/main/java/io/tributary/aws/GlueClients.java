package io.tributary.aws;

import java.net.URI;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import io.tributary.config.TributaryConfig;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.glue.GlueClient;

/** The Glue client hour sealing starts and polls job runs with; the endpoint override points it at the local stand-in. */
public class GlueClients {

    @Produces
    @Singleton
    @Named("glueClient")
    GlueClient glueClient(TributaryConfig config) {
        var builder = GlueClient.builder()
                .region(Region.of(config.aws().region()))
                .credentialsProvider(AwsClients.credentials(config));
        config.glue().endpointOverride().ifPresent(endpoint -> builder.endpointOverride(URI.create(endpoint)));
        return AwsCallRecorder.attach(builder, config).build();
    }

    void closeGlue(@Disposes GlueClient client) {
        client.close();
    }
}
