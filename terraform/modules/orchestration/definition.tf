# The state machine definition: state-machine.asl.json.tftpl rendered with the values below. This file uses only var.*
# and local.arn_prefix, so terraform/test renders it with Terraform itself, offline (test/lib/state-machine.mjs).

locals {
  # Intrinsic-function string literals ('...') escape \, ', { and } with a backslash (ASL intrinsic functions).
  intrinsic_escaped_summary_prefix = replace(replace(replace(replace(var.glue_summary_prefix, "\\", "\\\\"), "'", "\\'"), "{", "\\{"), "}", "\\}")

  # The same summary file the application's sealing route names (HourSealer): <prefix>/arrival_hour=<hour>.json.
  summary_path_expression = "States.Format('${local.intrinsic_escaped_summary_prefix}/arrival_hour={}.json', $.arrival_hour)"

  # The application's rollup SQL, its one substitution ('${arrival_hour}', a quoted literal) made Athena's positional
  # execution parameter; the state machine binds the hour, quoted, as that parameter.
  rollup_query = replace(var.athena_rollup_sql, "'$${arrival_hour}'", "?")

  # Where the load's manifest goes (WriteLoadManifest): s3://<results bucket>/<prefix>/<query id>.manifest, listing the
  # one result file; Redshift COPY without a manifest would also load Athena's <id>.csv.metadata (a prefix match).
  intrinsic_escaped_manifest_prefix = replace(replace(replace(replace(trimsuffix(var.load_manifest_prefix, "/"), "\\", "\\\\"), "'", "\\'"), "{", "\\{"), "}", "\\}")
  load_manifest_key_expression      = "States.Format('${local.intrinsic_escaped_manifest_prefix}/{}.manifest', $.athena.QueryExecutionId)"
  manifest_location_literal         = "s3://${var.athena_results_bucket_name}/${trimsuffix(var.load_manifest_prefix, "/")}/{}.manifest"

  # The Redshift load file as the Data API's statement list: comment lines dropped, split at ";" + line end, whitespace
  # collapsed (intrinsic literals are one line), escaped, and :manifest_location / :query_execution_id filled in by
  # States.Format from the Athena step's result.
  load_statements = [
    for s in split(";\n", replace(var.redshift_load_sql, "/(?m)^\\s*--.*$/", "")) :
    replace(trimspace(s), "/\\s+/", " ") if trimspace(s) != ""
  ]
  # Every statement is a States.Format (with no argument when it has no substitution): AWS unescapes \' \{ \} \\ in
  # every intrinsic string literal, but aws-local-stepfunctions 3.0.0 (the conformance tests' interpreter) only in
  # States.Format's, so a plain literal would reach its Data API stand-in with its backslashes. Same value on AWS.
  load_sql_expressions = [
    for s in local.load_statements :
    format("States.Format(%s)", join(", ", concat(
      ["'${replace(replace(replace(replace(replace(replace(s, "\\", "\\\\"), "'", "\\'"), "{", "\\{"), "}", "\\}"), ":manifest_location", replace(replace(local.manifest_location_literal, "\\", "\\\\"), "'", "\\'")), ":query_execution_id", "{}")}'"],
      [for m in regexall(":(manifest_location|query_execution_id)", s) : "$.athena.QueryExecutionId"]
    )))
  ]
  load_sqls_expression = "States.Array(${join(", ", local.load_sql_expressions)})"

  # Rendered from a file so the tests render the same definition (terraform/test/lib/state-machine.mjs).
  definition = templatefile("${path.module}/state-machine.asl.json.tftpl", {
    arn_prefix                   = local.arn_prefix
    timeout_seconds              = var.execution_timeout_seconds
    max_attempts                 = var.max_attempts
    glue_timeout_seconds         = var.glue_timeout_seconds
    task_timeout_seconds         = var.task_timeout_seconds
    glue_job_name                = var.glue_job_name
    raw_path                     = var.glue_raw_path
    curated_path                 = var.glue_curated_path
    errors_path                  = var.glue_errors_path
    summary_path_expression      = local.summary_path_expression
    rollup_query                 = local.rollup_query
    athena_workgroup_name        = var.athena_workgroup_name
    glue_database_name           = var.glue_database_name
    redshift_workgroup_name      = var.redshift_workgroup_name
    redshift_database_name       = var.redshift_database_name
    redshift_secret_arn          = var.redshift_secret_arn
    lake_ops_function_arn        = var.lake_ops_function_arn
    load_manifest_bucket         = var.athena_results_bucket_name
    load_manifest_key_expression = local.load_manifest_key_expression
    max_concurrency              = var.max_concurrency
    load_sqls_expression         = local.load_sqls_expression
    notification_topic_arn       = var.notification_topic_arn
  })
}
