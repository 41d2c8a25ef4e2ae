# Alarms to one SNS topic, and one dashboard. Every alarm watches a metric something publishes: AWS's own (AWS/*, and
# Glue's job metrics in "Glue"), or one the application emits as Embedded Metric Format log lines in var.metrics_namespace,
# listed in src/main/resources/metrics/emf-metrics.json with its dimensions (terraform/test/alarms.test.mjs checks both).
# The application emits its counts every interval, zeros included, so "no data" means "not running or no traffic here",
# never "broken": a dead consumer with traffic shows in the Kinesis iterator age, which AWS always publishes.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  region   = data.aws_region.current.name
  ns       = var.metrics_namespace
  lambda   = var.compute == "lambda"
  sfn      = var.enable_state_machine_alarm
  actions  = [aws_sns_topic.alarms.arn]
  stream_d = { StreamName = var.stream_name }
  # the application's EMF dimensions (emf-metrics.json): StreamName = TRIBUTARY_STREAM, JobName = TRIBUTARY_GLUE_JOB
  app_stream_d = { StreamName = var.stream_name }
  # periods of 5 minutes that make up the raw-zone stall window
  raw_stall_periods = max(1, ceil(var.raw_freshness_threshold_seconds / 300))
  on_failure_sqs    = var.lambda_on_failure_destination == "sqs"
}

resource "aws_sns_topic" "alarms" {
  name              = "${var.name_prefix}-alarms"
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "alarms_topic" {
  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }

  statement {
    sid       = "EventBridgeGlueFailuresPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.glue_job_failed.arn]
    }
  }
}

resource "aws_sns_topic_policy" "alarms" {
  arn    = aws_sns_topic.alarms.arn
  policy = data.aws_iam_policy_document.alarms_topic.json
}

resource "aws_sns_topic_subscription" "email" {
  count = var.alarm_email == null ? 0 : 1

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

# --- Streaming ----------------------------------------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "iterator_age" {
  alarm_name          = "${var.name_prefix}-kinesis-iterator-age"
  alarm_description   = "Consumers are falling behind the stream; records near the retention limit (${var.stream_retention_hours} h) would be lost."
  namespace           = "AWS/Kinesis"
  metric_name         = "GetRecords.IteratorAgeMilliseconds"
  dimensions          = local.stream_d
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  threshold           = var.iterator_age_threshold_ms
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
  tags                = var.tags
}

