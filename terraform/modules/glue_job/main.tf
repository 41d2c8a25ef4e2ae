# The curation job (glue/ in this repository) as a Glue 5.0 Scala job: the entry script calls the Java job from the jar.
#
# Artifacts: the jar and the entry script are uploaded from the local build when they exist (fileexists guards), so
# `terraform plan` works on a fresh clone before anything is built. The job always points at the same S3 keys;
# build (mvn -f glue/pom.xml package) and apply again to upload, and source_hash re-uploads whenever a file changes.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  jar_key    = "${var.artifacts_prefix}${basename(var.jar_path)}"
  script_key = "${var.artifacts_prefix}${basename(var.entry_script_path)}"

  jar_exists    = fileexists(var.jar_path)
  script_exists = fileexists(var.entry_script_path)

  arn_prefix  = "arn:${data.aws_partition.current.partition}"
  catalog_arn = "${local.arn_prefix}:glue:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:catalog"
  region      = data.aws_region.current.name
  account_id  = data.aws_caller_identity.current.account_id
}

resource "aws_s3_object" "jar" {
  count = local.jar_exists ? 1 : 0

  bucket      = var.artifacts_bucket
  key         = local.jar_key
  source      = var.jar_path
  source_hash = filemd5(var.jar_path)
  kms_key_id  = var.kms_key_arn
  tags        = var.tags
}

