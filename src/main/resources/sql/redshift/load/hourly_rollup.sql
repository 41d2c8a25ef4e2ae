-- One hour of hourly_rollup, idempotent: stage, MERGE on window and dimensions, then clear the hour's rows this load
-- did not touch (groups that vanished after a re-run), all in one transaction. Parameters are bound in this order.
DROP TABLE IF EXISTS stage_hourly_rollup;

CREATE TEMP TABLE stage_hourly_rollup (LIKE analytics.hourly_rollup);

INSERT INTO stage_hourly_rollup (window_start, event_type, country, device_type, events, distinct_users,
    distinct_sessions, top_category, is_final, source, source_ref, loaded_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

MERGE INTO analytics.hourly_rollup
USING stage_hourly_rollup
ON hourly_rollup.window_start = stage_hourly_rollup.window_start
   AND hourly_rollup.event_type = stage_hourly_rollup.event_type
   AND hourly_rollup.country = stage_hourly_rollup.country
   AND hourly_rollup.device_type = stage_hourly_rollup.device_type
WHEN MATCHED THEN UPDATE SET
    events = stage_hourly_rollup.events,
    distinct_users = stage_hourly_rollup.distinct_users,
    distinct_sessions = stage_hourly_rollup.distinct_sessions,
    top_category = stage_hourly_rollup.top_category,
    is_final = stage_hourly_rollup.is_final,
    source = stage_hourly_rollup.source,
    source_ref = stage_hourly_rollup.source_ref,
    loaded_at = stage_hourly_rollup.loaded_at
WHEN NOT MATCHED THEN INSERT (window_start, event_type, country, device_type, events, distinct_users,
    distinct_sessions, top_category, is_final, source, source_ref, loaded_at)
VALUES (stage_hourly_rollup.window_start, stage_hourly_rollup.event_type, stage_hourly_rollup.country,
    stage_hourly_rollup.device_type, stage_hourly_rollup.events, stage_hourly_rollup.distinct_users,
    stage_hourly_rollup.distinct_sessions, stage_hourly_rollup.top_category, stage_hourly_rollup.is_final,
    stage_hourly_rollup.source, stage_hourly_rollup.source_ref, stage_hourly_rollup.loaded_at);

-- parameters: window_start, loaded_at of this load
DELETE FROM analytics.hourly_rollup WHERE window_start = ? AND loaded_at <> ?;

DROP TABLE stage_hourly_rollup;
