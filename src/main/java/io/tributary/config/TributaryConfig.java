package io.tributary.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Typed configuration of the pipeline; every property is documented in the README's configuration reference. */
@ConfigMapping(prefix = "tributary")
public interface TributaryConfig {

    /** AWS coordinates shared by the clients. */
    Aws aws();

    /** The Kinesis stream and consumer. */
    Kinesis kinesis();

    /** The Kinesis Client Library consumer (leases in DynamoDB): {@code tributary.kinesis.consumer=kcl}. */
    Kcl kcl();

    /** The S3 data lake. */
    Lake lake();

    /** Batching to the raw and errors zones. */
    Batch batch();

    /** Event validation and the late/future policy. */
    Event event();

    /** HTTP ingest. */
    Ingest ingest();

    /** Checkpoints. */
    Checkpoint checkpoint();

    /** Writes of batches to S3. */
    Write write();

    /** The Redshift warehouse (aggregates); its JDBC data source is {@code quarkus.datasource.redshift.*}. */
    Redshift redshift();

    /** Athena over the curated zone. */
    Athena athena();

    /** The hourly rollup (Athena over the curated zone into Redshift), run per curated arrival hour. */
    Rollup rollup();

    /** Real-time minute windows from the ingest path into Redshift (provisional counts). */
    Minutes minutes();

    /** The ad-hoc query API (POST/GET /api/queries) over Athena. */
    Query query();

    /** CloudWatch metrics, emitted as Embedded Metric Format log lines (io.tributary.metrics.EmfMetrics). */
    Metrics metrics();

    interface Metrics {
        /** CloudWatch namespace of the emitted metrics; Terraform sets the one its alarms watch (TRIBUTARY_METRICS_NAMESPACE). */
        @WithDefault("Tributary")
        String namespace();

        /** Embedded Metric Format output. */
        Emf emf();

        interface Emf {
            /** Write EMF lines to stdout; on in the prod and lambda profiles, off in dev and tests unless a test asks. */
            @WithDefault("false")
            boolean enabled();

            /** One line per interval with the counts of that interval; 0 for none on a timer (Lambda: one per invocation). */
            @WithDefault("60s")
            Duration interval();
        }
    }

    interface Rollup {
        /** Milliseconds before the first poll of the rollup query's state. */
        @WithDefault("500")
        long initialDelayMs();

        /** Milliseconds between later polls of the rollup query's state. */
        @WithDefault("2000")
        long pollDelayMs();

        /** Longest wait for one rollup query attempt to finish, in milliseconds. */
        @WithDefault("600000")
        long waitTimeoutMs();

        /** Attempts of the rollup query when Athena fails it with a retryable error (GENERIC_INTERNAL_ERROR, exhausted resources). */
        @WithDefault("3")
        int maxAttempts();

        /** Redeliveries of a whole failed rollup (Athena or Redshift error), with exponential backoff; then the error goes to the caller. */
        @WithDefault("3")
        int maxRedeliveries();

        /** First delay between rollup redeliveries, in milliseconds; doubles each time. */
        @WithDefault("5000")
        long redeliveryDelayMs();

        /** Rows per GetQueryResults page when reading the rollup (Athena maximum 1000). */
        @WithDefault("1000")
        int pageSize();
    }

    interface Minutes {
        /** Count events per (minute, event type, country, device type) on the ingest path; also needs tributary.redshift.enabled. */
        @WithDefault("true")
        boolean enabled();

        /** How often the counts of batches made durable are merged into Redshift. */
        @WithDefault("5s")
        Duration flushInterval();
    }

    interface Query {
        /** A query still queued or running this long after it was submitted is stopped and reported as timed out. */
        @WithDefault("60s")
        Duration timeout();

        /** Most result rows a query returns over all its pages; more are cut off and reported as truncated. */
        @WithDefault("10000")
        int maxRows();

        /** Rows per page of GET /api/queries/{id} (Athena maximum 1000). */
        @WithDefault("100")
        int pageSize();

        /** Longest accepted SQL text, in characters. */
        @WithDefault("100000")
        int maxSqlLength();
    }

    /** Graceful shutdown (SIGTERM) in container mode. */
    Shutdown shutdown();

