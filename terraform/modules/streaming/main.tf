resource "aws_kinesis_stream" "this" {
  name             = var.stream_name
  retention_period = var.retention_period_hours
  shard_count      = var.stream_mode == "PROVISIONED" ? var.shard_count : null
  encryption_type  = "KMS"
  kms_key_id       = var.kms_key_arn

  stream_mode_details {
    stream_mode = var.stream_mode
  }

  # Shard-level metrics feed the iterator-age alarm and the per-shard dashboard widgets.
  shard_level_metrics = [
    "IncomingBytes",
    "IncomingRecords",
    "IteratorAgeMilliseconds",
    "OutgoingRecords",
    "ReadProvisionedThroughputExceeded",
    "WriteProvisionedThroughputExceeded",
  ]

  tags = var.tags
}
