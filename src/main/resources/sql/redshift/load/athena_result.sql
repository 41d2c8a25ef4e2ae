-- The hourly rollup's Athena result (sql/athena/hourly_rollup.sql, CSV with a header) into hourly_rollup,
-- hourly_top_categories and minute_counts, for the Step Functions hour pipeline (terraform/modules/orchestration):
-- the same stage-MERGE-clear shape as the application's JDBC loads (hourly_rollup.sql, hourly_top_categories.sql,
-- minute_counts_final.sql), with the rows COPYed from S3 instead of bound by JDBC. The MERGE statements are not here:
-- each line naming merge_<table> is replaced by sql/redshift/merge/<table>.sql, the file the JDBC load includes too
-- (Terraform: templatefile() in terraform/main.tf; the application: SqlScript.compose).
-- Run by the Redshift Data API's BatchExecuteStatement, which runs the statements in order as ONE transaction (any
-- failure rolls all back), so the temp tables live for exactly this load.
-- Redshift only (COPY from S3, SYSDATE, DATEADD): the application's JDBC loads do not read this file.
-- :manifest_location and :query_execution_id are the only substitutions, set by the state machine, never record data:
-- a manifest naming this execution's Athena result object (s3://<results bucket>/redshift-load/<query id>.manifest,
-- written by the machine's WriteLoadManifest step: COPY FROM a path loads every object whose key begins with it, and
-- Athena writes <query id>.csv.metadata beside <query id>.csv) and the query id. Every touched event hour is replaced
-- whole, as in the application.
CREATE TEMP TABLE stage_athena_result (
    row_kind VARCHAR(8), event_date DATE, event_hour INTEGER, event_minute INTEGER, event_type VARCHAR(64),
    country VARCHAR(16), device_type VARCHAR(16), category VARCHAR(128), category_rank BIGINT, events BIGINT,
    distinct_users BIGINT, distinct_sessions BIGINT);

COPY stage_athena_result FROM ':manifest_location' IAM_ROLE default FORMAT AS CSV IGNOREHEADER 1 EMPTYASNULL MANIFEST;

CREATE TEMP TABLE stage_hourly_rollup (LIKE analytics.hourly_rollup);

INSERT INTO stage_hourly_rollup (window_start, event_type, country, device_type, events, distinct_users,
    distinct_sessions, top_category, is_final, source, source_ref, loaded_at)
SELECT DATEADD(hour, event_hour, event_date), event_type, country, device_type, events, distinct_users,
    distinct_sessions, category, TRUE, 'athena-rollup', ':query_execution_id', SYSDATE
FROM stage_athena_result WHERE row_kind = 'hour';

${merge_hourly_rollup}

DELETE FROM analytics.hourly_rollup
WHERE window_start IN (SELECT DISTINCT DATEADD(hour, event_hour, event_date) FROM stage_athena_result)
  AND loaded_at <> SYSDATE;

CREATE TEMP TABLE stage_hourly_top_categories (LIKE analytics.hourly_top_categories);

INSERT INTO stage_hourly_top_categories (window_start, event_type, category, category_rank, events, distinct_users,
    source_ref, loaded_at)
SELECT DATEADD(hour, event_hour, event_date), event_type, category, category_rank, events, distinct_users,
    ':query_execution_id', SYSDATE
FROM stage_athena_result WHERE row_kind = 'category';

${merge_hourly_top_categories}

DELETE FROM analytics.hourly_top_categories
WHERE window_start IN (SELECT DISTINCT DATEADD(hour, event_hour, event_date) FROM stage_athena_result)
  AND loaded_at <> SYSDATE;

CREATE TEMP TABLE stage_minute_counts_final (LIKE analytics.minute_counts);

INSERT INTO stage_minute_counts_final (minute_start, event_type, country, device_type, events, provisional, loaded_at)
SELECT DATEADD(minute, event_minute, DATEADD(hour, event_hour, event_date)), event_type, country, device_type, events,
    FALSE, SYSDATE
FROM stage_athena_result WHERE row_kind = 'minute';

${merge_minute_counts_final}

DELETE FROM analytics.minute_counts
WHERE DATE_TRUNC('hour', minute_start) IN (SELECT DISTINCT DATEADD(hour, event_hour, event_date) FROM stage_athena_result)
  AND loaded_at <> SYSDATE;

DROP TABLE stage_minute_counts_final;

DROP TABLE stage_hourly_top_categories;

DROP TABLE stage_hourly_rollup;

DROP TABLE stage_athena_result;