    /** Lambda mode (the Kinesis event source mapping invokes the function). */
    Lambda lambda();

    interface Shutdown {
        /** Longest time the SIGTERM flush of open batches and checkpoints may take; what is not durable by then is logged and
         *  read again after the last checkpoint on the next start. Keep it under the ECS stopTimeout (default 30 s). */
        @WithDefault("25s")
        Duration deadline();
    }

    interface Lambda {
        /** host:port of the Lambda Runtime API to poll for invocations (custom runtime, e.g. the native bootstrap passes
         *  $AWS_LAMBDA_RUNTIME_API). Unset on the managed Java runtime, which calls the handler class itself. */
        Optional<String> runtimeApi();
    }

    /** Hour sealing and the Glue job that curates each sealed raw hour (docs/sealing-and-glue.md). */
    Glue glue();

    interface Glue {
        /** Seal raw hours and run the Glue job for each; off by default (needs a deployed job, or the local Glue stand-in). */
        @WithDefault("false")
        boolean enabled();

        /** Name of the Glue job (Terraform's tributary-curated job). Required when enabled. */
        Optional<String> jobName();

        /** Endpoint override (local Glue stand-in); unset on AWS. */
        Optional<String> endpointOverride();

        /** The job's --curated_path, e.g. s3://tributary-curated/curated/events. Required when enabled. */
        Optional<String> curatedPath();

        /** The job's --errors_path (rows the job rejects), e.g. s3://tributary-errors/errors/glue. Required when enabled. */
        Optional<String> errorsPath();

        /** Prefix of the run summaries; each run writes {@code <prefix>/arrival_hour=<hour>.json}. Required when enabled. */
        Optional<String> summaryPrefix();

        /** The job's --raw_path; unset means s3://<tributary.lake.raw-bucket>/<tributary.lake.raw-prefix>. */
        Optional<String> rawPath();

        /** How far past an hour's end every shard must be durable (its published position or a read at its tip) before
         *  the hour is sealed; covers Kinesis read-after-write delay and clock skew. */
        @WithDefault("5m")
        Duration gracePeriod();

        /** How often hours are checked for sealing and running job runs are looked at. */
        @WithDefault("30s")
        Duration checkInterval();

        /** First wait before polling a started run (GetJobRun); doubles after each poll up to the maximum. */
        @WithDefault("15s")
        Duration pollInitialDelay();

        /** Longest wait between two polls of a running job run. */
        @WithDefault("2m")
        Duration pollMaxDelay();

        /** Runs started again after a failed run of the same hour (0: no retry); then the hour stays FAILED. */
        @WithDefault("2")
        int maxRetries();

        /** Job runs this application keeps in flight at once (the Glue job's MaxConcurrentRuns should allow it). */
        @WithDefault("1")
        int maxConcurrentRuns();

        /** How far back raw hours are looked for (and unfinished hours resumed) after a start or an outage. */
        @WithDefault("P2D")
        Duration lookback();

        /** How long after its end a curated hour is watched for raw objects written after its run started (late data,
         *  a replay); such an hour is curated and rolled up again. One LIST of the hour's raw prefix per round. */
        @WithDefault("6h")
        Duration lateObjectWindow();

        /** Lambda mode: how long an hour claimed by a Step Functions execution stays its own; a claim older than this
         *  (an execution that died) is claimed again. Keep it above the state machine's timeout. */
        @WithDefault("3h")
        Duration claimTimeout();

        /** Key prefix (in the raw bucket) of the durable per-hour state objects. */
        @WithDefault("_tributary/state/hours")
        String statePrefix();

        /** Also seal the current, still open hour once every shard was read at its tip with everything durable: tests
         *  and dev mode only (a record arriving later in that hour re-opens it: it is curated again). */
        @WithDefault("false")
        boolean sealOpenHour();
    }

    interface Redshift {
        /** Load aggregates into Redshift; when false the 'redshift' data source stays inactive and nothing connects. */
        @WithDefault("false")
        boolean enabled();

        /** SQL dialect of the warehouse DDL: redshift, or postgresql for the local stand-in (see SqlDialect). */
        @WithDefault("redshift")
        String dialect();

        /** Apply the versioned DDL in sql/redshift/ at startup (explicit and repeatable; applied versions are skipped). */
        @WithDefault("true")
        boolean migrateAtStart();

