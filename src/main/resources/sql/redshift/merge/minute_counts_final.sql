-- The MERGE of the hourly rollup's exact minute counts (stage_minute_counts_final) into minute_counts, keyed by minute and
-- dimensions. The one copy: load/minute_counts_final.sql (JDBC) and load/athena_result.sql (Data API) include it as
-- the line merge_minute_counts_final (see SqlScript.compose).
MERGE INTO analytics.minute_counts
USING stage_minute_counts_final
ON minute_counts.minute_start = stage_minute_counts_final.minute_start
   AND minute_counts.event_type = stage_minute_counts_final.event_type
   AND minute_counts.country = stage_minute_counts_final.country
   AND minute_counts.device_type = stage_minute_counts_final.device_type
WHEN MATCHED THEN UPDATE SET
    events = stage_minute_counts_final.events,
    provisional = stage_minute_counts_final.provisional,
    loaded_at = stage_minute_counts_final.loaded_at
WHEN NOT MATCHED THEN INSERT (minute_start, event_type, country, device_type, events, provisional, loaded_at)
VALUES (stage_minute_counts_final.minute_start, stage_minute_counts_final.event_type, stage_minute_counts_final.country,
    stage_minute_counts_final.device_type, stage_minute_counts_final.events, stage_minute_counts_final.provisional,
    stage_minute_counts_final.loaded_at);
