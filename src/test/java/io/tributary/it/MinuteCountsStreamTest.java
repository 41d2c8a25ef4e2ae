package io.tributary.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tributary.local.AthenaStandInResource;
import io.tributary.local.KinesisStandInResource;
import io.tributary.local.RedshiftStandInResource;
import io.tributary.local.S3StandInResource;

/** Events streamed over HTTP → Kinesis stand-in → ingest → minute windows → provisional rows in minute_counts. */
@QuarkusTest
@QuarkusTestResource(KinesisStandInResource.class)
@QuarkusTestResource(S3StandInResource.class)
@QuarkusTestResource(RedshiftStandInResource.class)
@QuarkusTestResource(AthenaStandInResource.class)
class MinuteCountsStreamTest {

    @Inject
    @DataSource("redshift")
    AgroalDataSource redshift;

    private long[] counted(String type) throws SQLException {
        try (Connection c = redshift.getConnection();
             PreparedStatement p = c.prepareStatement("SELECT coalesce(sum(events), 0), count(*), coalesce(bool_and(provisional), true) "
                     + "FROM analytics.minute_counts WHERE event_type = ?")) {
            p.setString(1, type);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                return new long[] {r.getLong(1), r.getLong(2), r.getBoolean(3) ? 1 : 0};
            }
        }
    }

    private static void post(String type) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            body.append("{\"timestamp\":\"").append(Instant.now()).append("\",\"user_id\":\"u").append(i)
                    .append("\",\"event_type\":\"").append(type).append("\",\"data\":{\"device_type\":\"")
                    .append(i % 2 == 0 ? "mobile" : "desktop").append("\",\"location\":{\"country\":\"DE\"}}}\n");
        }
        given().header("X-Api-Key", "test-key").contentType("application/x-ndjson").body(body.toString().getBytes(StandardCharsets.UTF_8))
                .when().post("/events").then().statusCode(200);
    }

    @Test
    void theMinuteTableFillsWhileEventsStream() throws Exception {
        String type = "probe_" + UUID.randomUUID().toString().substring(0, 8);
        AtomicInteger sent = new AtomicInteger();
        ScheduledExecutorService producer = Executors.newSingleThreadScheduledExecutor();
        try {
            producer.scheduleAtFixedRate(() -> {
                post(type);
                sent.addAndGet(20);
            }, 0, 1, TimeUnit.SECONDS);
            // a window closes at its minute end + 2 s (test lateness); rows must appear while the stream goes on
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> counted(type)[1] > 0);
            assertTrue(!producer.isShutdown() && sent.get() > 0, "still streaming when the first provisional rows landed");
        } finally {
            producer.shutdown();
            assertTrue(producer.awaitTermination(30, TimeUnit.SECONDS));
        }
        int total = sent.get();
        long[] result = Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> counted(type), r -> r[0] == total);
        assertEquals(1, result[2], "real-time rows are provisional until the hourly rollup replaces them");
        assertTrue(result[1] >= 2, "one row per (minute, device): " + result[1]);
    }
}