        /** Rows per JDBC batch when filling a stage table. */
        @WithDefault("1000")
        int stageBatchSize();
    }

    interface Athena {
        /** Endpoint override (local Athena stand-in); unset on AWS. */
        Optional<String> endpointOverride();

        /** Glue catalog database holding the curated events table. */
        @WithDefault("tributary")
        String database();

        /** Athena workgroup the queries run in. */
        @WithDefault("primary")
        String workgroup();

        /** S3 location for query results (s3://bucket/prefix/); unset uses the workgroup's setting. */
        Optional<String> outputLocation();
    }

    interface Write {
        /** Redeliveries of a failed S3 put; -1 retries until it succeeds, holding back the shard (nothing is dropped). */
        @WithDefault("-1")
        int maxRedeliveries();

        /** First delay between redeliveries, in milliseconds; doubles up to the maximum. */
        @WithDefault("200")
        long redeliveryDelayMs();

        /** Longest delay between redeliveries, in milliseconds. */
        @WithDefault("30000")
        long maxRedeliveryDelayMs();
    }

    interface Aws {
        /** AWS region, e.g. eu-west-1. */
        @WithDefault("us-east-1")
        String region();

        /** Static access key id: local stand-ins only. Unset means the default AWS credentials chain. */
        Optional<String> accessKeyId();

        /** Static secret key: local stand-ins only. */
        Optional<String> secretAccessKey();
    }

    interface Kinesis {
        /** Name of the Kinesis data stream. */
        String stream();

        /** Endpoint override (local Kinesis stand-in); unset on AWS. */
        Optional<String> endpointOverride();

        /** Which container-mode consumer reads the stream: {@code kcl} (leases, any number of processes) or {@code polling}
         *  (one process only); selects routes/kinesis-to-raw/&lt;consumer&gt;.yaml. */
        @WithDefault("kcl")
        String consumer();

        /** Run the container-mode consumer route (false in Lambda mode, where the event source mapping polls). */
        @WithDefault("true")
        boolean consumerEnabled();

        /** Where a shard without a checkpoint starts: TRIM_HORIZON (all retained records) or LATEST. */
        @WithDefault("TRIM_HORIZON")
        String iteratorType();

        /** Records per GetRecords call (Kinesis maximum 10000; the Camel default is 1). */
        @WithDefault("10000")
        int maxRecordsPerPoll();

        /** Milliseconds between polls of an idle shard (Kinesis allows 5 GetRecords per second per shard). */
        @WithDefault("250")
        long pollDelayMs();

        /** Milliseconds between checks for new or closed shards (resharding). */
        @WithDefault("10000")
        long shardMonitorIntervalMs();
    }

    interface Kcl {
        /** KCL application name: names the lease table ({@code <name>}), the coordinator state table
         *  ({@code <name>-CoordinatorState}) and the worker metrics table ({@code <name>-WorkerMetricStats}). */
        @WithDefault("tributary")
        String applicationName();

        /** Lease table name, when it is not the application name. */
        Optional<String> leaseTable();

        /** Worker identifier in the lease table; default: host name and a random suffix (unique per process). */
        Optional<String> workerId();

        /** Endpoint override of DynamoDB (local stand-in: dynalite); unset on AWS. */
        Optional<String> dynamodbEndpointOverride();

        /** A lease not renewed for this long is taken over by another worker (KCL failoverTimeMillis). */
        @WithDefault("10s")
        Duration failoverTime();

        /** How often the leader assigns expired and unassigned leases (KCL 3 leaseAssignmentIntervalMillis); default
         *  twice the failover time. A dead worker's shards are read again after about failover time + this. */
        Optional<Duration> leaseAssignmentInterval();

        /** How often the leader lists shards to create leases for new ones (KCL shardSyncIntervalMillis; the shard sync
         *  run at start also idles this long). */
        @WithDefault("60s")
        Duration shardSyncInterval();

        /** At most this often a record processor writes its durable position as the KCL checkpoint (a DynamoDB write). */
        @WithDefault("5s")
        Duration checkpointInterval();

