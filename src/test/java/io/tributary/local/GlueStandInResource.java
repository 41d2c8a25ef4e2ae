package io.tributary.local;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Glue for {@code @QuarkusTest}: one Glue stand-in per test JVM (its runs reach the JVM's S3 stand-in), and per application
 * start a unique curated bucket, hour sealing switched on with quick test timings, and sealing of the current hour once
 * every shard is idle (kinesalite stamps arrival as now, so a test cannot produce a past hour). Needs the Glue job built
 * ({@code ./mvnw -B -f glue/pom.xml package}); it is built on first use when missing. Exposes {@code test.glue.curated-bucket}.
 */
public class GlueStandInResource implements QuarkusTestResourceLifecycleManager {

    private static GlueStandIn server;

    /** The JVM's Glue stand-in, started on first use. */
    public static synchronized GlueStandIn server() {
        if (server == null) {
            server = GlueStandIn.start(GlueStandIn.DEFAULT_JOB, S3StandInResource.server().endpoint(),
                    Path.of("target/glue-stand-in").toAbsolutePath(), "1g");
        }
        return server;
    }

    /** Hour sealing against a Glue stand-in, with timings for tests. */
    public static Map<String, String> config(GlueStandIn glue, String curatedBucket) {
        Map<String, String> c = new HashMap<>();
        c.put("tributary.glue.enabled", "true");
        c.put("tributary.glue.job-name", glue.jobName());
        c.put("tributary.glue.endpoint-override", glue.endpoint());
        c.put("tributary.glue.curated-path", "s3://" + curatedBucket + "/curated/events");
        c.put("tributary.glue.errors-path", "s3://" + curatedBucket + "/errors/glue");
        c.put("tributary.glue.summary-prefix", "s3://" + curatedBucket + "/glue/summaries");
        c.put("tributary.glue.seal-open-hour", "true");
        c.put("tributary.glue.grace-period", "3s");
        c.put("tributary.glue.check-interval", "500ms");
        c.put("tributary.glue.poll-initial-delay", "500ms");
        c.put("tributary.glue.poll-max-delay", "2s");
        return c;
    }

    @Override
    public Map<String, String> start() {
        String bucket = "curated-" + UUID.randomUUID().toString().substring(0, 8);
        try (S3Client s3 = StandIns.s3Client(S3StandInResource.server().endpoint())) {
            StandIns.createBucket(s3, bucket);
        }
        Map<String, String> c = config(server(), bucket);
        c.put("test.glue.curated-bucket", bucket);
        return c;
    }

    @Override
    public void stop() {
        // the bucket is unique per start; the server stops with the JVM
    }
}
