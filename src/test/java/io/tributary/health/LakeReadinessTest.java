package io.tributary.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;

import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.tributary.config.TributaryConfig;
import io.tributary.local.StandIns;

/** Readiness is down, naming what is unreachable, when Kinesis and S3 do not answer; up on the stand-ins. */
@QuarkusTest
class LakeReadinessTest {

    @Inject
    @Readiness
    LakeReadiness readiness;

    @Inject
    TributaryConfig config;

    @Test
    void upWhileStreamAndBucketsAnswer() {
        assertEquals(HealthCheckResponse.Status.UP, readiness.call().getStatus());
    }

    @Test
    void downWhenKinesisAndS3AreUnreachable() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String dead = "http://127.0.0.1:" + closedPort;
        try (var kinesis = StandIns.kinesisClient(dead); var s3 = StandIns.s3Client(dead)) {
            HealthCheckResponse r = new LakeReadiness(kinesis, s3, config).call();
            assertEquals(HealthCheckResponse.Status.DOWN, r.getStatus());
            var data = r.getData().orElseThrow();
            assertTrue(data.get("kinesis").toString().contains("unreachable"), data.toString());
            assertTrue(data.get("s3:" + config.lake().rawBucket()).toString().contains("unreachable"), data.toString());
        }
    }
}