        /** Enhanced fan-out (SubscribeToShard, a dedicated 2 MB/s per shard per consumer) instead of polling with
         *  GetRecords. Not available on the local Kinesis stand-in; needs the kinesis:*StreamConsumer and SubscribeToShard
         *  permissions. */
        @WithDefault("false")
        boolean enhancedFanOut();

        /** KCL metrics to CloudWatch: NONE (default; the application's own metrics are EMF), SUMMARY or DETAILED. */
        @WithDefault("NONE")
        String metricsLevel();

        /** Backpressure: a shard's record processor takes no further GetRecords batch while this many of its records are
         *  read but not durable in S3 (an S3 outage holds the shard instead of filling the heap). */
        @WithDefault("1000000")
        long maxUndurableRecords();

        /** Readiness reports the consumer DOWN when a shard it owns holds records not durable in S3 and its durable
         *  position has not moved for this long, or it has not been handed a GetRecords result for this long. */
        @WithDefault("5m")
        Duration stallTimeout();

        /** How long the KCL graceful shutdown (final checkpoints, lease release) may take when the route stops. */
        @WithDefault("20s")
        Duration shutdownTimeout();
    }

    interface Lake {
        /** Bucket of the raw zone. */
        String rawBucket();

        /** Bucket of the errors zone. */
        String errorsBucket();

        /** Key prefix of the raw zone. */
        @WithDefault("raw/events")
        String rawPrefix();

        /** Key prefix of the errors zone. */
        @WithDefault("errors/events")
        String errorsPrefix();

        /** Endpoint override (local S3 stand-in); unset on AWS. */
        Optional<String> endpointOverride();
    }

    interface Batch {
        /** Flush a batch when it holds this many records. */
        @WithDefault("100000")
        int maxRecords();

        /** Flush a batch when its uncompressed NDJSON reaches this many bytes (Firehose default: 5 MiB). */
        @WithDefault("5242880")
        long maxBytes();

        /** Flush a batch when it is this old (1 s to 900 s; Firehose default: 60 s). */
        @WithDefault("60s")
        Duration maxAge();

        /** gzip level of raw and errors objects: 1 is fastest (the CPU per record is what Lambda and ECS bill), 9 smallest. */
        @WithDefault("1")
        int gzipLevel();

        /** How often aged batches are looked for. */
        @WithDefault("1s")
        Duration ageCheckInterval();

        /** Run the age-based flush timer; false in Lambda mode, where every invocation flushes all it read before returning. */
        @WithDefault("true")
        boolean ageFlushEnabled();
    }

    interface Event {
        /** An event older than its arrival by more than this lands in its arrival-time partition, flagged 'late'. */
        @WithDefault("P7D")
        Duration lateWindow();

        /** An event newer than its arrival by more than this lands in its arrival-time partition, flagged 'future'. */
        @WithDefault("PT5M")
        Duration futureWindow();

        /** Largest accepted record, in bytes (Kinesis' own limit is 1 MiB). */
        @WithDefault("1048576")
        int maxRecordBytes();

        /** Deepest accepted JSON nesting. */
        @WithDefault("32")
        int maxNestingDepth();
    }

    interface Ingest {
        /** API key producers send in the X-Api-Key header. Required. */
        String apiKey();

        /** Kinesis PutRecords attempts for entries that keep failing (throttling, internal errors). */
        @WithDefault("5")
        int maxAttempts();

        /** First backoff between PutRecords retries; doubles with full jitter. */
        @WithDefault("100ms")
        Duration retryBackoff();

        /** Most records one POST /events may hold (array elements or NDJSON lines); a request with more is refused
         *  whole with 413 before any record is processed. Bounds the memory and time of one request. */
        @WithDefault("10000")
        int maxRecordsPerRequest();

        /** Serve POST /events (the ingest-http route); false in Lambda mode, which has no inbound HTTP. */
        @WithDefault("true")
        boolean httpEnabled();
    }

    interface Checkpoint {
        /** Key prefix (in the raw bucket) of the per-shard checkpoint objects. */
        @WithDefault("_checkpoints")
        String prefix();

        /** How often advanced checkpoints are written to S3. */
        @WithDefault("5s")
        Duration interval();

        /** Write checkpoints (timer and shutdown); false in Lambda mode, where the event source mapping keeps them. */
        @WithDefault("true")
        boolean enabled();
    }
}
