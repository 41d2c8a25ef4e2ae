-- The MERGE of one load of hourly_rollup from its stage table (stage_hourly_rollup, LIKE the target), keyed by window and
-- dimensions. The one copy: the application's JDBC load (load/hourly_rollup.sql) and the Step Functions Data API load
-- (load/athena_result.sql, rendered by Terraform's templatefile) both include it as the line merge_hourly_rollup (see SqlScript.compose).
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
