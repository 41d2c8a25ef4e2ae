package io.tributary.local;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Redshift for {@code @QuarkusTest}: one embedded PostgreSQL 15 + startup shim per test JVM, a uniquely named database
 * per application start, reached by the real Amazon Redshift JDBC driver through the 'redshift' data source.
 */
public class RedshiftStandInResource implements QuarkusTestResourceLifecycleManager {

    private String database;

    @Override
    public Map<String, String> start() {
        RedshiftStandIn standIn = RedshiftStandIn.get();
        database = standIn.createDatabase("tributary");
        return Map.of(
                "tributary.redshift.enabled", "true",
                "tributary.redshift.dialect", "postgresql",
                "quarkus.datasource.redshift.jdbc.url", standIn.jdbcUrl(database),
                "quarkus.datasource.redshift.username", RedshiftStandIn.USER,
                "quarkus.datasource.redshift.password", RedshiftStandIn.PASSWORD);
    }

    @Override
    public void stop() {
        if (database != null) {
            RedshiftStandIn.get().dropDatabase(database);
        }
    }
}
