package io.tributary.aws;

import java.net.URI;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import io.tributary.config.TributaryConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 client the routes and beans share, and the credentials of every AWS client. Endpoint overrides point the
 *  clients at the local stand-ins. */
public class AwsClients {

    @Produces
    @Singleton
    @Named("s3Client")
    S3Client s3Client(TributaryConfig config) {
        var builder = S3Client.builder()
                .region(Region.of(config.aws().region()))
                .credentialsProvider(credentials(config));
        config.lake().endpointOverride().ifPresent(endpoint -> builder.endpointOverride(URI.create(endpoint)).forcePathStyle(true));
        return AwsCallRecorder.attach(builder, config).build();
    }

    void closeS3(@Disposes S3Client client) {
        client.close();
    }

    public static AwsCredentialsProvider credentials(TributaryConfig config) {
        if (config.aws().accessKeyId().isPresent() && config.aws().secretAccessKey().isPresent()) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(config.aws().accessKeyId().get(), config.aws().secretAccessKey().get()));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
