package io.tributary.local;

import java.util.Map;
import java.util.UUID;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Athena for {@code @QuarkusTest}: one Athena stand-in per test JVM; per application start a unique curated bucket in
 * the S3 stand-in and a unique Glue database whose {@code events} table reads that bucket's curated Parquet files.
 * Exposes the bucket and prefix as {@code test.curated-bucket} and {@code test.curated-prefix}.
 */
public class AthenaStandInResource implements QuarkusTestResourceLifecycleManager {

    /** Where the Glue job writes the curated zone (docs/design.md). */
    public static final String CURATED_PREFIX = "curated/events";

    private static AthenaStandIn server;

    /** The JVM's Athena stand-in, started on first use. */
    public static synchronized AthenaStandIn server() {
        if (server == null) {
            server = AthenaStandIn.start();
        }
        return server;
    }

    @Override
    public Map<String, String> start() {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String bucket = "curated-" + id;
        String database = "tributary_" + id;
        try (S3Client s3 = StandIns.s3Client(S3StandInResource.server().endpoint())) {
            StandIns.createBucket(s3, bucket);
        }
        server().defineDatabase(database, S3StandInResource.basedir(), bucket, CURATED_PREFIX);
        return Map.of(
                "tributary.athena.endpoint-override", server().endpoint(),
                "tributary.athena.database", database,
                "tributary.athena.workgroup", "primary",
                "tributary.athena.output-location", "s3://" + bucket + "/athena-results/",
                "test.curated-bucket", bucket,
                "test.curated-prefix", CURATED_PREFIX);
    }

    @Override
    public void stop() {
        // the bucket and database are unique per start; the server stops with the JVM
    }
}
