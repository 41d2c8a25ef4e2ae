output "function_name" {
  description = "Name of the Lambda function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the Lambda function."
  value       = aws_lambda_function.this.arn
}

output "alias_arn" {
  description = "ARN of the live alias the event source mapping invokes."
  value       = aws_lambda_alias.live.arn
}

output "role_arn" {
  description = "ARN of the function's IAM role."
  value       = aws_iam_role.lambda.arn
}

output "event_source_mapping_uuid" {
  description = "UUID of the Kinesis event source mapping."
  value       = aws_lambda_event_source_mapping.kinesis.uuid
}

output "on_failure_destination_arn" {
  description = "ARN of the SQS queue or SNS topic receiving descriptions of batches the mapping gave up on."
  value       = local.on_failure
}

output "on_failure_destination_name" {
  description = "Name of the on-failure SQS queue or SNS topic (known at plan time; the monitoring alarm's dimension)."
  value       = local.on_failure_name
}

output "lake_ops_function_name" {
  description = "Name of the lake-ops function the Step Functions hour pipeline invokes."
  value       = aws_lambda_function.lake_ops.function_name
}

output "lake_ops_alias_arn" {
  description = "ARN of the lake-ops function's live alias (what the state machine invokes)."
  value       = aws_lambda_alias.lake_ops_live.arn
}
