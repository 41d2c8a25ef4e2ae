-- Runs at every start before the versioned files; idempotent. The analytics schema itself is created once by the
-- admin user (admin/bootstrap.sql): the application user has no CREATE on the database (SchemaMigrator checks first).
CREATE TABLE IF NOT EXISTS analytics.schema_version (
    version      INTEGER      NOT NULL,
    description  VARCHAR(256) NOT NULL,
    checksum     VARCHAR(64)  NOT NULL,
    applied_at   TIMESTAMP    NOT NULL,
    PRIMARY KEY (version)
) /*redshift: DISTSTYLE ALL */;
