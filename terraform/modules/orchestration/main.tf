# The AWS-native alternative to the application's sealing route: one execution per sealed raw hour.
#   input: { "arrival_hour": "yyyy-MM-dd-HH" }
#   Glue curation (.sync) -> Athena hourly rollup (.sync, parameterised) -> Redshift load (Data API, parameterised)
#   -> poll the statement; any failure after retries -> SNS notification -> Fail.
# The Redshift side is a stored procedure that COPYs the rollup's CSV result and MERGEs it (application SQL).

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  arn_prefix = "arn:${data.aws_partition.current.partition}"

  retry_default = [{
    ErrorEquals     = ["States.TaskFailed", "States.Timeout"]
    IntervalSeconds = 30
    MaxAttempts     = var.max_attempts
    BackoffRate     = 2
    JitterStrategy  = "FULL"
  }]
  catch_notify = [{
    ErrorEquals = ["States.ALL"]
    ResultPath  = "$.error"
    Next        = "NotifyFailure"
  }]

  definition = {
    Comment        = "Tributary: curate, roll up and load one sealed raw hour."
    StartAt        = "CurateHour"
    TimeoutSeconds = var.execution_timeout_seconds
    States = {
      CurateHour = {
        Type     = "Task"
        Resource = "${local.arn_prefix}:states:::glue:startJobRun.sync"
        Parameters = {
          JobName = var.glue_job_name
          Arguments = {
            "--arrival_hour.$" = "$.arrival_hour"
          }
        }
        ResultSelector = { "JobRunId.$" = "$.Id", "JobRunState.$" = "$.JobRunState" }
        ResultPath     = "$.glue"
        Retry = [{
          ErrorEquals     = ["Glue.ConcurrentRunsExceededException", "Glue.ThrottlingException", "States.TaskFailed"]
          IntervalSeconds = 60
          MaxAttempts     = var.max_attempts
          BackoffRate     = 2
          JitterStrategy  = "FULL"
        }]
        Catch = local.catch_notify
        Next  = "RollupHour"
      }
      RollupHour = {
        Type     = "Task"
        Resource = "${local.arn_prefix}:states:::athena:startQueryExecution.sync"
        Parameters = {
          QueryString = var.athena_rollup_sql
          WorkGroup   = var.athena_workgroup_name
          QueryExecutionContext = {
            Database = var.glue_database_name
          }
          "ExecutionParameters.$" = "States.Array($.arrival_hour)"
        }
        ResultSelector = {
          "QueryExecutionId.$" = "$.QueryExecution.QueryExecutionId"
          "OutputLocation.$"   = "$.QueryExecution.ResultConfiguration.OutputLocation"
        }
        ResultPath = "$.athena"
        Retry      = local.retry_default
        Catch      = local.catch_notify
        Next       = "LoadRedshift"
      }
      LoadRedshift = {
        Type     = "Task"
        Resource = "${local.arn_prefix}:states:::aws-sdk:redshiftdata:executeStatement"
        Parameters = {
          WorkgroupName = var.redshift_workgroup_name
          Database      = var.redshift_database_name
          SecretArn     = var.redshift_secret_arn
          Sql           = var.redshift_load_sql
          # Step Functions' aws-sdk integrations take member names in PascalCase.
          Parameters = [
            { Name = "arrival_hour", "Value.$" = "$.arrival_hour" },
            { Name = "result_location", "Value.$" = "$.athena.OutputLocation" },
          ]
          StatementName = "tributary-load-hour"
        }
        ResultSelector = { "Id.$" = "$.Id" }
        ResultPath     = "$.load"
        Retry          = local.retry_default
        Catch          = local.catch_notify
        Next           = "WaitForLoad"
      }
      WaitForLoad = {
        Type    = "Wait"
        Seconds = 10
        Next    = "DescribeLoad"
      }
      DescribeLoad = {
        Type     = "Task"
        Resource = "${local.arn_prefix}:states:::aws-sdk:redshiftdata:describeStatement"
        Parameters = {
          "Id.$" = "$.load.Id"
        }
        ResultSelector = { "Id.$" = "$.Id", "Status.$" = "$.Status" }
        ResultPath     = "$.load"
        Retry          = local.retry_default
        Catch          = local.catch_notify
        Next           = "LoadDone"
      }
      LoadDone = {
        Type = "Choice"
        Choices = [
          { Variable = "$.load.Status", StringEquals = "FINISHED", Next = "HourLoaded" },
          { Variable = "$.load.Status", StringEquals = "FAILED", Next = "LoadFailed" },
          { Variable = "$.load.Status", StringEquals = "ABORTED", Next = "LoadFailed" },
        ]
        Default = "WaitForLoad"
      }
      LoadFailed = {
        Type = "Pass"
        Result = {
          Error = "RedshiftLoadFailed"
          Cause = "The Redshift Data API statement ended FAILED or ABORTED; see DescribeStatement for the load id."
        }
        ResultPath = "$.error"
        Next       = "NotifyFailure"
      }
      NotifyFailure = {
        Type     = "Task"
        Resource = "${local.arn_prefix}:states:::sns:publish"
        Parameters = {
          TopicArn    = var.notification_topic_arn
          Subject     = "Tributary: hour pipeline failed"
          "Message.$" = "States.JsonToString($)"
        }
        ResultPath = null
        Next       = "HourFailed"
      }
      HourFailed = {
        Type  = "Fail"
        Error = "HourPipelineFailed"
        Cause = "See the SNS notification and the execution history."
      }
      HourLoaded = {
        Type = "Succeed"
      }
    }
  }
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
  definition = jsonencode(local.definition)
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
  description        = "Step Functions ${var.name}: Glue run, Athena rollup, Redshift load, SNS notification."
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "sfn" {
  statement {
    sid       = "RunGlueJob"
    actions   = ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"]
    resources = [var.glue_job_arn]
  }

  statement {
    sid = "RunAthenaQuery"
    actions = [
      "athena:GetQueryExecution",
      "athena:GetQueryResults",
      "athena:GetWorkGroup",
      "athena:StartQueryExecution",
      "athena:StopQueryExecution",
    ]
    resources = [var.athena_workgroup_arn]
  }

  statement {
    sid       = "ReadCatalogForAthena"
    actions   = ["glue:GetDatabase", "glue:GetTable", "glue:GetPartition", "glue:GetPartitions"]
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
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = [var.kms_key_arn]
  }

  statement {
    sid       = "LoadRedshift"
    actions   = ["redshift-data:ExecuteStatement"]
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
