-- Runs at every start before the versioned files; idempotent.
CREATE SCHEMA IF NOT EXISTS analytics;

CREATE TABLE IF NOT EXISTS analytics.schema_version (
    version      INTEGER      NOT NULL,
    description  VARCHAR(256) NOT NULL,
    checksum     VARCHAR(64)  NOT NULL,
    applied_at   TIMESTAMP    NOT NULL,
    PRIMARY KEY (version)
) /*redshift: DISTSTYLE ALL */;
