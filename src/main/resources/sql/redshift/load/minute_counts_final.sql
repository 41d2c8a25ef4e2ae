-- One event hour of minute_counts from the hourly rollup: exact counts (provisional = false) replace the real-time
-- provisional counts of that hour, and the hour's minutes the rollup did not produce are removed, in one transaction.
DROP TABLE IF EXISTS stage_minute_counts_final;

CREATE TEMP TABLE stage_minute_counts_final (LIKE analytics.minute_counts);

INSERT INTO stage_minute_counts_final (minute_start, event_type, country, device_type, events, provisional, loaded_at)
VALUES (?, ?, ?, ?, ?, ?, ?);

${merge_minute_counts_final}

-- parameters: window start, window end (the hour), loaded_at of this load
DELETE FROM analytics.minute_counts WHERE minute_start >= ? AND minute_start < ? AND loaded_at <> ?;

DROP TABLE stage_minute_counts_final;
