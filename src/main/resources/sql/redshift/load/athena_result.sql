-- The hourly rollup's Athena result (sql/athena/hourly_rollup.sql, CSV with a header) into hourly_rollup,
-- hourly_top_categories and minute_counts, for the Step Functions hour pipeline (terraform/modules/orchestration):
-- the same stage-MERGE-clear shape as hourly_rollup.sql, hourly_top_categories.sql and minute_counts_final.sql, with the
-- rows COPYed from S3 instead of bound by JDBC. Run by the Redshift Data API's BatchExecuteStatement, which runs the
-- statements in order as ONE transaction (any failure rolls all back), so the temp tables live for exactly this load.
-- Redshift only (COPY from S3, SYSDATE): the application's JDBC loads do not read this file.
-- :result_location is the only substitution: the Athena result object of this execution (s3://<results bucket>/...csv),
-- set by the state machine, never record data. Every touched event hour is replaced whole, as in the application.
CREATE TEMP TABLE stage_athena_result (
    row_kind VARCHAR(8), event_date DATE, event_hour INTEGER, event_minute INTEGER, event_type VARCHAR(64),
    country VARCHAR(16), device_type VARCHAR(16), category VARCHAR(128), category_rank BIGINT, events BIGINT,
    distinct_users BIGINT, distinct_sessions BIGINT);

COPY stage_athena_result FROM ':result_location' IAM_ROLE default FORMAT AS CSV IGNOREHEADER 1 EMPTYASNULL;

CREATE TEMP TABLE stage_hourly_rollup (LIKE analytics.hourly_rollup);

INSERT INTO stage_hourly_rollup (window_start, event_type, country, device_type, events, distinct_users,
    distinct_sessions, top_category, is_final, source, source_ref, loaded_at)
SELECT DATEADD(hour, event_hour, event_date), event_type, country, device_type, events, distinct_users,
    distinct_sessions, category, TRUE, 'athena-rollup', ':query_execution_id', SYSDATE
FROM stage_athena_result WHERE row_kind = 'hour';

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

DELETE FROM analytics.hourly_rollup
WHERE window_start IN (SELECT DISTINCT DATEADD(hour, event_hour, event_date) FROM stage_athena_result)
  AND loaded_at <> SYSDATE;

CREATE TEMP TABLE stage_hourly_top_categories (LIKE analytics.hourly_top_categories);

INSERT INTO stage_hourly_top_categories (window_start, event_type, category, category_rank, events, distinct_users,
    source_ref, loaded_at)
SELECT DATEADD(hour, event_hour, event_date), event_type, category, category_rank, events, distinct_users,
    ':query_execution_id', SYSDATE
FROM stage_athena_result WHERE row_kind = 'category';

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

DELETE FROM analytics.hourly_top_categories
WHERE window_start IN (SELECT DISTINCT DATEADD(hour, event_hour, event_date) FROM stage_athena_result)
  AND loaded_at <> SYSDATE;

CREATE TEMP TABLE stage_minute_counts_final (LIKE analytics.minute_counts);

INSERT INTO stage_minute_counts_final (minute_start, event_type, country, device_type, events, provisional, loaded_at)
SELECT DATEADD(minute, event_minute, DATEADD(hour, event_hour, event_date)), event_type, country, device_type, events,
    FALSE, SYSDATE
FROM stage_athena_result WHERE row_kind = 'minute';

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

DELETE FROM analytics.minute_counts
WHERE DATE_TRUNC('hour', minute_start) IN (SELECT DISTINCT DATEADD(hour, event_hour, event_date) FROM stage_athena_result)
  AND loaded_at <> SYSDATE;

DROP TABLE stage_minute_counts_final;

DROP TABLE stage_hourly_top_categories;

DROP TABLE stage_hourly_rollup;

DROP TABLE stage_athena_result;
