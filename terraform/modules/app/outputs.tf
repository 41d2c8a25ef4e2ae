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

# The names are the application's configuration: application.properties reads some explicitly (${TRIBUTARY_STREAM},
# ${TRIBUTARY_GLUE_ENABLED}, ...), the others are SmallRye's mapping of the property name (TRIBUTARY_LAKE_RAW_PREFIX ->
# tributary.lake.raw-prefix). terraform/test/deployment.test.mjs and DeploymentEnvironmentTest check that every name
# maps to a property and that each mode gets what it requires. Prefixes are passed without the trailing slash, as the
# application's defaults are written.
output "environment" {
  description = "Environment variables (no secrets) of every mode: the stream, the raw and errors zones and the namespace of the EMF metrics the alarms watch. The Lambda function gets exactly these."
  value = {
    TRIBUTARY_STREAM             = var.stream_name
    TRIBUTARY_RAW_BUCKET         = var.bucket_names["raw"]
    TRIBUTARY_ERRORS_BUCKET      = var.bucket_names["errors"]
    TRIBUTARY_LAKE_RAW_PREFIX    = trimsuffix(var.raw_prefix, "/")
    TRIBUTARY_LAKE_ERRORS_PREFIX = trimsuffix(var.errors_prefix, "/")
    TRIBUTARY_CHECKPOINT_PREFIX  = trimsuffix(var.checkpoint_prefix, "/")
    TRIBUTARY_METRICS_NAMESPACE  = var.metrics_namespace
  }
}

# Container mode runs the analytics: hour sealing and the Glue job, the Athena rollup, the Redshift loads. The Glue
# paths are the ones the Glue job's default arguments use (the root module passes both the same values).
output "container_environment" {
  description = "Environment variables (no secrets) of the ECS tasks: the common ones plus hour sealing, Glue, Athena and Redshift."
  value = merge({
    TRIBUTARY_STREAM             = var.stream_name
    TRIBUTARY_RAW_BUCKET         = var.bucket_names["raw"]
    TRIBUTARY_ERRORS_BUCKET      = var.bucket_names["errors"]
    TRIBUTARY_LAKE_RAW_PREFIX    = trimsuffix(var.raw_prefix, "/")
    TRIBUTARY_LAKE_ERRORS_PREFIX = trimsuffix(var.errors_prefix, "/")
    TRIBUTARY_CHECKPOINT_PREFIX  = trimsuffix(var.checkpoint_prefix, "/")
    TRIBUTARY_METRICS_NAMESPACE  = var.metrics_namespace
    }, {
    TRIBUTARY_KCL_APPLICATION_NAME   = local.kcl_application_name
    TRIBUTARY_GLUE_ENABLED           = "true"
    TRIBUTARY_GLUE_JOB               = var.glue_job_name
    TRIBUTARY_GLUE_STATE_PREFIX      = "${var.state_prefix}hours"
    TRIBUTARY_CURATED_PATH           = trimsuffix(var.curated_path, "/")
    TRIBUTARY_GLUE_ERRORS_PATH       = trimsuffix(var.glue_errors_path, "/")
    TRIBUTARY_GLUE_SUMMARY_PREFIX    = trimsuffix(var.glue_summary_prefix, "/")
    TRIBUTARY_ATHENA_DATABASE        = var.glue_database_name
    TRIBUTARY_ATHENA_WORKGROUP       = var.athena_workgroup_name
    TRIBUTARY_ATHENA_OUTPUT_LOCATION = "s3://${var.bucket_names["athena_results"]}/results/"
    TRIBUTARY_REDSHIFT_ENABLED       = "true"
    TRIBUTARY_REDSHIFT_JDBC_URL      = var.redshift_jdbc_url
  })
}

# ECS reads these at task start with the execution role; "<arn>:<key>::" selects one key of a JSON secret.
output "container_secrets" {
  description = "Environment variables of the ECS tasks whose values come from Secrets Manager: name -> valueFrom."
  value = {
    TRIBUTARY_INGEST_API_KEY    = aws_secretsmanager_secret.api_key.arn
    TRIBUTARY_REDSHIFT_USER     = "${var.redshift_secret_arn}:username::"
    TRIBUTARY_REDSHIFT_PASSWORD = "${var.redshift_secret_arn}:password::"
  }
}
