-- Closed minute windows into minute_counts, idempotent: a window's row is replaced by its latest count.
DROP TABLE IF EXISTS stage_minute_counts;

CREATE TEMP TABLE stage_minute_counts (LIKE analytics.minute_counts);

INSERT INTO stage_minute_counts (minute_start, event_type, country, device_type, events, provisional, loaded_at)
VALUES (?, ?, ?, ?, ?, ?, ?);

-- a minute the hourly rollup already made final (provisional = false) keeps its exact count: late real-time windows
-- never overwrite it
DELETE FROM stage_minute_counts USING analytics.minute_counts
WHERE minute_counts.minute_start = stage_minute_counts.minute_start
   AND minute_counts.event_type = stage_minute_counts.event_type
   AND minute_counts.country = stage_minute_counts.country
   AND minute_counts.device_type = stage_minute_counts.device_type
   AND NOT minute_counts.provisional;

MERGE INTO analytics.minute_counts
USING stage_minute_counts
ON minute_counts.minute_start = stage_minute_counts.minute_start
   AND minute_counts.event_type = stage_minute_counts.event_type
   AND minute_counts.country = stage_minute_counts.country
   AND minute_counts.device_type = stage_minute_counts.device_type
WHEN MATCHED THEN UPDATE SET
    events = stage_minute_counts.events,
    provisional = stage_minute_counts.provisional,
    loaded_at = stage_minute_counts.loaded_at
WHEN NOT MATCHED THEN INSERT (minute_start, event_type, country, device_type, events, provisional, loaded_at)
VALUES (stage_minute_counts.minute_start, stage_minute_counts.event_type, stage_minute_counts.country,
    stage_minute_counts.device_type, stage_minute_counts.events, stage_minute_counts.provisional,
    stage_minute_counts.loaded_at);

DROP TABLE stage_minute_counts;
