package io.tributary.glue;

import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/** Hadoop file-system settings for runs outside Glue: S3A against a custom endpoint (the local S3 stand-in) and credentials. */
final class StorageConfig {

    private StorageConfig() {
    }

    /** True when s3:// already has a file system (Glue's EMRFS); plain Hadoop 3 has none, so s3:// must become s3a://. */
    static boolean runtimeHasS3FileSystem(Configuration conf) {
        if (conf.get("fs.s3.impl") != null) {
            return true;
        }
        try {
            Class.forName("com.amazonaws.services.glue.GlueContext", false, StorageConfig.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * With an endpoint (argument or AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL): S3A talks to it, path-style by default, with
     * the access key from the environment. Without one, S3A keeps its defaults (the AWS credential chain).
     */
    static void applyS3a(Configuration conf, JobArguments arguments, Map<String, String> env) {
        arguments.s3Region().ifPresent(region -> conf.set("fs.s3a.endpoint.region", region));
        if (arguments.s3Endpoint().isEmpty()) {
            return;
        }
        String endpoint = arguments.s3Endpoint().get();
        conf.set("fs.s3a.endpoint", endpoint);
        conf.setBoolean("fs.s3a.path.style.access", arguments.s3PathStyle());
        conf.setBoolean("fs.s3a.connection.ssl.enabled", endpoint.startsWith("https:"));
        // S3-compatible stores (s3proxy's filesystem provider among them) may list objects without an ETag: read them anyway.
        conf.setBoolean("fs.s3a.change.detection.version.required", false);
        if (arguments.s3Region().isEmpty()) {
            conf.set("fs.s3a.endpoint.region", "us-east-1");
        }
        String key = env.get("AWS_ACCESS_KEY_ID");
        String secret = env.get("AWS_SECRET_ACCESS_KEY");
        if (key != null && !key.isBlank() && secret != null && !secret.isBlank()) {
            conf.set("fs.s3a.access.key", key);
            conf.set("fs.s3a.secret.key", secret);
            String token = env.get("AWS_SESSION_TOKEN");
            if (token != null && !token.isBlank()) {
                conf.set("fs.s3a.session.token", token);
                conf.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.TemporaryAWSCredentialsProvider");
            } else {
                conf.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
            }
        }
    }
}
