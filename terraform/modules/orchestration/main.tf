# The hour pipeline for Lambda mode (in container mode the application seals and rolls up hours itself), started every
# hour by an EventBridge Scheduler schedule (enable_schedule) or by hand:
#   Seal (Lambda Invoke of the application's lake-ops function, {"action":"seal"}: the raw hours every shard's watermark
#   is past, each claimed with a run token by a conditional write) -> Map over those hours (max_concurrency at a time):
#   Glue curation (.sync, the arguments the sealing route passes, --tributary_run_token) -> lake-ops "curated" -> the
#   application's hourly rollup SQL on Athena (.sync, the hour as execution parameter) -> Redshift load (Data API
#   BatchExecuteStatement, one transaction, sql/redshift/load/athena_result.sql with the application's MERGE files) ->
#   poll it -> lake-ops "rolled_up"; any failure of an hour -> lake-ops "failed" -> SNS notification; the execution fails
#   when any hour failed, after the others finished.
#   input: {} (the schedule), or {"arrival_hour": "yyyy-MM-dd-HH"} (optionally "run_token") to run one hour by hand,
#   which skips Seal. The definition is state-machine.asl.json.tftpl, rendered the same way by terraform/test.
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  arn_prefix = "arn:${data.aws_partition.current.partition}"
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/vendedlogs/states/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_sfn_state_machine" "this" {
  name       = var.name
  role_arn   = aws_iam_role.sfn.arn
  definition = local.definition
  type       = "STANDARD"

  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.this.arn}:*"
    include_execution_data = true
    level                  = "ERROR"
  }

  tracing_configuration {
    enabled = false
  }

  tags = var.tags
}

# --- IAM: the state machine's own role --------------------------------------------------------------------------

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "sfn" {
  name               = "${var.name}-sfn"
  description        = "Step Functions ${var.name}: lake-ops Lambda, Glue run, Athena rollup, Redshift load, SNS notification."
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

# Every grant is a call a Task makes (terraform/test/iam.test.mjs replays the calls the executed machine made on the
# stand-ins, StateMachineExecutionTest) or one AWS makes with this role on the machine's behalf (allow-listed there with
# the reason). The .sync templates: https://docs.aws.amazon.com/step-functions/latest/dg/connect-glue.html (glue:
# StartJobRun, GetJobRun, GetJobRuns, BatchStopJobRun) and .../connect-athena.html (athena: StartQueryExecution,
# GetQueryExecution, StopQueryExecution); neither integration uses an EventBridge managed rule, so no events:* grant.
data "aws_iam_policy_document" "sfn" {
  statement {
    sid       = "InvokeLakeOps"
    actions   = ["lambda:InvokeFunction"]
    resources = [var.lake_ops_function_arn]
  }

  statement {
    sid       = "RunGlueJob"
    actions   = ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"]
    resources = [var.glue_job_arn]
  }

  statement {
    sid       = "RunAthenaQuery"
    actions   = ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:StopQueryExecution"]
    resources = [var.athena_workgroup_arn]
  }

  statement {
    sid       = "ReadCatalogForAthena"
    actions   = ["glue:GetDatabase", "glue:GetTable"]
    resources = var.catalog_arns
  }

  statement {
    sid       = "ListBucketsForAthena"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = [var.curated_bucket_arn, var.athena_results_bucket_arn]
  }

  statement {
    sid       = "ReadCuratedForAthena"
    actions   = ["s3:GetObject"]
    resources = ["${var.curated_bucket_arn}/*"]
  }

  statement {
    sid       = "WriteAthenaResults"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
    resources = ["${var.athena_results_bucket_arn}/*"]
  }

  statement {
    sid       = "UsePlatformKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }

  statement {
    sid       = "LoadRedshift"
    actions   = ["redshift-data:BatchExecuteStatement"]
    resources = [var.redshift_workgroup_arn]
  }

  statement {
    sid     = "PollRedshiftStatement"
    actions = ["redshift-data:DescribeStatement"]
    # policy-allow-star-resource: redshift-data:DescribeStatement has no resource-level permissions (scoped to the caller's own statements by AWS)
    resources = ["*"]
  }

  statement {
    sid       = "ReadRedshiftCredentials"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [var.redshift_secret_arn]
  }

  statement {
    sid       = "NotifyFailure"
    actions   = ["sns:Publish"]
    resources = [var.notification_topic_arn]
  }

  statement {
    sid = "DeliverExecutionLogs"
    actions = [
      "logs:CreateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:DescribeLogGroups",
      "logs:DescribeResourcePolicies",
      "logs:GetLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:UpdateLogDelivery",
    ]
    # policy-allow-star-resource: CloudWatch Logs vended-log delivery actions have no resource-level permissions (documented for Step Functions logging)
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "sfn" {
  name   = "hour-pipeline"
  role   = aws_iam_role.sfn.id
  policy = data.aws_iam_policy_document.sfn.json
}

# --- The hourly start (Lambda mode) ----------------------------------------------------------------------------

data "aws_iam_policy_document" "scheduler_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  count = var.enable_schedule ? 1 : 0

  name               = "${var.name}-scheduler"
  description        = "EventBridge Scheduler ${var.name}: starts the hour pipeline every hour."
  assume_role_policy = data.aws_iam_policy_document.scheduler_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    sid       = "StartHourPipeline"
    actions   = ["states:StartExecution"]
    resources = [aws_sfn_state_machine.this.arn]
  }
}

resource "aws_iam_role_policy" "scheduler" {
  count = var.enable_schedule ? 1 : 0

  name   = "start-hour-pipeline"
  role   = aws_iam_role.scheduler[0].id
  policy = data.aws_iam_policy_document.scheduler.json
}

# Fires at minute schedule_minute of every hour; the machine's Seal step (the lake-ops function) decides which hours are
# complete from the per-shard watermarks, as container mode's sealer does (docs/sealing-and-glue.md).
resource "aws_scheduler_schedule" "hourly" {
  count = var.enable_schedule ? 1 : 0

  name                         = var.name
  description                  = "Starts ${var.name}: seal the complete raw hours, then curate, roll up and load each."
  schedule_expression          = "cron(${var.schedule_minute} * * * ? *)"
  schedule_expression_timezone = "UTC"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_sfn_state_machine.this.arn
    role_arn = aws_iam_role.scheduler[0].arn
    input    = jsonencode({ scheduled_time = "<aws.scheduler.scheduled-time>" }) # for the execution history; Seal ignores it

    retry_policy {
      maximum_event_age_in_seconds = 3600
      maximum_retry_attempts       = 10
    }
  }
}
