package io.tributary.local;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** The Lambda mock event server for {@code @QuarkusTest}: the application polls it as its Runtime API, tests post events to
 *  {@code test.lambda.events-url}. */
public class LambdaRuntimeStandInResource implements QuarkusTestResourceLifecycleManager {

    private LambdaRuntimeStandIn server;

    @Override
    public Map<String, String> start() {
        server = LambdaRuntimeStandIn.start();
        return Map.of(
                "tributary.lambda.runtime-api", server.runtimeApi(),
                "test.lambda.events-url", server.eventsUrl());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
