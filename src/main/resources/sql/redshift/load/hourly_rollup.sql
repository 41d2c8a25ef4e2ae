-- One hour of hourly_rollup, idempotent: stage, MERGE on window and dimensions, then clear the hour's rows this load
-- did not touch (groups that vanished after a re-run), all in one transaction. Parameters are bound in this order.
DROP TABLE IF EXISTS stage_hourly_rollup;

CREATE TEMP TABLE stage_hourly_rollup (LIKE analytics.hourly_rollup);

INSERT INTO stage_hourly_rollup (window_start, event_type, country, device_type, events, distinct_users,
    distinct_sessions, top_category, is_final, source, source_ref, loaded_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

${merge_hourly_rollup}

-- parameters: window_start, loaded_at of this load
DELETE FROM analytics.hourly_rollup WHERE window_start = ? AND loaded_at <> ?;

DROP TABLE stage_hourly_rollup;
