# Tributary on AWS: Kinesis -> (Lambda | ECS) -> S3 lake -> Glue -> Athena -> Redshift -> QuickSight.
# Each box is a module under modules/; this file only wires them together.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  name_prefix = "${var.project}-${var.environment}"
  # The Step Functions hour pipeline is Lambda mode's orchestrator: its steps invoke the lake-ops function of Lambda mode.
  step_functions = var.enable_step_functions && var.compute == "lambda"
  # Glue/Athena names are lower_snake_case.
  glue_database_name = replace(local.name_prefix, "-", "_")

  tags = merge(var.tags, {
    project     = var.project
    environment = var.environment
    managed_by  = "terraform"
  })

  # The one table contract: the catalog's columns and partition keys are read from it, never retyped.
  contract_path = "${path.root}/../src/main/resources/contract/events.contract.json"

  # The one dashboard definition: the application's /dashboard page reads it from the classpath, QuickSight's data sets
  # and analysis are generated from it (modules/quicksight/dashboard.tf), so the two cannot drift.
  dashboard_definition = jsondecode(file("${path.root}/../src/main/resources/dashboard/definition.json"))

  create_vpc         = var.vpc_id == null
  vpc_id             = local.create_vpc ? module.network[0].vpc_id : var.vpc_id
  private_subnet_ids = local.create_vpc ? module.network[0].private_subnet_ids : var.private_subnet_ids

  arn_prefix = "arn:${data.aws_partition.current.partition}"
  catalog_arns = concat(
    ["${local.arn_prefix}:glue:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:catalog"],
    [module.catalog.database_arn],
    module.catalog.table_arns,
  )

  raw_prefix    = "raw/events/"
  errors_prefix = "errors/events/"

  # The Glue job's paths: its default arguments and the application's hour sealing (container mode) use the same ones.
  glue_errors_path    = "s3://${module.lake.bucket_names["errors"]}/glue/rejected"
  glue_summary_prefix = "s3://${module.lake.bucket_names["curated"]}/_runs"
}

module "kms" {
  source = "./modules/kms"

  name_prefix = local.name_prefix
  tags        = local.tags
}

module "network" {
  source = "./modules/network"
  count  = local.create_vpc ? 1 : 0

  name_prefix = local.name_prefix
  cidr_block  = var.vpc_cidr
  tags        = local.tags
}

module "streaming" {
  source = "./modules/streaming"

  stream_name            = "${local.name_prefix}-events"
  stream_mode            = var.kinesis_stream_mode
  shard_count            = var.kinesis_shard_count
  retention_period_hours = var.kinesis_retention_hours
  kms_key_arn            = module.kms.key_arn
  tags                   = local.tags
}

module "lake" {
  source = "./modules/lake"

  name_prefix                        = local.name_prefix
  kms_key_arn                        = module.kms.key_arn
  force_destroy                      = var.force_destroy
  raw_transition_ia_days             = var.raw_transition_ia_days
  raw_transition_glacier_days        = var.raw_transition_glacier_days
  raw_expiration_days                = var.raw_expiration_days
  errors_expiration_days             = var.errors_expiration_days
  athena_results_expiration_days     = var.athena_results_expiration_days
  noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
  tags                               = local.tags
}

module "catalog" {
  source = "./modules/catalog"

  contract_path         = local.contract_path
  database_name         = local.glue_database_name
  raw_bucket            = module.lake.bucket_names["raw"]
  raw_prefix            = local.raw_prefix
  curated_bucket        = module.lake.bucket_names["curated"]
  projection_start_date = var.partition_projection_start_date
  tags                  = local.tags
}

module "glue_job" {
  source = "./modules/glue_job"

  job_name             = "${local.name_prefix}-curate"
  jar_path             = var.glue_jar_path
  entry_script_path    = var.glue_entry_script_path
  entry_class          = var.glue_entry_class
  artifacts_bucket     = module.lake.bucket_names["artifacts"]
  artifacts_bucket_arn = module.lake.bucket_arns["artifacts"]
  raw_bucket_arn       = module.lake.bucket_arns["raw"]
  curated_bucket_arn   = module.lake.bucket_arns["curated"]
  errors_bucket_arn    = module.lake.bucket_arns["errors"]
  raw_path             = module.catalog.raw_location
  curated_path         = module.catalog.curated_location
  curated_table        = "${module.catalog.database_name}.${module.catalog.curated_table_name}"
  curated_table_arn    = module.catalog.curated_table_arn
  curated_database_arn = module.catalog.database_arn
  errors_path          = "${local.glue_errors_path}/"
  summary_path         = "${local.glue_summary_prefix}/"
  kms_key_arn          = module.kms.key_arn
  worker_type          = var.glue_worker_type
  number_of_workers    = var.glue_number_of_workers
  timeout_minutes      = var.glue_timeout_minutes
  tags                 = local.tags
}

