-- One hour of hourly_top_categories, idempotent like hourly_rollup.sql.
DROP TABLE IF EXISTS stage_hourly_top_categories;

CREATE TEMP TABLE stage_hourly_top_categories (LIKE analytics.hourly_top_categories);

INSERT INTO stage_hourly_top_categories (window_start, event_type, category, category_rank, events, distinct_users,
    source_ref, loaded_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?);

MERGE INTO analytics.hourly_top_categories
USING stage_hourly_top_categories
ON hourly_top_categories.window_start = stage_hourly_top_categories.window_start
   AND hourly_top_categories.event_type = stage_hourly_top_categories.event_type
   AND hourly_top_categories.category = stage_hourly_top_categories.category
WHEN MATCHED THEN UPDATE SET
    category_rank = stage_hourly_top_categories.category_rank,
    events = stage_hourly_top_categories.events,
    distinct_users = stage_hourly_top_categories.distinct_users,
    source_ref = stage_hourly_top_categories.source_ref,
    loaded_at = stage_hourly_top_categories.loaded_at
WHEN NOT MATCHED THEN INSERT (window_start, event_type, category, category_rank, events, distinct_users, source_ref,
    loaded_at)
VALUES (stage_hourly_top_categories.window_start, stage_hourly_top_categories.event_type,
    stage_hourly_top_categories.category, stage_hourly_top_categories.category_rank, stage_hourly_top_categories.events,
    stage_hourly_top_categories.distinct_users, stage_hourly_top_categories.source_ref,
    stage_hourly_top_categories.loaded_at);

-- parameters: window_start, loaded_at of this load
DELETE FROM analytics.hourly_top_categories WHERE window_start = ? AND loaded_at <> ?;

DROP TABLE stage_hourly_top_categories;
