# Lambda mode: the application as a function fed by a Kinesis event source mapping.
# Native (provided.al2023, the default) or JVM (java21 with SnapStart), from the same target/function.zip path.
# The function zip must exist at apply time (plan does not read it); source_code_hash redeploys it when it changes.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  native     = var.runtime == "native"
  zip_exists = fileexists(var.zip_path)
  on_failure = var.on_failure_destination == "sqs" ? aws_sqs_queue.on_failure[0].arn : aws_sns_topic.on_failure[0].arn
  # known at plan time (the monitoring module's alarm dimension), unlike the ARN
  on_failure_name = "${var.function_name}-on-failure"
  log_group       = "/aws/lambda/${var.function_name}"
  account_id      = data.aws_caller_identity.current.account_id
  arn_prefix      = "arn:${data.aws_partition.current.partition}"
  region          = data.aws_region.current.name
  runtime_env     = local.native ? { DISABLE_SIGNAL_HANDLERS = "true" } : { JAVA_TOOL_OPTIONS = var.jvm_options }
}

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

# The mapping describes here every range it skips (only possible with finite maximum_retry_attempts or
# maximum_record_age_in_seconds): stream, shard, first and last sequence number, never the data. The records themselves
# stay in the stream until its retention ends; docs/lambda.md and bin/replay-skipped-range re-read them from there.
resource "aws_sqs_queue" "on_failure" {
  count = var.on_failure_destination == "sqs" ? 1 : 0

  name                              = local.on_failure_name
  message_retention_seconds         = 1209600
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 3600
  tags                              = var.tags
}

