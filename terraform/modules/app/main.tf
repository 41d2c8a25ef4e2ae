# What the application needs, whatever runs it (Lambda or ECS): its network identity, its API key, the IAM policy
# both compute modules attach to their role, and the environment that points it at the platform.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  arn_prefix = "arn:${data.aws_partition.current.partition}"
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id

  # The KCL consumer (container mode) keeps shard leases in DynamoDB. The KCL creates its tables itself on first start
  # (on-demand billing): the lease table named after the application, with the LeaseOwnerToLeaseKeyIndex GSI, and the
  # <application>-CoordinatorState and <application>-WorkerMetricStats tables. TRIBUTARY_KCL_APPLICATION_NAME names them.
  kcl_application_name = "${var.name_prefix}-consumer"
  kcl_table_arn        = "${local.arn_prefix}:dynamodb:${local.region}:${local.account_id}:table/${local.kcl_application_name}"
}

resource "aws_security_group" "app" {
  name        = "${var.name_prefix}-app"
  description = "Tributary application (Lambda or ECS tasks): outbound to AWS APIs and Redshift."
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name_prefix}-app" })
}

resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.app.id
  description       = "AWS APIs over HTTPS (through the NAT gateway or VPC endpoints)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "redshift" {
  security_group_id            = aws_security_group.app.id
  description                  = "Redshift Serverless"
  ip_protocol                  = "tcp"
  from_port                    = var.redshift_port
  to_port                      = var.redshift_port
  referenced_security_group_id = var.redshift_security_group_id
}

resource "random_password" "api_key" {
  length  = 40
  special = false
}

resource "aws_secretsmanager_secret" "api_key" {
  name                    = "${var.name_prefix}/app/api-key"
  description             = "API key for the Tributary ingest and query HTTP endpoints."
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_in_days
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "api_key" {
  secret_id     = aws_secretsmanager_secret.api_key.id
  secret_string = random_password.api_key.result
}

data "aws_iam_policy_document" "app" {
  statement {
    sid = "ReadAndWriteStream"
    actions = [
      "kinesis:DescribeStream",
      "kinesis:DescribeStreamSummary",
      "kinesis:GetRecords",
      "kinesis:GetShardIterator",
      "kinesis:ListShards",
      "kinesis:PutRecords",
    ]
    resources = [var.stream_arn]
  }

  statement {
    sid       = "ListLakeBuckets"
    actions   = ["s3:ListBucket"]
    resources = [var.bucket_arns["raw"], var.bucket_arns["curated"], var.bucket_arns["errors"], var.bucket_arns["athena_results"]]
  }

  # Athena locates the buckets of the tables it reads (raw, curated) and of its results as the caller.
  statement {
    sid       = "AthenaLocatesBuckets"
    actions   = ["s3:GetBucketLocation"]
    resources = [var.bucket_arns["raw"], var.bucket_arns["curated"], var.bucket_arns["athena_results"]]
  }

  # Raw batches, plus the application's durable state in the raw bucket: per-shard checkpoints and other state
  # (sealed hours) under the state prefix. GetObject on the raw prefix: Athena reads the raw table as the caller.
  # No multipart grants: every object the application writes is one PutObject (aws2-s3 without multiPartUpload).
  statement {
    sid     = "WriteRawZone"
    actions = ["s3:GetObject", "s3:PutObject"]
    resources = [
      "${var.bucket_arns["raw"]}/${var.raw_prefix}*",
      "${var.bucket_arns["raw"]}/${var.checkpoint_prefix}*",
      "${var.bucket_arns["raw"]}/${var.state_prefix}*",
    ]
  }

  statement {
    sid       = "WriteErrorsZone"
    actions   = ["s3:PutObject"]
    resources = ["${var.bucket_arns["errors"]}/*"]
  }

  # Athena reads the curated zone with the caller's credentials.
  statement {
    sid       = "ReadCuratedZone"
    actions   = ["s3:GetObject"]
    resources = ["${var.bucket_arns["curated"]}/*"]
  }

  statement {
    sid = "AthenaResults"
    actions = [
      "s3:GetObject",
      "s3:PutObject",
      "s3:AbortMultipartUpload",
      "s3:ListMultipartUploadParts",
    ]
    resources = ["${var.bucket_arns["athena_results"]}/*"]
  }

  statement {
    sid       = "UsePlatformKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = [var.kms_key_arn]
  }

  statement {
    sid       = "RunGlueJob"
    actions   = ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns"]
    resources = [var.glue_job_arn]
  }

  statement {
    sid = "ReadCatalog"
    actions = [
      "glue:GetDatabase",
      "glue:GetDatabases",
      "glue:GetTable",
      "glue:GetTables",
      "glue:GetPartition",
      "glue:GetPartitions",
    ]
    resources = var.catalog_arns
  }

  statement {
    sid = "QueryAthena"
    actions = [
      "athena:GetQueryExecution",
      "athena:GetQueryResults",
      "athena:StartQueryExecution",
      "athena:StopQueryExecution",
    ]
    resources = [var.athena_workgroup_arn]
  }

  # The KCL consumer's lease, coordinator state and worker metrics tables (container mode; tributary.kcl.*): the KCL
  # creates them (and adds the lease table's GSI with UpdateTable) on first start, then reads and writes their items.
  statement {
    sid = "KclLeaseTables"
    actions = [
      "dynamodb:CreateTable",
      "dynamodb:DescribeTable",
      "dynamodb:UpdateTable",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
      "dynamodb:DeleteItem",
      "dynamodb:Scan",
      "dynamodb:Query",
    ]
    resources = [
      local.kcl_table_arn,
      "${local.kcl_table_arn}/index/*",
      "${local.kcl_table_arn}-CoordinatorState",
      "${local.kcl_table_arn}-WorkerMetricStats",
    ]
  }

  # Deliberately no Secrets Manager and no cloudwatch:PutMetricData (KCL metrics are off: tributary.kcl.metrics-level NONE): ECS injects the secrets with the execution role
  # (modules/ecs_service), Lambda mode has none, and metrics leave as Embedded Metric Format log lines. Every grant
  # here is checked against the calls the application's tests make: test/iam.test.mjs.
}