module "athena" {
  source = "./modules/athena"

  workgroup_name                 = local.name_prefix
  results_bucket                 = module.lake.bucket_names["athena_results"]
  expected_bucket_owner          = data.aws_caller_identity.current.account_id
  kms_key_arn                    = module.kms.key_arn
  bytes_scanned_cutoff_per_query = var.athena_bytes_scanned_cutoff_per_query
  force_destroy                  = var.force_destroy
  tags                           = local.tags
}

module "redshift" {
  source = "./modules/redshift"

  name_prefix               = local.name_prefix
  vpc_id                    = local.vpc_id
  subnet_ids                = local.private_subnet_ids
  client_security_group_ids = { app = module.app.security_group_id }
  database_name             = var.redshift_database_name
  admin_username            = var.redshift_admin_username
  app_username              = var.redshift_app_username
  base_capacity             = var.redshift_base_capacity
  max_capacity              = var.redshift_max_capacity
  copy_source_bucket_arn    = module.lake.bucket_arns["athena_results"]
  kms_key_arn               = module.kms.key_arn
  tags                      = local.tags
}

module "app" {
  source = "./modules/app"

  name_prefix                = local.name_prefix
  vpc_id                     = local.vpc_id
  redshift_security_group_id = module.redshift.security_group_id
  stream_arn                 = module.streaming.stream_arn
  stream_name                = module.streaming.stream_name
  bucket_arns                = module.lake.bucket_arns
  bucket_names               = module.lake.bucket_names
  raw_prefix                 = local.raw_prefix
  errors_prefix              = local.errors_prefix
  kms_key_arn                = module.kms.key_arn
  glue_job_arn               = module.glue_job.job_arn
  glue_job_name              = module.glue_job.job_name
  catalog_arns               = local.catalog_arns
  glue_database_name         = module.catalog.database_name
  athena_workgroup_arn       = module.athena.workgroup_arn
  athena_workgroup_name      = module.athena.workgroup_name
  redshift_jdbc_url          = module.redshift.jdbc_url
  redshift_secret_arn        = module.redshift.app_secret_arn
  curated_path               = module.catalog.curated_location
  glue_errors_path           = local.glue_errors_path
  glue_summary_prefix        = local.glue_summary_prefix
  metrics_namespace          = var.metrics_namespace
  tags                       = local.tags
}

module "lambda_consumer" {
  source = "./modules/lambda_consumer"
  count  = var.compute == "lambda" ? 1 : 0

  function_name                      = "${local.name_prefix}-ingest"
  runtime                            = var.lambda_runtime
  zip_path                           = var.lambda_zip_path
  architecture                       = var.lambda_architecture
  memory_mb                          = var.lambda_memory_mb
  timeout_seconds                    = var.lambda_timeout_seconds
  environment                        = module.app.environment
  app_policy_json                    = module.app.policy_json
  subnet_ids                         = local.private_subnet_ids
  security_group_ids                 = [module.app.security_group_id]
  stream_arn                         = module.streaming.stream_arn
  starting_position                  = var.lambda_starting_position
  batch_size                         = var.lambda_batch_size
  maximum_batching_window_in_seconds = var.lambda_maximum_batching_window_in_seconds
  maximum_retry_attempts             = var.lambda_maximum_retry_attempts
  maximum_record_age_in_seconds      = var.lambda_maximum_record_age_in_seconds
  on_failure_destination             = var.lambda_on_failure_destination
  kms_key_arn                        = module.kms.key_arn
  tags                               = local.tags
}

module "ecs_service" {
  source = "./modules/ecs_service"
  count  = var.compute == "ecs" ? 1 : 0

  name_prefix             = local.name_prefix
  container_image         = var.ecs_container_image
  health_check_command    = var.ecs_health_check_command
  cpu                     = var.ecs_cpu
  memory_mb               = var.ecs_memory_mb
  min_capacity            = var.ecs_min_capacity
  max_capacity            = var.ecs_max_capacity
  target_iterator_age_ms  = var.ecs_target_iterator_age_ms
  environment             = module.app.container_environment
  secrets                 = module.app.container_secrets
  app_policy_json         = module.app.policy_json
  subnet_ids              = local.private_subnet_ids
  security_group_ids      = [module.app.security_group_id]
  stream_name             = module.streaming.stream_name
  force_delete_repository = var.force_destroy
  kms_key_arn             = module.kms.key_arn
  tags                    = local.tags
}

# Lambda mode's orchestrator: in container mode the application seals and rolls up hours itself (routes/seal-hours).
module "orchestration" {
  source = "./modules/orchestration"
  count  = local.step_functions ? 1 : 0

