-- Hourly rollup for one curated arrival hour (Athena engine v3 / Trino; also runs on the DuckDB stand-in unchanged).
-- Keyed by EVENT hour: the arrival hour ${arrival_hour} may hold events of several event hours (late events), so every
-- event hour it touched is recomputed from ALL arrival hours of that event hour. The result is exact and idempotent:
-- re-running any arrival hour yields the same rows, and the last arrival hour of an event hour to be rolled up leaves
-- the complete numbers.
-- ${arrival_hour} is the only substitution: a validated yyyy-MM-dd-HH value rendered by HourlyRollupJob, never record data.
-- One result set, told apart by row_kind:
--   hour     one row per (event hour, event_type, country, device_type): events, distinct users/sessions, top category
--   category the top 10 categories per (event hour, event_type), category_rank 1 = most events (ties: category name)
--   minute   exact events per (event minute, event_type, country, device_type): replaces the provisional minute counts
-- Events are counted once per event_id within the event hours read (the Glue job already deduplicates within an arrival
-- hour; the window below also folds producer duplicates that arrived in different hours, keeping the earliest arrival).
WITH touched AS (
    SELECT DISTINCT event_date, event_hour
    FROM events
    WHERE arrival_hour = '${arrival_hour}'
),
copies AS (
    SELECT e.event_date, e.event_hour, e.event_time, e.time_flag, e.event_type,
           coalesce(e.country, 'unknown') AS country, coalesce(e.device_type, 'unknown') AS device_type,
           e.user_id, e.session_id, e.category,
           row_number() OVER (PARTITION BY e.event_id ORDER BY e.ingest_time, e.arrival_hour) AS copy
    FROM events e
    JOIN touched t ON e.event_date = t.event_date AND e.event_hour = t.event_hour
),
evts AS (
    SELECT * FROM copies WHERE copy = 1
),
grp AS (
    SELECT event_date, event_hour, event_type, country, device_type,
           count(*) AS events, count(DISTINCT user_id) AS distinct_users, count(DISTINCT session_id) AS distinct_sessions
    FROM evts
    GROUP BY event_date, event_hour, event_type, country, device_type
),
grp_categories AS (
    SELECT event_date, event_hour, event_type, country, device_type, category,
           row_number() OVER (PARTITION BY event_date, event_hour, event_type, country, device_type
                              ORDER BY count(*) DESC, category) AS category_rank
    FROM evts
    WHERE category IS NOT NULL
    GROUP BY event_date, event_hour, event_type, country, device_type, category
),
categories AS (
    SELECT event_date, event_hour, event_type, category, count(*) AS events, count(DISTINCT user_id) AS distinct_users,
           row_number() OVER (PARTITION BY event_date, event_hour, event_type ORDER BY count(*) DESC, category) AS category_rank
    FROM evts
    WHERE category IS NOT NULL
    GROUP BY event_date, event_hour, event_type, category
),
minutes AS (
    -- flagged (late/future beyond the policy window) events sit in their arrival hour, not their event minute's hour
    SELECT event_date, event_hour, minute(event_time) AS event_minute, event_type, country, device_type, count(*) AS events
    FROM evts
    WHERE time_flag IS NULL
    GROUP BY event_date, event_hour, minute(event_time), event_type, country, device_type
)
SELECT 'hour' AS row_kind, g.event_date, g.event_hour, CAST(NULL AS integer) AS event_minute, g.event_type, g.country,
       g.device_type, c.category, CAST(NULL AS bigint) AS category_rank, g.events, g.distinct_users, g.distinct_sessions
FROM grp g
LEFT JOIN grp_categories c
       ON c.event_date = g.event_date AND c.event_hour = g.event_hour AND c.event_type = g.event_type
      AND c.country = g.country AND c.device_type = g.device_type AND c.category_rank = 1
UNION ALL
SELECT 'category', event_date, event_hour, CAST(NULL AS integer), event_type, CAST(NULL AS varchar), CAST(NULL AS varchar),
       category, category_rank, events, distinct_users, CAST(NULL AS bigint)
FROM categories
WHERE category_rank <= 10
UNION ALL
SELECT 'minute', event_date, event_hour, event_minute, event_type, country, device_type,
       CAST(NULL AS varchar), CAST(NULL AS bigint), events, CAST(NULL AS bigint), CAST(NULL AS bigint)
FROM minutes