resource "aws_s3_object" "entry_script" {
  count = local.script_exists ? 1 : 0

  bucket      = var.artifacts_bucket
  key         = local.script_key
  source      = var.entry_script_path
  source_hash = filemd5(var.entry_script_path)
  kms_key_id  = var.kms_key_arn
  tags        = var.tags
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws-glue/jobs/${var.job_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_glue_security_configuration" "this" {
  name = var.job_name

  encryption_configuration {
    s3_encryption {
      s3_encryption_mode = "SSE-KMS"
      kms_key_arn        = var.kms_key_arn
    }

    cloudwatch_encryption {
      cloudwatch_encryption_mode = "DISABLED"
    }

    job_bookmarks_encryption {
      job_bookmarks_encryption_mode = "DISABLED"
    }
  }
}

resource "aws_glue_job" "this" {
  name                   = var.job_name
  description            = "Curates one sealed raw hour (arrival time) into event-time Parquet; see glue/ in the repository."
  role_arn               = aws_iam_role.glue.arn
  glue_version           = "5.0"
  worker_type            = var.worker_type
  number_of_workers      = var.number_of_workers
  timeout                = var.timeout_minutes
  max_retries            = 0
  security_configuration = aws_glue_security_configuration.this.name

  # One run per raw hour; the sealing route and the state machine serialise runs of the same hour themselves.
  execution_property {
    max_concurrent_runs = var.max_concurrent_runs
  }

  command {
    name            = "glueetl"
    script_location = "s3://${var.artifacts_bucket}/${local.script_key}"
  }

  # --arrival_hour (yyyy-MM-dd-HH) is per run: the application's sealing route and the state machine pass it.
  default_arguments = {
    "--job-language"                     = "scala"
    "--class"                            = var.entry_class
    "--extra-jars"                       = "s3://${var.artifacts_bucket}/${local.jar_key}"
    "--raw_path"                         = var.raw_path
    "--curated_path"                     = var.curated_path
    "--curated_table"                    = var.curated_table
    "--iceberg_catalog"                  = "glue"
    "--datalake-formats"                 = "iceberg"
    "--conf"                             = "spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions"
    "--errors_path"                      = var.errors_path
    "--summary_path"                     = var.summary_path
    "--enable-metrics"                   = "true"
    "--enable-observability-metrics"     = "true"
    "--enable-continuous-cloudwatch-log" = "true"
    "--enable-continuous-log-filter"     = "true"
    "--continuous-log-logGroup"          = aws_cloudwatch_log_group.this.name
    "--enable-spark-ui"                  = "false"
    "--enable-job-insights"              = "true"
    "--TempDir"                          = "s3://${var.artifacts_bucket}/glue-temp/"
  }

  tags = var.tags
}

# --- IAM: the Glue job's own role -------------------------------------------------------------------------------

data "aws_iam_policy_document" "glue_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["glue.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "glue" {
  name               = "${var.job_name}-glue"
  description        = "Glue job ${var.job_name}: reads the raw zone, writes curated and errors zones."
  assume_role_policy = data.aws_iam_policy_document.glue_assume.json
  tags               = var.tags
}

# Every grant is an S3 request the job made in StateMachineExecutionTest (its S3 traffic recorded at the S3 stand-in,
# S3RequestTap; terraform/test/iam.test.mjs replays it, principal glue_job) or one the Glue service makes with this role
# (allow-listed there with the reason). The job reads paths, not the Data Catalog: no glue:* grant.
data "aws_iam_policy_document" "glue" {
  statement {
    sid       = "ReadArtifacts"
    actions   = ["s3:GetObject"]
    resources = ["${var.artifacts_bucket_arn}/${var.artifacts_prefix}*"]
  }

  statement {
    sid       = "TempDir"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${var.artifacts_bucket_arn}/glue-temp/*"]
  }

  statement {
    sid       = "ListLakeBuckets"
    actions   = ["s3:ListBucket"]
    resources = [var.raw_bucket_arn, var.curated_bucket_arn, var.errors_bucket_arn, var.artifacts_bucket_arn]
  }

  statement {
    sid       = "ReadRawZone"
    actions   = ["s3:GetObject"]
    resources = ["${var.raw_bucket_arn}/*"]
  }

  # Iceberg writes new data, manifest and metadata files; MERGE reads the files it rewrites; snapshot expiry and
  # compaction delete files no snapshot references any more.
  statement {
    sid       = "WriteCuratedAndErrors"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
    resources = ["${var.curated_bucket_arn}/*", "${var.errors_bucket_arn}/*"]
  }

  statement {
    sid       = "UseLakeKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = [var.kms_key_arn]
  }

  statement {
    sid       = "ReadCatalog"
    actions   = ["glue:GetDatabase", "glue:GetTable"]
    resources = [local.catalog_arn, var.curated_database_arn, var.curated_table_arn]
  }

  # The Iceberg catalog: the job creates the curated table on its first run, and every commit (and schema evolution)
  # is an UpdateTable of its metadata_location. Only that one table; no DeleteTable.
  statement {
    sid       = "CommitCuratedIcebergTable"
    actions   = ["glue:CreateTable", "glue:UpdateTable"]
    resources = [local.catalog_arn, var.curated_database_arn, var.curated_table_arn]
  }

  statement {
    sid = "WriteLogs"
    actions = [
      "logs:CreateLogGroup",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "logs:AssociateKmsKey",
    ]
    resources = [
      "${local.arn_prefix}:logs:${local.region}:${local.account_id}:log-group:/aws-glue/*",
      "${local.arn_prefix}:logs:${local.region}:${local.account_id}:log-group:/aws-glue/*:log-stream:*",
    ]
  }

  statement {
    sid     = "PublishJobMetrics"
    actions = ["cloudwatch:PutMetricData"]
    # policy-allow-star-resource: cloudwatch:PutMetricData has no resource-level permissions; limited to the Glue namespace by condition
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = ["Glue"]
    }
  }
}

resource "aws_iam_role_policy" "glue" {
  name   = "glue-job"
  role   = aws_iam_role.glue.id
  policy = data.aws_iam_policy_document.glue.json
}

# --- Scheduled maintenance of the curated Iceberg table ----------------------------------------------------------
# The same job with --maintenance all: compaction of small files (late events leave one small file per arrival hour in
# older event-hour partitions), expiry of snapshots older than the retention (at least retain_last kept), and removal
# of orphan files (left by killed runs) older than three days. Iceberg's optimistic commits let it run beside curation
# runs: a conflicting commit is retried, and a run that still fails is retried on the next schedule.
resource "aws_glue_trigger" "maintenance" {
  name     = "${var.job_name}-maintenance"
  type     = "SCHEDULED"
  schedule = var.maintenance_schedule

  actions {
    job_name = aws_glue_job.this.name
    arguments = {
      "--maintenance"              = "all"
      "--summary_path"             = "${var.summary_path}maintenance/latest.json"
      "--snapshot_retention_hours" = tostring(var.snapshot_retention_hours)
    }
  }

  tags = var.tags
}
