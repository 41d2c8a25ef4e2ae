-- The analytics tables QuickSight reads. Times are UTC TIMESTAMPs (no time zone). Dimension columns are NOT NULL
-- ('unknown' stands for a missing value) so MERGE can match keys with '='.
-- Distribution: rows of one window live on one slice (DISTKEY window) so a load's MERGE stays local to that slice
-- and a dashboard's time range spreads over all slices; the compound sort key starts with the window for range scans.

-- Authoritative hourly aggregates, computed by the Athena rollup from the curated zone.
CREATE TABLE IF NOT EXISTS analytics.hourly_rollup (
    window_start       TIMESTAMP    NOT NULL,
    event_type         VARCHAR(64)  NOT NULL,
    country            VARCHAR(16)  NOT NULL,
    device_type        VARCHAR(16)  NOT NULL,
    events             BIGINT       NOT NULL,
    distinct_users     BIGINT       NOT NULL,
    distinct_sessions  BIGINT       NOT NULL,
    top_category       VARCHAR(128),
    is_final           BOOLEAN      NOT NULL,
    source             VARCHAR(32)  NOT NULL,
    source_ref         VARCHAR(128),
    loaded_at          TIMESTAMP    NOT NULL,
    PRIMARY KEY (window_start, event_type, country, device_type)
) /*redshift: DISTSTYLE KEY DISTKEY (window_start) COMPOUND SORTKEY (window_start, event_type, country, device_type) */;

-- Most frequent categories per hour and event type (rank 1 = most events; ties broken by category name).
CREATE TABLE IF NOT EXISTS analytics.hourly_top_categories (
    window_start   TIMESTAMP    NOT NULL,
    event_type     VARCHAR(64)  NOT NULL,
    category       VARCHAR(128) NOT NULL,
    category_rank  INTEGER      NOT NULL,
    events         BIGINT       NOT NULL,
    distinct_users BIGINT       NOT NULL,
    source_ref     VARCHAR(128),
    loaded_at      TIMESTAMP    NOT NULL,
    PRIMARY KEY (window_start, event_type, category)
) /*redshift: DISTSTYLE KEY DISTKEY (window_start) COMPOUND SORTKEY (window_start, event_type, category_rank) */;

-- Real-time counts per minute from the ingest path: provisional, replaced in meaning by hourly_rollup once the hour is rolled up.
CREATE TABLE IF NOT EXISTS analytics.minute_counts (
    minute_start  TIMESTAMP   NOT NULL,
    event_type    VARCHAR(64) NOT NULL,
    country       VARCHAR(16) NOT NULL,
    device_type   VARCHAR(16) NOT NULL,
    events        BIGINT      NOT NULL,
    provisional   BOOLEAN     NOT NULL,
    loaded_at     TIMESTAMP   NOT NULL,
    PRIMARY KEY (minute_start, event_type, country, device_type)
) /*redshift: DISTSTYLE KEY DISTKEY (minute_start) COMPOUND SORTKEY (minute_start, event_type, country, device_type) */;
