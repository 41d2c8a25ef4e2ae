-- One hour of hourly_top_categories, idempotent like hourly_rollup.sql.
DROP TABLE IF EXISTS stage_hourly_top_categories;

CREATE TEMP TABLE stage_hourly_top_categories (LIKE analytics.hourly_top_categories);

INSERT INTO stage_hourly_top_categories (window_start, event_type, category, category_rank, events, distinct_users,
    source_ref, loaded_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?);

${merge_hourly_top_categories}

-- parameters: window_start, loaded_at of this load
DELETE FROM analytics.hourly_top_categories WHERE window_start = ? AND loaded_at <> ?;

DROP TABLE stage_hourly_top_categories;
