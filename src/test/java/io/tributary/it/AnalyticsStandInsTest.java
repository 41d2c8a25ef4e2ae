package io.tributary.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tributary.config.TributaryConfig;
import io.tributary.local.AthenaStandInResource;
import io.tributary.local.KinesisStandInResource;
import io.tributary.local.RedshiftStandInResource;
import io.tributary.local.S3StandInResource;
import io.tributary.warehouse.HourlyRollup;
import io.tributary.warehouse.MinuteCount;
import io.tributary.warehouse.RedshiftWarehouse;

/** The application on the Redshift and Athena stand-ins: the 'redshift' Agroal data source and the Athena config. */
@QuarkusTest
@QuarkusTestResource(KinesisStandInResource.class)
@QuarkusTestResource(S3StandInResource.class)
@QuarkusTestResource(RedshiftStandInResource.class)
@QuarkusTestResource(AthenaStandInResource.class)
class AnalyticsStandInsTest {

    @Inject
    RedshiftWarehouse warehouse;

    @Inject
    @DataSource("redshift")
    AgroalDataSource dataSource;

    @Inject
    TributaryConfig config;

    @Test
    void theAthenaStandInAnswersOnTheConfiguredEndpointAndDatabase() {
        TributaryConfig.Athena a = config.athena();
        assertTrue(a.endpointOverride().orElseThrow().startsWith("http://127.0.0.1:"));
        assertTrue(a.outputLocation().orElseThrow().startsWith("s3://curated-"));
        try (var athena = software.amazon.awssdk.services.athena.AthenaClient.builder()
                .endpointOverride(java.net.URI.create(a.endpointOverride().get()))
                .region(software.amazon.awssdk.regions.Region.of(config.aws().region()))
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("local", "local-secret"))).build()) {
            String id = athena.startQueryExecution(b -> b.queryString("SELECT count(*) FROM events").workGroup(a.workgroup())
                    .queryExecutionContext(c -> c.database(a.database()))).queryExecutionId();
            var state = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(
                    () -> athena.getQueryExecution(b -> b.queryExecutionId(id)).queryExecution().status().state(),
                    s -> s == software.amazon.awssdk.services.athena.model.QueryExecutionState.SUCCEEDED
                            || s == software.amazon.awssdk.services.athena.model.QueryExecutionState.FAILED);
            assertEquals(software.amazon.awssdk.services.athena.model.QueryExecutionState.SUCCEEDED, state);
            assertEquals("0", athena.getQueryResults(b -> b.queryExecutionId(id)).resultSet().rows().get(1).data().get(0).varCharValue(),
                    "no curated data yet: an empty table, not an error");
        }
    }

    @Test
    void theSchemaIsMigratedAtStartupThroughTheRedshiftDriver() throws SQLException {
        assertTrue(warehouse.enabled());
        assertEquals(List.of(), warehouse.migrate(), "already applied at startup");
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT max(version) FROM analytics.schema_version")) {
            r.next();
            assertEquals(2, r.getInt(1), "V2 (minute_count_parts) is the latest migration");
            assertTrue(c.unwrap(java.sql.Connection.class).getClass().getName().startsWith("com.amazon.redshift."));
        }
    }

    @Test
    void loadsGoThroughTheAgroalDataSource() throws SQLException {
        Instant hour = Instant.parse("2024-03-01T05:00:00Z");
        warehouse.mergeHour(hour, List.of(new HourlyRollup(hour, "click", "US", "mobile", 10, 4, 5, "books")), List.of(), true, "q");
        warehouse.mergeMinutes(List.of(new MinuteCount(hour.plusSeconds(60), "click", "US", "mobile", 2, "raw/events/part-1")));
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT (SELECT sum(events) FROM analytics.hourly_rollup), (SELECT sum(events) FROM analytics.minute_counts)")) {
            r.next();
            assertEquals(10, r.getLong(1));
            assertEquals(2, r.getLong(2));
        }
    }
}
