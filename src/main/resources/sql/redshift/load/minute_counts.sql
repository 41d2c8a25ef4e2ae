-- The minute counts of raw batches made durable, as parts (one per window and batch object key: a batch written again
-- with the same key replaces its part), then each touched window's provisional count becomes the sum of its parts. Two
-- consumers never write the same part, so neither overwrites the other's counts. One transaction, which takes the
-- parts table's lock first: two consumers' flushes then run one after the other, so each sum sees every committed part
-- (without it, two flushes of the same window could each sum without the other's part, and the later write would win).
LOCK analytics.minute_count_parts;

DROP TABLE IF EXISTS stage_minute_parts;

CREATE TEMP TABLE stage_minute_parts (LIKE analytics.minute_count_parts);

INSERT INTO stage_minute_parts (minute_start, event_type, country, device_type, part, events, loaded_at)
VALUES (?, ?, ?, ?, ?, ?, ?);

MERGE INTO analytics.minute_count_parts
USING stage_minute_parts
ON minute_count_parts.minute_start = stage_minute_parts.minute_start
   AND minute_count_parts.event_type = stage_minute_parts.event_type
   AND minute_count_parts.country = stage_minute_parts.country
   AND minute_count_parts.device_type = stage_minute_parts.device_type
   AND minute_count_parts.part = stage_minute_parts.part
WHEN MATCHED THEN UPDATE SET
    events = stage_minute_parts.events,
    loaded_at = stage_minute_parts.loaded_at
WHEN NOT MATCHED THEN INSERT (minute_start, event_type, country, device_type, part, events, loaded_at)
VALUES (stage_minute_parts.minute_start, stage_minute_parts.event_type, stage_minute_parts.country,
    stage_minute_parts.device_type, stage_minute_parts.part, stage_minute_parts.events, stage_minute_parts.loaded_at);

DROP TABLE IF EXISTS tmp_minute_sums;

CREATE TEMP TABLE tmp_minute_sums (LIKE analytics.minute_counts);

INSERT INTO tmp_minute_sums (minute_start, event_type, country, device_type, events, provisional, loaded_at)
SELECT p.minute_start, p.event_type, p.country, p.device_type, SUM(p.events), TRUE, MAX(p.loaded_at)
FROM analytics.minute_count_parts p
JOIN (SELECT DISTINCT minute_start, event_type, country, device_type FROM stage_minute_parts) t
  ON p.minute_start = t.minute_start AND p.event_type = t.event_type AND p.country = t.country AND p.device_type = t.device_type
GROUP BY p.minute_start, p.event_type, p.country, p.device_type;

-- a minute the hourly rollup already made final (provisional = false) keeps its exact count, and its parts go
DELETE FROM tmp_minute_sums USING analytics.minute_counts
WHERE minute_counts.minute_start = tmp_minute_sums.minute_start
   AND minute_counts.event_type = tmp_minute_sums.event_type
   AND minute_counts.country = tmp_minute_sums.country
   AND minute_counts.device_type = tmp_minute_sums.device_type
   AND NOT minute_counts.provisional;

DELETE FROM analytics.minute_count_parts USING analytics.minute_counts
WHERE minute_counts.minute_start = minute_count_parts.minute_start
   AND minute_counts.event_type = minute_count_parts.event_type
   AND minute_counts.country = minute_count_parts.country
   AND minute_counts.device_type = minute_count_parts.device_type
   AND NOT minute_counts.provisional;

MERGE INTO analytics.minute_counts
USING tmp_minute_sums
ON minute_counts.minute_start = tmp_minute_sums.minute_start
   AND minute_counts.event_type = tmp_minute_sums.event_type
   AND minute_counts.country = tmp_minute_sums.country
   AND minute_counts.device_type = tmp_minute_sums.device_type
WHEN MATCHED THEN UPDATE SET
    events = tmp_minute_sums.events,
    provisional = tmp_minute_sums.provisional,
    loaded_at = tmp_minute_sums.loaded_at
WHEN NOT MATCHED THEN INSERT (minute_start, event_type, country, device_type, events, provisional, loaded_at)
VALUES (tmp_minute_sums.minute_start, tmp_minute_sums.event_type, tmp_minute_sums.country,
    tmp_minute_sums.device_type, tmp_minute_sums.events, tmp_minute_sums.provisional,
    tmp_minute_sums.loaded_at);

DROP TABLE stage_minute_parts;

DROP TABLE tmp_minute_sums;
