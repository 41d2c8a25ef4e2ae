-- One event hour of minute_counts from the hourly rollup: exact counts (provisional = false) replace the real-time
-- provisional counts of that hour, and the hour's minutes the rollup did not produce are removed, in one transaction.
DROP TABLE IF EXISTS stage_minute_counts_final;

CREATE TEMP TABLE stage_minute_counts_final (LIKE analytics.minute_counts);

INSERT INTO stage_minute_counts_final (minute_start, event_type, country, device_type, events, provisional, loaded_at)
VALUES (?, ?, ?, ?, ?, ?, ?);

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

-- parameters: window start, window end (the hour), loaded_at of this load
DELETE FROM analytics.minute_counts WHERE minute_start >= ? AND minute_start < ? AND loaded_at <> ?;

DROP TABLE stage_minute_counts_final;
