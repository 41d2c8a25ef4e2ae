output "security_group_id" {
  description = "Security group of the application."
  value       = aws_security_group.app.id
}

output "policy_json" {
  description = "IAM policy (JSON) with the application's permissions; attached by the Lambda or ECS module to its role."
  value       = data.aws_iam_policy_document.app.json
}

output "api_key_secret_arn" {
  description = "ARN of the secret holding the HTTP API key."
  value       = aws_secretsmanager_secret.api_key.arn
}

output "api_key" {
  description = "The HTTP API key itself, for the Lambda environment (encrypted at rest with the platform key)."
  value       = random_password.api_key.result
  sensitive   = true
}

# The names are the application's configuration (application.properties: ${TRIBUTARY_STREAM}, ...) or, for the
# properties without an explicit variable, SmallRye's mapping (TRIBUTARY_LAKE_RAW_PREFIX -> tributary.lake.raw-prefix).
# Prefixes are passed without the trailing slash, as the application's defaults are written.
output "environment" {
  description = "Environment variables (no secrets) that point the application at this platform (Lambda and ECS)."
  value = {
    TRIBUTARY_STREAM                 = var.stream_name
    TRIBUTARY_RAW_BUCKET             = var.bucket_names["raw"]
    TRIBUTARY_ERRORS_BUCKET          = var.bucket_names["errors"]
    TRIBUTARY_LAKE_RAW_PREFIX        = trimsuffix(var.raw_prefix, "/")
    TRIBUTARY_LAKE_ERRORS_PREFIX     = trimsuffix(var.errors_prefix, "/")
    TRIBUTARY_CHECKPOINT_PREFIX      = trimsuffix(var.checkpoint_prefix, "/")
    TRIBUTARY_STATE_PREFIX           = trimsuffix(var.state_prefix, "/")
    TRIBUTARY_CURATED_BUCKET         = var.bucket_names["curated"]
    TRIBUTARY_GLUE_JOB               = var.glue_job_name
    TRIBUTARY_ATHENA_DATABASE        = var.glue_database_name
    TRIBUTARY_ATHENA_WORKGROUP       = var.athena_workgroup_name
    TRIBUTARY_ATHENA_OUTPUT_LOCATION = "s3://${var.bucket_names["athena_results"]}/results/"
    TRIBUTARY_REDSHIFT_JDBC_URL      = var.redshift_jdbc_url
    TRIBUTARY_REDSHIFT_SECRET_ARN    = var.redshift_secret_arn
    TRIBUTARY_METRICS_NAMESPACE      = var.metrics_namespace
  }
}

output "secret_environment" {
  description = "Environment variables whose values come from Secrets Manager: name -> secret ARN."
  value = {
    TRIBUTARY_INGEST_API_KEY = aws_secretsmanager_secret.api_key.arn
  }
}
