-- Real-time minute counts by part: one durable raw batch's share of a minute window (part = the batch's raw object key).
-- minute_counts holds, per window, the sum of its parts (provisional) or the hourly rollup's exact count (final).
CREATE TABLE IF NOT EXISTS analytics.minute_count_parts (
    minute_start  TIMESTAMP    NOT NULL,
    event_type    VARCHAR(64)  NOT NULL,
    country       VARCHAR(16)  NOT NULL,
    device_type   VARCHAR(16)  NOT NULL,
    part          VARCHAR(512) NOT NULL,
    events        BIGINT       NOT NULL,
    loaded_at     TIMESTAMP    NOT NULL,
    PRIMARY KEY (minute_start, event_type, country, device_type, part)
) /*redshift: DISTSTYLE KEY DISTKEY (minute_start) COMPOUND SORTKEY (minute_start, event_type, country, device_type) */;
