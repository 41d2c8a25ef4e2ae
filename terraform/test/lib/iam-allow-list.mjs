// Grants of the application's IAM policies that no recorded call uses, kept on purpose: AWS makes these calls on the
// application's behalf (with its credentials) or only production paths make them. `resources` (the resource as written in
// HCL) narrows an entry; without it the entry covers every resource of the statement. iam.test.mjs fails on an unused
// grant missing here and on an entry here that a recorded call does use (move it out: the recording now proves it).

const ATHENA_AS_CALLER =
  'Athena runs the query with the caller\'s credentials: it reads the Glue catalog, the curated zone and writes the results ' +
  'bucket as the application (https://docs.aws.amazon.com/athena/latest/ug/security-iam-athena.html); the stand-in does none of that';

const ESM_AS_FUNCTION =
  'Lambda mode: the event source mapping reads the stream with the function\'s role ' +
  '(AWSLambdaKinesisExecutionRole: DescribeStream, DescribeStreamSummary, GetRecords, GetShardIterator, ListShards, ListStreams)';

export const APP_ALLOW_LIST = [
  {
    sid: 'ReadAndWriteStream',
    actions: ['kinesis:DescribeStream'],
    reason: `${ESM_AS_FUNCTION}; the container consumer's calls (DescribeStreamSummary, ListShards, GetShardIterator, GetRecords) are recorded`,
  },
  {
    sid: 'ListLakeBuckets',
    actions: ['s3:ListBucket'],
    resources: ['${var.bucket_arns["curated"]}', '${var.bucket_arns["athena_results"]}'],
    reason: ATHENA_AS_CALLER,
  },
  { sid: 'AthenaLocatesBuckets', actions: ['s3:GetBucketLocation'], reason: ATHENA_AS_CALLER },
  {
    sid: 'WriteRawZone',
    actions: ['s3:GetObject'],
    resources: ['${var.bucket_arns["raw"]}/${var.raw_prefix}*'],
    reason: `the query API accepts any read-only SQL, so a query of the raw table (events_raw) makes Athena read the raw zone. ${ATHENA_AS_CALLER}`,
  },
  { sid: 'ReadCuratedZone', actions: ['s3:GetObject'], reason: ATHENA_AS_CALLER },
  { sid: 'AthenaResults', actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'], reason: ATHENA_AS_CALLER },
  {
    sid: 'UsePlatformKey',
    actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
    reason: 'every store is SSE-KMS with the platform key: S3, Kinesis and Athena call KMS for the application (kms:ViaService); the stand-ins do not encrypt',
  },
  { sid: 'ReadCatalog', reason: ATHENA_AS_CALLER },
  {
    sid: 'RunGlueJob',
    actions: ['glue:GetJobRuns'],
    reason: 'recovery after a crash between starting a run and saving its id: SdkGlueRuns.find looks the run up by its '
      + 'arguments; no recorded test crashes the sealer there (HourSealerTest covers the logic on a fake)',
  },
  {
    sid: 'KclLeaseTables',
    reason: 'the KCL consumer\'s own DynamoDB clients (lease, coordinator state and worker metrics tables) are not '
      + 'recorded: AwsCallRecorder is attached to the application\'s clients only; the calls are exercised on dynalite '
      + 'by KclToRawZoneTest and KclFailoverIT (the list follows the KCL 3.x IAM documentation)',
  },
  {
    sid: 'QueryAthena',
    actions: ['athena:StopQueryExecution'],
    reason: 'the query API stops a query that runs past tributary.query.timeout; the recorded tests\' queries finish in time',
  },
];

export const LAMBDA_RUNTIME_ALLOW_LIST = [
  { sid: 'WriteLogs', reason: 'the Lambda runtime writes the function\'s logs (and the EMF metrics) with the function\'s role' },
  { sid: 'EventSourceMappingListsStreams', reason: ESM_AS_FUNCTION },
  { sid: 'SendToOnFailureDestination', reason: 'the event source mapping sends skipped ranges to the on-failure destination with the function\'s role' },
  { sid: 'ManageVpcNetworkInterfaces', reason: 'Lambda creates the function\'s VPC network interfaces with its role (AWSLambdaVPCAccessExecutionRole)' },
];

const SYNC_STOPS =
  'the .sync integration stops the job or query it started when the execution is stopped, times out or fails, and '
  + 'looks runs up (the templates of https://docs.aws.amazon.com/step-functions/latest/dg/connect-glue.html and '
  + 'connect-athena.html); no executed test stops an execution mid-run';

// The Step Functions execution role (modules/orchestration, data.aws_iam_policy_document.sfn). Recorded calls: every
// Task of StateMachineExecutionTest's executions (principal sfn).
export const SFN_ALLOW_LIST = [
  { sid: 'RunGlueJob', actions: ['glue:GetJobRuns', 'glue:BatchStopJobRun'], reason: SYNC_STOPS },
  { sid: 'RunAthenaQuery', actions: ['athena:StopQueryExecution'], reason: SYNC_STOPS },
  { sid: 'ReadCatalogForAthena', reason: ATHENA_AS_CALLER },
  { sid: 'ListBucketsForAthena', reason: ATHENA_AS_CALLER },
  { sid: 'ReadCuratedForAthena', reason: ATHENA_AS_CALLER },
  {
    sid: 'WriteAthenaResults',
    actions: ['s3:GetObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
    reason: `${ATHENA_AS_CALLER} (the machine's own PutObject, the load manifest, is recorded)`,
  },
  {
    sid: 'UsePlatformKey',
    reason: 'the results bucket and the alarm topic are SSE-KMS with the platform key: S3 (the rollup result, the manifest) '
      + 'and SNS call KMS with the caller\'s credentials; the stand-ins do not encrypt',
  },
  { sid: 'DeliverExecutionLogs', reason: 'Step Functions delivers the execution log to CloudWatch Logs with the role (logging_configuration)' },
];

const GLUE_SERVICE =
  'the Glue service itself uses the job role for this (https://docs.aws.amazon.com/glue/latest/dg/create-an-iam-role.html): '
  + 'it loads the job\'s script and jars from the artifacts location, keeps --TempDir there, writes the continuous logs and '
  + 'the job metrics; the Glue stand-in runs the job class directly';

// The Glue job role (modules/glue_job, data.aws_iam_policy_document.glue). Recorded calls: the job's S3 requests in
// StateMachineExecutionTest's run (principal glue_job, S3RequestTap at the S3 stand-in).
export const GLUE_ALLOW_LIST = [
  // The curated zone is an Iceberg table in the Glue Data Catalog on AWS: Iceberg's GlueCatalog loads it (GetDatabase,
  // GetTable), creates it on the first run and commits each MERGE as an UpdateTable of its metadata location. Locally the
  // job runs on a HadoopCatalog (docs/iceberg.md), so the recording holds no Glue catalog call.
  { sid: 'ReadCatalog', reason: 'Iceberg GlueCatalog on AWS: loadTable reads the database and the curated table' },
  { sid: 'CommitCuratedIcebergTable', reason: 'Iceberg GlueCatalog on AWS: the first run creates the curated table, every commit updates it' },
  { sid: 'ReadArtifacts', reason: GLUE_SERVICE },
  { sid: 'TempDir', reason: GLUE_SERVICE },
  { sid: 'ListLakeBuckets', actions: ['s3:ListBucket'], resources: ['${var.artifacts_bucket_arn}'], reason: GLUE_SERVICE },
  { sid: 'WriteLogs', reason: GLUE_SERVICE },
  { sid: 'PublishJobMetrics', reason: GLUE_SERVICE },
  {
    sid: 'WriteCuratedAndErrors',
    actions: ['s3:AbortMultipartUpload'],
    reason: 'S3A writes a file over fs.s3a.multipart.threshold in parts and aborts the upload when a task fails; the test\'s '
      + 'hour writes small files in one PUT (production hours can reach the threshold)',
  },
  {
    sid: 'UseLakeKey',
    reason: 'the lake buckets are SSE-KMS with the platform key: S3 calls KMS with the job\'s credentials on each read and '
      + 'write; the S3 stand-in does not encrypt',
  },
];

/** The allow-list entry covering an unused grant, or undefined. */
export function allowedBy(list, grant) {
  return list.find((e) => e.sid === grant.sid
    && (!e.actions || e.actions.includes(grant.action))
    && (!e.resources || e.resources.includes(grant.resource)));
}