resource "aws_sns_topic" "on_failure" {
  count = var.on_failure_destination == "sns" ? 1 : 0

  name              = local.on_failure_name
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

# --- IAM: the function's own role -------------------------------------------------------------------------------

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "lambda" {
  name               = "${var.function_name}-lambda"
  description        = "Lambda ${var.function_name}: the Tributary application in Lambda mode."
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "lambda" {
  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*", "${aws_cloudwatch_log_group.lake_ops.arn}:*"]
  }

  statement {
    sid     = "EventSourceMappingListsStreams"
    actions = ["kinesis:ListStreams"]
    # policy-allow-star-resource: kinesis:ListStreams has no resource-level permissions
    resources = ["*"]
  }

  statement {
    # Only one of the two exists; the resource pins the statement to it.
    sid       = "SendToOnFailureDestination"
    actions   = ["sqs:SendMessage", "sns:Publish"]
    resources = [local.on_failure]
  }

  statement {
    sid = "ManageVpcNetworkInterfaces"
    actions = [
      "ec2:AssignPrivateIpAddresses",
      "ec2:CreateNetworkInterface",
      "ec2:DeleteNetworkInterface",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DescribeSubnets",
      "ec2:UnassignPrivateIpAddresses",
    ]
    # policy-allow-star-resource: Lambda's VPC ENI management (AWSLambdaVPCAccessExecutionRole); Describe* have no resource-level permissions and the ENI does not exist before it is created
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "application" {
  name   = "application"
  role   = aws_iam_role.lambda.id
  policy = var.app_policy_json
}

resource "aws_iam_role_policy" "lambda" {
  name   = "lambda-runtime"
  role   = aws_iam_role.lambda.id
  policy = data.aws_iam_policy_document.lambda.json
}

# --- Function, alias and event source mapping -------------------------------------------------------------------

resource "aws_lambda_function" "this" {
  function_name    = var.function_name
  description      = "Tributary ${var.runtime} (${local.native ? "provided.al2023" : "java21 + SnapStart"}): Kinesis to the S3 raw zone."
  role             = aws_iam_role.lambda.arn
  filename         = var.zip_path
  source_code_hash = local.zip_exists ? filebase64sha256(var.zip_path) : null
  runtime          = local.native ? "provided.al2023" : "java21"
  handler          = local.native ? "not.used.in.provided.runtime" : "io.tributary.lambda.KinesisStreamHandler::handleRequest"
  architectures    = [var.architecture]
  memory_size      = var.memory_mb
  timeout          = var.timeout_seconds
  publish          = true
  kms_key_arn      = var.kms_key_arn

  reserved_concurrent_executions = var.reserved_concurrency

  dynamic "snap_start" {
    for_each = local.native ? [] : [1]
    content {
      apply_on = "PublishedVersions"
    }
  }

  environment {
    variables = merge(var.environment, local.runtime_env)
  }

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = var.security_group_ids
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.this.name
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.lambda, aws_iam_role_policy.application]
}

# SnapStart only applies to published versions: the mapping invokes the alias, never $LATEST.
resource "aws_lambda_alias" "live" {
  name             = "live"
  function_name    = aws_lambda_function.this.function_name
  function_version = aws_lambda_function.this.version
}

# --- The lake-ops function (Lambda mode's hour orchestration) -----------------------------------------------------
# The same function.zip, role and environment, another handler: io.tributary.lambda.LakeOpsHandler on the managed Java
# runtime, the handler setting "lake-ops" in the native custom runtime (LambdaRuntimeLoop reads _HANDLER). Both run
# OrchestratedHours, which the Step Functions hour pipeline invokes to seal hours (from the per-shard watermarks the
# ingest function publishes, claimed with a conditional write) and to record each hour's outcome. It lists the raw
# hours, reads the watermarks and the stream's shards and writes hour states in the raw bucket: grants the app policy
# already holds for the ingest function. No event source mapping.
resource "aws_lambda_function" "lake_ops" {
  function_name    = "${var.function_name}-lake-ops"
  description      = "Tributary ${var.runtime}: lake operations for the Step Functions hour pipeline (seal, curated, rolled_up, failed)."
  role             = aws_iam_role.lambda.arn
  filename         = var.zip_path
  source_code_hash = local.zip_exists ? filebase64sha256(var.zip_path) : null
  runtime          = local.native ? "provided.al2023" : "java21"
  handler          = local.native ? "lake-ops" : var.lake_ops_handler
  architectures    = [var.architecture]
  memory_size      = var.memory_mb
  timeout          = var.lake_ops_timeout_seconds
  publish          = true
  kms_key_arn      = var.kms_key_arn

  dynamic "snap_start" {
    for_each = local.native ? [] : [1]
    content {
      apply_on = "PublishedVersions"
    }
  }

  environment {
    variables = merge(var.environment, local.runtime_env)
  }

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = var.security_group_ids
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.lake_ops.name
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.lambda, aws_iam_role_policy.application]
}

resource "aws_cloudwatch_log_group" "lake_ops" {
  name              = "/aws/lambda/${var.function_name}-lake-ops"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

# The state machine invokes the alias: a published version (SnapStart on the JVM runtime), never $LATEST.
resource "aws_lambda_alias" "lake_ops_live" {
  name             = "live"
  function_name    = aws_lambda_function.lake_ops.function_name
  function_version = aws_lambda_function.lake_ops.version
}

# Nothing is skipped silently:
# - ReportBatchItemFailures: the handler names, per shard, the first record not durable in S3; the mapping retries from
#   there. Without it the partial response is ignored and the batch counts as a success (records lost).
# - maximum_retry_attempts and maximum_record_age_in_seconds default to -1: a failing batch is retried until its records
#   leave the stream, so an S3 outage holds the shard back (the iterator-age alarm fires) instead of skipping it.
# - Records that fail processing never fail the batch: the handler puts them in the errors zone (PROCESSING_FAILED), so
#   infinite retries cannot block a shard on one bad record.
# - bisect_batch_on_function_error splits a batch that failed as a whole (timeout, crash); splitting uses no retries.
# - With finite values, every skipped range is described in the on-failure destination (always configured).
resource "aws_lambda_event_source_mapping" "kinesis" {
  event_source_arn                   = var.stream_arn
  function_name                      = aws_lambda_alias.live.arn
  starting_position                  = var.starting_position
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_in_seconds
  parallelization_factor             = var.parallelization_factor
  bisect_batch_on_function_error     = true
  maximum_retry_attempts             = var.maximum_retry_attempts
  maximum_record_age_in_seconds      = var.maximum_record_age_in_seconds
  function_response_types            = ["ReportBatchItemFailures"]

  destination_config {
    on_failure {
      destination_arn = local.on_failure
    }
  }
}