  name                       = "${local.name_prefix}-hour"
  glue_job_name              = module.glue_job.job_name
  glue_job_arn               = module.glue_job.job_arn
  glue_database_name         = module.catalog.database_name
  catalog_arns               = local.catalog_arns
  athena_workgroup_name      = module.athena.workgroup_name
  athena_workgroup_arn       = module.athena.workgroup_arn
  athena_rollup_sql          = file("${path.root}/../src/main/resources/sql/athena/hourly_rollup.sql")
  curated_bucket_arn         = module.lake.bucket_arns["curated"]
  athena_results_bucket_arn  = module.lake.bucket_arns["athena_results"]
  athena_results_bucket_name = module.lake.bucket_names["athena_results"]
  redshift_workgroup_name    = module.redshift.workgroup_name
  redshift_workgroup_arn     = module.redshift.workgroup_arn
  redshift_database_name     = module.redshift.database_name
  lake_ops_function_arn      = module.lambda_consumer[0].lake_ops_alias_arn
  redshift_secret_arn        = module.redshift.app_secret_arn
  # the load with its MERGE statements included from sql/redshift/merge/, the files the application's JDBC loads include
  redshift_load_sql = templatefile("${path.root}/../src/main/resources/sql/redshift/load/athena_result.sql", {
    merge_hourly_rollup         = file("${path.root}/../src/main/resources/sql/redshift/merge/hourly_rollup.sql")
    merge_hourly_top_categories = file("${path.root}/../src/main/resources/sql/redshift/merge/hourly_top_categories.sql")
    merge_minute_counts_final   = file("${path.root}/../src/main/resources/sql/redshift/merge/minute_counts_final.sql")
  })
  glue_raw_path          = module.catalog.raw_location
  glue_curated_path      = trimsuffix(module.catalog.curated_location, "/")
  glue_errors_path       = local.glue_errors_path
  glue_summary_prefix    = local.glue_summary_prefix
  enable_schedule        = var.compute == "lambda"
  schedule_minute        = var.step_functions_schedule_minute
  notification_topic_arn = module.monitoring.alarm_topic_arn
  kms_key_arn            = module.kms.key_arn
  tags                   = local.tags
}

module "monitoring" {
  source = "./modules/monitoring"

  name_prefix                        = local.name_prefix
  kms_key_arn                        = module.kms.key_arn
  alarm_email                        = var.alarm_email
  metrics_namespace                  = var.metrics_namespace
  compute                            = var.compute
  stream_name                        = module.streaming.stream_name
  stream_retention_hours             = var.kinesis_retention_hours
  iterator_age_threshold_ms          = var.iterator_age_alarm_threshold_ms
  raw_freshness_threshold_seconds    = var.raw_freshness_alarm_threshold_seconds
  lambda_function_name               = var.compute == "lambda" ? module.lambda_consumer[0].function_name : null
  lambda_on_failure_destination      = var.lambda_on_failure_destination
  lambda_on_failure_destination_name = var.compute == "lambda" ? module.lambda_consumer[0].on_failure_destination_name : null
  ecs_cluster_name                   = var.compute == "ecs" ? module.ecs_service[0].cluster_name : null
  ecs_service_name                   = var.compute == "ecs" ? module.ecs_service[0].service_name : null
  glue_job_name                      = module.glue_job.job_name
  enable_state_machine_alarm         = local.step_functions
  state_machine_arn                  = local.step_functions ? module.orchestration[0].state_machine_arn : null
  tags                               = local.tags
}

module "quicksight" {
  source = "./modules/quicksight"
  count  = var.enable_quicksight ? 1 : 0

  name_prefix                = local.name_prefix
  owner_principal_arn        = var.quicksight_owner_principal_arn
  vpc_id                     = local.vpc_id
  subnet_ids                 = local.private_subnet_ids
  athena_workgroup_name      = module.athena.workgroup_name
  redshift_host              = module.redshift.endpoint_address
  redshift_port              = module.redshift.endpoint_port
  redshift_database_name     = module.redshift.database_name
  redshift_secret_arn        = module.redshift.app_secret_arn
  redshift_security_group_id = module.redshift.security_group_id
  kms_key_arn                = module.kms.key_arn
  athena_workgroup_arn       = module.athena.workgroup_arn
  catalog_arns               = local.catalog_arns
  curated_bucket_arn         = module.lake.bucket_arns["curated"]
  athena_results_bucket_arn  = module.lake.bucket_arns["athena_results"]
  service_role_name          = var.quicksight_service_role_name
  secrets_manager_role_name  = var.quicksight_secrets_manager_role_name
  definition                 = local.dashboard_definition
  tags                       = local.tags
}
