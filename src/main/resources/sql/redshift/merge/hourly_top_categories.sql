-- The MERGE of one load of hourly_top_categories from stage_hourly_top_categories, keyed by window, event type and
-- category. The one copy: load/hourly_top_categories.sql (JDBC) and load/athena_result.sql (Data API) include it as
-- the line merge_hourly_top_categories (see SqlScript.compose).
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
