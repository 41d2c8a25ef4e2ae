package io.tributary.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import software.amazon.awssdk.services.s3.S3Client;

/** S3 for {@code @QuarkusTest}: one s3proxy per test JVM over a temp directory, unique raw and errors buckets per start.
 *  The directory is exposed as {@code test.s3-basedir} so tests can read objects as files. */
public class S3StandInResource implements QuarkusTestResourceLifecycleManager {

    private static StandInProcess server;
    private static Path basedir;

    static synchronized StandInProcess server() {
        if (server == null) {
            try {
                basedir = Files.createTempDirectory("tributary-s3-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server = StandIns.s3proxy(basedir, Path.of("target").toAbsolutePath());
        }
        return server;
    }

    /** The directory s3proxy stores objects in (basedir/bucket/key), starting the server on first use. */
    static synchronized Path basedir() {
        server();
        return basedir;
    }

    @Override
    public Map<String, String> start() {
        String endpoint = server().endpoint();
        String id = UUID.randomUUID().toString().substring(0, 8);
        String raw = "raw-" + id;
        String errors = "errors-" + id;
        try (S3Client s3 = StandIns.s3Client(endpoint)) {
            StandIns.createBucket(s3, raw);
            StandIns.createBucket(s3, errors);
        }
        return Map.of(
                "tributary.lake.endpoint-override", endpoint,
                "tributary.lake.raw-bucket", raw,
                "tributary.lake.errors-bucket", errors,
                "test.s3-basedir", basedir.toString());
    }

    @Override
    public void stop() {
        // buckets are unique per start and live in a temp directory; the server stops with the JVM
    }
}
