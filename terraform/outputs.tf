output "aws_region" {
  description = "Region of the deployment."
  value       = data.aws_region.current.name
}

output "kms_key_arn" {
  description = "ARN of the platform KMS key."
  value       = module.kms.key_arn
}

output "kinesis_stream_name" {
  description = "Name of the Kinesis stream producers write to."
  value       = module.streaming.stream_name
}

output "kinesis_stream_arn" {
  description = "ARN of the Kinesis stream."
  value       = module.streaming.stream_arn
}

output "bucket_names" {
  description = "Lake bucket names by zone: raw, curated, errors, athena_results, artifacts."
  value       = module.lake.bucket_names
}

output "bucket_arns" {
  description = "Lake bucket ARNs by zone."
  value       = module.lake.bucket_arns
}

output "glue_database_name" {
  description = "Glue database of the lake tables."
  value       = module.catalog.database_name
}

output "glue_tables" {
  description = "Glue tables: raw (arrival-time JSON) and curated (event-time Parquet)."
  value       = { raw = module.catalog.raw_table_name, curated = module.catalog.curated_table_name }
}

output "glue_job_name" {
  description = "Name of the curation Glue job."
  value       = module.glue_job.job_name
}

output "glue_job_artifacts_uploaded" {
  description = "Whether the Glue jar and entry script were found and uploaded (build them, then apply again if false)."
  value       = module.glue_job.artifacts_uploaded
}

output "athena_workgroup" {
  description = "Name of the Athena workgroup."
  value       = module.athena.workgroup_name
}

output "athena_output_location" {
  description = "S3 URI of Athena query results."
  value       = module.athena.output_location
}

output "redshift_workgroup_name" {
  description = "Name of the Redshift Serverless workgroup."
  value       = module.redshift.workgroup_name
}

output "redshift_endpoint" {
  description = "Private host:port of the Redshift Serverless workgroup."
  value       = "${module.redshift.endpoint_address}:${module.redshift.endpoint_port}"
}

output "redshift_jdbc_url" {
  description = "JDBC URL for the Amazon Redshift driver."
  value       = module.redshift.jdbc_url
}

output "redshift_admin_secret_arn" {
  description = "ARN of the Redshift admin secret (managed by Redshift)."
  value       = module.redshift.admin_secret_arn
}

output "redshift_app_secret_arn" {
  description = "ARN of the secret with the application's Redshift credentials."
  value       = module.redshift.app_secret_arn
}

output "api_key_secret_arn" {
  description = "ARN of the secret holding the HTTP API key."
  value       = module.app.api_key_secret_arn
}

output "app_environment" {
  description = "Environment variables (no secrets) the Lambda function or the ECS tasks receive (use them for a local run against AWS too)."
  value       = var.compute == "ecs" ? module.app.container_environment : module.app.environment
}

output "lambda_function_name" {
  description = "Name of the Lambda function (Lambda mode)."
  value       = var.compute == "lambda" ? module.lambda_consumer[0].function_name : null
}

output "lambda_on_failure_destination_arn" {
  description = "ARN of the event source mapping's on-failure destination (Lambda mode)."
  value       = var.compute == "lambda" ? module.lambda_consumer[0].on_failure_destination_arn : null
}

output "ecs_cluster_name" {
  description = "Name of the ECS cluster (ECS mode)."
  value       = var.compute == "ecs" ? module.ecs_service[0].cluster_name : null
}

output "ecs_service_name" {
  description = "Name of the ECS service (ECS mode)."
  value       = var.compute == "ecs" ? module.ecs_service[0].service_name : null
}

output "ecr_repository_url" {
  description = "ECR repository to push the container image to (ECS mode)."
  value       = var.compute == "ecs" ? module.ecs_service[0].repository_url : null
}

output "state_machine_arn" {
  description = "ARN of the Step Functions hour pipeline, Lambda mode only (start it with {} to seal and run every complete hour, or {\"arrival_hour\": \"yyyy-MM-dd-HH\"} for one hour)."
  value       = local.step_functions ? module.orchestration[0].state_machine_arn : null
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic alarms and failure notifications go to."
  value       = module.monitoring.alarm_topic_arn
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = module.monitoring.dashboard_name
}

output "quicksight_data_source_arns" {
  description = "ARNs of the QuickSight data sources (when enable_quicksight)."
  value = var.enable_quicksight ? {
    athena   = module.quicksight[0].athena_data_source_arn
    redshift = module.quicksight[0].redshift_data_source_arn
  } : null
}

output "quicksight_dashboard_arn" {
  description = "ARN of the QuickSight dashboard generated from src/main/resources/dashboard/definition.json (when enable_quicksight)."
  value       = var.enable_quicksight ? module.quicksight[0].dashboard_arn : null
}

output "lake_ops_function_name" {
  description = "Name of the lake-ops Lambda function the hour pipeline invokes (Lambda mode)."
  value       = var.compute == "lambda" ? module.lambda_consumer[0].lake_ops_function_name : null
}