# --- Lambda mode --------------------------------------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "lambda_errors" {
  count = local.lambda ? 1 : 0

  alarm_name          = "${var.name_prefix}-lambda-errors"
  alarm_description   = "The Kinesis handler failed invocations (a failed S3 write reports batch item failures instead)."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = var.lambda_function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "lambda_throttles" {
  count = local.lambda ? 1 : 0

  alarm_name          = "${var.name_prefix}-lambda-throttles"
  alarm_description   = "The Kinesis handler was throttled; the stream is not being drained."
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = { FunctionName = var.lambda_function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
  tags                = var.tags
}

# Only with finite lambda_maximum_retry_attempts or lambda_maximum_record_age_in_seconds can the mapping skip a range;
# it then describes the range in the on-failure destination, and this alarm makes sure someone replays it while the
# stream still holds the records (docs/lambda.md). A queue keeps the alarm on until its messages are dealt with.
resource "aws_cloudwatch_metric_alarm" "lambda_skipped_ranges" {
  count = local.lambda ? 1 : 0

  alarm_name          = "${var.name_prefix}-lambda-skipped-ranges"
  alarm_description   = "The Kinesis event source mapping skipped records and described the range in its on-failure destination. Replay it before the stream's retention (${var.stream_retention_hours} h) ends: docs/lambda.md."
  namespace           = local.on_failure_sqs ? "AWS/SQS" : "AWS/SNS"
  metric_name         = local.on_failure_sqs ? "ApproximateNumberOfMessagesVisible" : "NumberOfMessagesPublished"
  dimensions          = local.on_failure_sqs ? { QueueName = var.lambda_on_failure_destination_name } : { TopicName = var.lambda_on_failure_destination_name }
  statistic           = local.on_failure_sqs ? "Maximum" : "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
  tags                = var.tags
}

# --- Lake and warehouse -------------------------------------------------------------------------------------------

# Records arrive but nothing reaches the lake (raw or errors zone) for the whole window: S3 writes failing, a stuck batch.
# Both counts come in the same EMF line, so either both are there or neither. No data (no traffic in Lambda mode, no
# application) is notBreaching: an idle stream is not stale, and an application that died while records arrive is the
# iterator-age alarm's case. The window must be longer than tributary.batch.max-age (60 s by default).
resource "aws_cloudwatch_metric_alarm" "raw_zone_stalled" {
  alarm_name          = "${var.name_prefix}-raw-zone-stalled"
  alarm_description   = "Records were received but no object was written to the raw or errors zone for ${local.raw_stall_periods * 5} minutes (application EMF metrics RecordsReceived, RawZoneFlushes, ErrorsZoneFlushes)."
  evaluation_periods  = local.raw_stall_periods
  datapoints_to_alarm = local.raw_stall_periods
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
  tags                = var.tags

  metric_query {
    id          = "stalled"
    expression  = "IF(received > 0 AND raw + errors == 0, 1, 0)"
    label       = "received but nothing written"
    return_data = true
  }

  metric_query {
    id = "received"
    metric {
      namespace   = local.ns
      metric_name = "RecordsReceived"
      dimensions  = local.app_stream_d
      period      = 300
      stat        = "Sum"
    }
  }

  metric_query {
    id = "raw"
    metric {
      namespace   = local.ns
      metric_name = "RawZoneFlushes"
      dimensions  = local.app_stream_d
      period      = 300
      stat        = "Sum"
    }
  }

  metric_query {
    id = "errors"
    metric {
      namespace   = local.ns
      metric_name = "ErrorsZoneFlushes"
      dimensions  = local.app_stream_d
      period      = 300
      stat        = "Sum"
    }
  }
}

# Emitted by hour sealing (container mode) when a run ends FAILED, STOPPED, TIMEOUT or ERROR or is lost. Zeros every
# interval while sealing runs; no data where nothing seals (Lambda mode): notBreaching. Runs started by anything else
# (the state machine, the console) are reported by the Glue job state change rule below.
resource "aws_cloudwatch_metric_alarm" "glue_job_failures" {
  alarm_name          = "${var.name_prefix}-glue-job-failures"
  alarm_description   = "A Glue curation run started by hour sealing ended FAILED, STOPPED, TIMEOUT or ERROR (application EMF metric GlueJobRunFailures)."
  namespace           = local.ns
  metric_name         = "GlueJobRunFailures"
  dimensions          = { JobName = var.glue_job_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
  tags                = var.tags
}

# Glue publishes a "Glue Job State Change" event to EventBridge for every run that ends; whoever started it, a failed
# run of the curation job is sent to the alarm topic with its run id and message.
resource "aws_cloudwatch_event_rule" "glue_job_failed" {
  name        = "${var.name_prefix}-glue-job-failed"
  description = "A run of the curation Glue job ended FAILED, TIMEOUT or ERROR."
  event_pattern = jsonencode({
    source      = ["aws.glue"]
    detail-type = ["Glue Job State Change"]
    detail = {
      jobName = [var.glue_job_name]
      state   = ["FAILED", "TIMEOUT", "ERROR"]
    }
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_target" "glue_job_failed" {
  rule      = aws_cloudwatch_event_rule.glue_job_failed.name
  target_id = "alarm-topic"
  arn       = aws_sns_topic.alarms.arn

  input_transformer {
    input_paths = {
      job     = "$.detail.jobName"
      run     = "$.detail.jobRunId"
      state   = "$.detail.state"
      message = "$.detail.message"
    }
    input_template = "\"Glue job <job> run <run> ended <state>: <message>\""
  }
}

resource "aws_cloudwatch_metric_alarm" "glue_failed_tasks" {
  alarm_name          = "${var.name_prefix}-glue-failed-tasks"
  alarm_description   = "Spark tasks failed in the Glue curation job (Glue job metrics, --enable-metrics)."
  namespace           = "Glue"
  metric_name         = "glue.driver.aggregate.numFailedTasks"
  dimensions          = { JobName = var.glue_job_name, JobRunId = "ALL", Type = "count" }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "redshift_load_failures" {
  alarm_name          = "${var.name_prefix}-redshift-load-failures"
  alarm_description   = "A Redshift MERGE (minute windows or an hourly rollup) failed (application EMF metric RedshiftLoadFailures; container mode, no data elsewhere)."
  namespace           = local.ns
  metric_name         = "RedshiftLoadFailures"
  dimensions          = local.app_stream_d
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "hour_pipeline_failures" {
  count = local.sfn ? 1 : 0

  alarm_name          = "${var.name_prefix}-hour-pipeline-failures"
  alarm_description   = "A Step Functions hour pipeline execution failed, timed out or was aborted."
  namespace           = "AWS/States"
  metric_name         = "ExecutionsFailed"
  dimensions          = { StateMachineArn = var.state_machine_arn }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  tags                = var.tags
}

# --- Dashboard ----------------------------------------------------------------------------------------------------

locals {
  # Both branches are JSON strings: the two widget objects have different shapes, which a conditional cannot unify.
  compute_widget_json = local.lambda ? jsonencode({
    type   = "metric"
    width  = 12
    height = 6
    properties = {
      title  = "Lambda: invocations, errors, throttles"
      region = local.region
      stat   = "Sum"
      period = 60
      metrics = [
        ["AWS/Lambda", "Invocations", "FunctionName", var.lambda_function_name],
        ["AWS/Lambda", "Errors", "FunctionName", var.lambda_function_name],
        ["AWS/Lambda", "Throttles", "FunctionName", var.lambda_function_name],
      ]
    }
    }) : jsonencode({
    type   = "metric"
    width  = 12
    height = 6
    properties = {
      title  = "ECS: CPU and memory"
      region = local.region
      stat   = "Average"
      period = 60
      metrics = [
        ["AWS/ECS", "CPUUtilization", "ClusterName", coalesce(var.ecs_cluster_name, "none"), "ServiceName", coalesce(var.ecs_service_name, "none")],
        ["AWS/ECS", "MemoryUtilization", "ClusterName", coalesce(var.ecs_cluster_name, "none"), "ServiceName", coalesce(var.ecs_service_name, "none")],
      ]
    }
  })
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name_prefix
  dashboard_body = jsonencode({
    widgets = [
      {
        type   = "metric"
        width  = 12
        height = 6
        properties = {
          title   = "Kinesis: incoming records"
          region  = local.region
          stat    = "Sum"
          period  = 60
          metrics = [["AWS/Kinesis", "IncomingRecords", "StreamName", var.stream_name]]
        }
      },
      {
        type   = "metric"
        width  = 12
        height = 6
        properties = {
          title       = "Kinesis: iterator age (ms)"
          region      = local.region
          stat        = "Maximum"
          period      = 60
          metrics     = [["AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds", "StreamName", var.stream_name]]
          annotations = { horizontal = [{ label = "alarm", value = var.iterator_age_threshold_ms }] }
        }
      },
      jsondecode(local.compute_widget_json),
      {
        type   = "metric"
        width  = 12
        height = 6
        properties = {
          title  = "Records in, valid, invalid; objects written"
          region = local.region
          stat   = "Sum"
          period = 60
          metrics = [
            [local.ns, "RecordsReceived", "StreamName", var.stream_name],
            [local.ns, "RecordsValid", "StreamName", var.stream_name],
            [local.ns, "RecordsInvalid", "StreamName", var.stream_name],
            [local.ns, "RawZoneFlushes", "StreamName", var.stream_name],
            [local.ns, "ErrorsZoneFlushes", "StreamName", var.stream_name],
          ]
        }
      },
      {
        type   = "metric"
        width  = 12
        height = 6
        properties = {
          title  = "Glue: failed runs and tasks"
          region = local.region
          stat   = "Sum"
          period = 300
          metrics = [
            [local.ns, "GlueJobRunFailures", "JobName", var.glue_job_name],
            ["Glue", "glue.driver.aggregate.numFailedTasks", "JobName", var.glue_job_name, "JobRunId", "ALL", "Type", "count"],
          ]
        }
      },
      {
        type   = "metric"
        width  = 12
        height = 6
        properties = {
          title   = "Redshift: load failures"
          region  = local.region
          stat    = "Sum"
          period  = 300
          metrics = [[local.ns, "RedshiftLoadFailures", "StreamName", var.stream_name]]
        }
      },
    ]
  })
}
