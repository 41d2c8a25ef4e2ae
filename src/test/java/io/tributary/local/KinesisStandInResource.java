package io.tributary.local;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** Kinesis for {@code @QuarkusTest}: one kinesalite per test JVM, a uniquely named 2-shard stream per application start. */
public class KinesisStandInResource implements QuarkusTestResourceLifecycleManager {

    private static StandInProcess server;
    private String stream;
    private KinesisClient kinesis;

    static synchronized StandInProcess server() {
        if (server == null) {
            server = StandIns.kinesalite(Path.of("target"));
        }
        return server;
    }

    @Override
    public Map<String, String> start() {
        String endpoint = server().endpoint();
        kinesis = StandIns.kinesisClient(endpoint);
        stream = "tributary-test-" + UUID.randomUUID().toString().substring(0, 8);
        StandIns.createStream(kinesis, stream, 2);
        return Map.of(
                "tributary.kinesis.endpoint-override", endpoint,
                "tributary.kinesis.stream", stream);
    }

    @Override
    public void stop() {
        if (kinesis != null) {
            kinesis.deleteStream(b -> b.streamName(stream));
            kinesis.close();
        }
    }
}
