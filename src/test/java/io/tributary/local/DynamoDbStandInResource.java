package io.tributary.local;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * DynamoDB for {@code @QuarkusTest} (the KCL's leases): one dynalite per test JVM, a unique KCL application name (and so
 * unique lease, coordinator state and worker metrics tables) per application start. Selects the KCL consumer, with
 * failover and shard sync times short enough for tests.
 */
public class DynamoDbStandInResource implements QuarkusTestResourceLifecycleManager {

    private static StandInProcess server;

    public static synchronized StandInProcess server() {
        if (server == null) {
            server = StandIns.dynalite(Path.of("target").toAbsolutePath());
        }
        return server;
    }

    @Override
    public Map<String, String> start() {
        return Map.of(
                "tributary.kinesis.consumer", "kcl",
                "tributary.kcl.dynamodb-endpoint-override", server().endpoint(),
                "tributary.kcl.application-name", "tributary-test-" + UUID.randomUUID().toString().substring(0, 8),
                "tributary.kcl.failover-time", "6s",
                "tributary.kcl.shard-sync-interval", "2s",
                "tributary.kcl.lease-assignment-interval", "2s",
                "tributary.kcl.checkpoint-interval", "500ms");
    }

    @Override
    public void stop() {
        // tables are unique per start and live in memory; the server stops with the JVM
    }
}
