package io.tributary.aws;

import io.tributary.config.TributaryConfig;
import software.amazon.awssdk.services.s3.S3Client;

/** Test access to the production S3 client construction, so a test wrapper talks to the stand-in exactly as the app does. */
public final class AwsClientsAccess {

    private AwsClientsAccess() {
    }

    public static S3Client s3Client(TributaryConfig config) {
        return new AwsClients().s3Client(config);
    }
}
