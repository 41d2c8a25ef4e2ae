# --- Identity -----------------------------------------------------------------------------------------------------

variable "aws_region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "eu-west-1"
}

variable "project" {
  description = "Project name; first part of every resource name."
  type        = string
  default     = "tributary"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.project))
    error_message = "project must be lower case letters, digits and dashes (2-21 characters), starting with a letter."
  }
}

variable "environment" {
  description = "Environment name (dev, staging, prod); second part of every resource name."
  type        = string
  default     = "dev"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment must be lower case letters and digits (2-10 characters), starting with a letter."
  }
}

variable "tags" {
  description = "Extra tags for every resource (project, environment and managed_by are always set)."
  type        = map(string)
  default     = {}
}

variable "force_destroy" {
  description = "Let terraform destroy delete non-empty buckets, the Athena workgroup and the ECR repository. Sandboxes only."
  type        = bool
  default     = false
}

# --- Compute ------------------------------------------------------------------------------------------------------

variable "compute" {
  description = "How the application runs: lambda (Kinesis event source mapping) or ecs (Fargate service with its own consumer)."
  type        = string
  default     = "lambda"

  validation {
    condition     = contains(["lambda", "ecs"], var.compute)
    error_message = "compute must be \"lambda\" or \"ecs\"."
  }
}

variable "lambda_runtime" {
  description = "Lambda flavour: native (provided.al2023, Quarkus native image) or jvm (java21 with SnapStart)."
  type        = string
  default     = "native"

  validation {
    condition     = contains(["native", "jvm"], var.lambda_runtime)
    error_message = "lambda_runtime must be \"native\" or \"jvm\"."
  }
}

variable "lambda_zip_path" {
  description = "Path of function.zip, relative to terraform/ (mvn package -Plambda, add -Pnative for the native image)."
  type        = string
  default     = "../target/function.zip"
}

variable "lambda_architecture" {
  description = "Lambda instruction set, x86_64 or arm64; a native zip must be built for it."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.lambda_architecture)
    error_message = "lambda_architecture must be x86_64 or arm64."
  }
}

variable "lambda_memory_mb" {
  description = "Lambda memory in MB."
  type        = number
  default     = 512
}

variable "lambda_timeout_seconds" {
  description = "Lambda timeout in seconds; must cover parsing and flushing a full batch."
  type        = number
  default     = 120
}

variable "lambda_starting_position" {
  description = "Where a new event source mapping starts: TRIM_HORIZON (nothing lost) or LATEST."
  type        = string
  default     = "TRIM_HORIZON"

  validation {
    condition     = contains(["TRIM_HORIZON", "LATEST"], var.lambda_starting_position)
    error_message = "lambda_starting_position must be TRIM_HORIZON or LATEST."
  }
}

variable "lambda_batch_size" {
  description = "Maximum records per Lambda invocation (1-10000)."
  type        = number
  default     = 1000

  validation {
    condition     = floor(var.lambda_batch_size) == var.lambda_batch_size && var.lambda_batch_size >= 1 && var.lambda_batch_size <= 10000
    error_message = "lambda_batch_size must be a whole number from 1 to 10000."
  }
}

variable "lambda_maximum_batching_window_in_seconds" {
  description = "Seconds the mapping gathers records before invoking (0-300)."
  type        = number
  default     = 10

  validation {
    condition     = floor(var.lambda_maximum_batching_window_in_seconds) == var.lambda_maximum_batching_window_in_seconds && var.lambda_maximum_batching_window_in_seconds >= 0 && var.lambda_maximum_batching_window_in_seconds <= 300
    error_message = "lambda_maximum_batching_window_in_seconds must be a whole number from 0 to 300."
  }
}

variable "lambda_maximum_retry_attempts" {
  description = "Retries of a batch the function could not write before the mapping skips it: -1 (default) retries until the records expire from the stream; 0-10000 skips, describing the range in the on-failure destination (docs/lambda.md: replay)."
  type        = number
  default     = -1

  validation {
    condition     = floor(var.lambda_maximum_retry_attempts) == var.lambda_maximum_retry_attempts && var.lambda_maximum_retry_attempts >= -1 && var.lambda_maximum_retry_attempts <= 10000
    error_message = "lambda_maximum_retry_attempts must be -1 (retry until the record expires) or a whole number from 0 to 10000."
  }
}

variable "lambda_maximum_record_age_in_seconds" {
  description = "Age above which the mapping skips records: -1 (default) never skips; 60-604800 skips, describing the range in the on-failure destination (docs/lambda.md: replay)."
  type        = number
  default     = -1

  validation {
    condition     = var.lambda_maximum_record_age_in_seconds == -1 || (floor(var.lambda_maximum_record_age_in_seconds) == var.lambda_maximum_record_age_in_seconds && var.lambda_maximum_record_age_in_seconds >= 60 && var.lambda_maximum_record_age_in_seconds <= 604800)
    error_message = "lambda_maximum_record_age_in_seconds must be -1 (never skip) or a whole number from 60 to 604800."
  }
}

variable "lambda_on_failure_destination" {
  description = "On-failure destination of the event source mapping, where it describes each range it skips (finite retries or record age only): sqs or sns."
  type        = string
  default     = "sqs"

  validation {
    condition     = contains(["sqs", "sns"], var.lambda_on_failure_destination)
    error_message = "lambda_on_failure_destination must be sqs or sns."
  }
}

variable "ecs_container_image" {
  description = "Container image for ECS mode; empty uses <created ECR repository>:latest."
  type        = string
  default     = ""
}

variable "ecs_health_check_command" {
  description = "ECS container health check command against /q/health/live; the image must contain the tool it runs."
  type        = list(string)
  default     = ["CMD-SHELL", "curl -fsS http://localhost:8080/q/health/live || exit 1"]
}

variable "ecs_cpu" {
  description = "ECS task CPU units (1024 = 1 vCPU)."
  type        = number
  default     = 1024
}

variable "ecs_memory_mb" {
  description = "ECS task memory in MiB."
  type        = number
  default     = 2048
}

variable "ecs_min_capacity" {
  description = "Minimum number of ECS tasks."
  type        = number
  default     = 1
}

variable "ecs_max_capacity" {
  description = "Maximum number of ECS tasks. The KCL consumer gives each task leases on shards, so tasks beyond the shard count hold no lease and only stand by; with a PROVISIONED stream it may not exceed kinesis_shard_count."
  type        = number
  default     = 4

  validation {
    condition     = var.ecs_max_capacity >= var.ecs_min_capacity && (var.kinesis_stream_mode != "PROVISIONED" || var.ecs_max_capacity <= var.kinesis_shard_count)
    error_message = "ecs_max_capacity must be at least ecs_min_capacity and, with a PROVISIONED stream, at most kinesis_shard_count: a task without a shard lease reads nothing."
  }
}

variable "ecs_target_iterator_age_ms" {
  description = "Iterator age (ms) the ECS target-tracking policy holds."
  type        = number
  default     = 60000
}

# --- Streaming ----------------------------------------------------------------------------------------------------

variable "kinesis_stream_mode" {
  description = "Kinesis capacity mode: ON_DEMAND or PROVISIONED."
  type        = string
  default     = "ON_DEMAND"

  validation {
    condition     = contains(["ON_DEMAND", "PROVISIONED"], var.kinesis_stream_mode)
    error_message = "kinesis_stream_mode must be ON_DEMAND or PROVISIONED."
  }
}

variable "kinesis_shard_count" {
  description = "Shard count when kinesis_stream_mode is PROVISIONED."
  type        = number
  default     = 2
}

variable "kinesis_retention_hours" {
  description = "Kinesis retention in hours (24-8760)."
  type        = number
  default     = 24
}

# --- Lake ---------------------------------------------------------------------------------------------------------

variable "raw_transition_ia_days" {
  description = "Days before raw objects move to STANDARD_IA."
  type        = number
  default     = 30
}

variable "raw_transition_glacier_days" {
  description = "Days before raw objects move to GLACIER."
  type        = number
  default     = 90
}

variable "raw_expiration_days" {
  description = "Days before raw objects expire; 0 keeps them."
  type        = number
  default     = 730
}

variable "errors_expiration_days" {
  description = "Days before errors-zone objects expire."
  type        = number
  default     = 90
}

variable "athena_results_expiration_days" {
  description = "Days before Athena results expire."
  type        = number
  default     = 7
}

variable "noncurrent_version_expiration_days" {
  description = "Days before non-current object versions expire in every bucket."
  type        = number
  default     = 30
}

variable "partition_projection_start_date" {
  description = "First date (yyyy-MM-dd) partition projection enumerates."
  type        = string
  default     = "2025-01-01"
}

# --- Glue ---------------------------------------------------------------------------------------------------------

variable "glue_jar_path" {
  description = "Path of the Glue job jar, relative to terraform/ (mvn -f glue/pom.xml package). Uploaded when present."
  type        = string
  default     = "../glue/target/tributary-glue-job.jar"
}

variable "glue_entry_script_path" {
  description = "Path of the Glue Scala entry script, relative to terraform/. Uploaded when present."
  type        = string
  default     = "../glue/src/main/scala/GlueEntry.scala"
}

variable "glue_entry_class" {
  description = "Object in the entry script Glue runs (--class)."
  type        = string
  default     = "GlueEntry"
}

variable "glue_worker_type" {
  description = "Glue worker type: G.1X, G.2X, G.4X or G.8X."
  type        = string
  default     = "G.1X"

  validation {
    condition     = contains(["G.1X", "G.2X", "G.4X", "G.8X"], var.glue_worker_type)
    error_message = "glue_worker_type must be G.1X, G.2X, G.4X or G.8X."
  }
}

variable "glue_number_of_workers" {
  description = "Number of Glue workers (at least 2)."
  type        = number
  default     = 2

  validation {
    condition     = var.glue_number_of_workers >= 2
    error_message = "glue_number_of_workers must be at least 2."
  }
}

variable "glue_timeout_minutes" {
  description = "Glue job run timeout in minutes."
  type        = number
  default     = 60
}

# --- Athena -------------------------------------------------------------------------------------------------------

variable "athena_bytes_scanned_cutoff_per_query" {
  description = "Athena per-query scan limit in bytes (at least 10485760)."
  type        = number
  default     = 10737418240

  validation {
    condition     = var.athena_bytes_scanned_cutoff_per_query >= 10485760
    error_message = "athena_bytes_scanned_cutoff_per_query must be at least 10485760 (10 MB)."
  }
}

# --- Network ------------------------------------------------------------------------------------------------------

variable "vpc_id" {
  description = "Existing VPC for Redshift, Lambda and ECS; null creates a minimal VPC (three private subnets, one NAT gateway)."
  type        = string
  default     = null
}

variable "private_subnet_ids" {
  description = "Private subnets of vpc_id (three, in different Availability Zones, with a route to AWS APIs); ignored when vpc_id is null."
  type        = list(string)
  default     = []
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC created when vpc_id is null."
  type        = string
  default     = "10.42.0.0/16"
}

# --- Redshift -----------------------------------------------------------------------------------------------------

variable "redshift_database_name" {
  description = "Redshift database for the aggregates."
  type        = string
  default     = "tributary"
}

variable "redshift_admin_username" {
  description = "Redshift admin user (password managed by Secrets Manager)."
  type        = string
  default     = "tributary_admin"
}

variable "redshift_app_username" {
  description = "Redshift user of the application, the state machine and QuickSight."
  type        = string
  default     = "tributary_app"
}

variable "redshift_base_capacity" {
  description = "Redshift Serverless base capacity in RPUs (8-512, steps of 8)."
  type        = number
  default     = 8
}

variable "redshift_max_capacity" {
  description = "Redshift Serverless maximum capacity in RPUs; caps the bill."
  type        = number
  default     = 32
}

# --- Orchestration ------------------------------------------------------------------------------------------------

variable "enable_step_functions" {
  description = "Lambda mode: create the Step Functions hour pipeline (seal, curate, roll up, load). Container mode ignores it: the application's sealing route does that work."
  type        = bool
  default     = true
}

variable "step_functions_schedule_minute" {
  description = "Lambda mode: minute of every hour at which EventBridge Scheduler starts the hour pipeline (which seals the complete raw hours)."
  type        = number
  default     = 20

  validation {
    condition     = var.step_functions_schedule_minute >= 0 && var.step_functions_schedule_minute <= 59 && floor(var.step_functions_schedule_minute) == var.step_functions_schedule_minute
    error_message = "step_functions_schedule_minute must be a whole minute, 0-59."
  }
}

# --- Monitoring ---------------------------------------------------------------------------------------------------

variable "metrics_namespace" {
  description = "CloudWatch namespace of the application's custom metrics."
  type        = string
  default     = "Tributary"
}

variable "alarm_email" {
  description = "Email subscribed to the alarm topic; null for none."
  type        = string
  default     = null
}

variable "iterator_age_alarm_threshold_ms" {
  description = "Kinesis iterator age (ms) above which the alarm fires."
  type        = number
  default     = 300000
}

variable "raw_freshness_alarm_threshold_seconds" {
  description = "Window of the raw-zone stall alarm in seconds (rounded up to 5-minute periods): records received and nothing written to the lake for this long."
  type        = number
  default     = 900
}

# --- QuickSight ---------------------------------------------------------------------------------------------------

variable "enable_quicksight" {
  description = "Create QuickSight data sources, the dashboard's data sets, analysis and dashboard, and the grants QuickSight's roles need (needs a QuickSight Enterprise subscription)."
  type        = bool
  default     = false
}

variable "quicksight_owner_principal_arn" {
  description = "QuickSight user or group ARN (arn:aws:quicksight:<region>:<account>:user/default/<name> or .../group/default/<name>) that owns the data sources, data sets, analysis and dashboard; null grants none (only the API can see them)."
  type        = string
  default     = null
}

variable "quicksight_service_role_name" {
  description = "QuickSight's account-wide service role, which the Athena data source runs as (aws-quicksight-service-role-v0 unless another role was chosen at sign-up); Terraform adds an inline policy to it."
  type        = string
  default     = "aws-quicksight-service-role-v0"
}

variable "quicksight_secrets_manager_role_name" {
  description = "The role QuickSight reads data source secrets with, created by QuickSight when Secrets Manager access is turned on; Terraform adds an inline policy for the Redshift secret to it."
  type        = string
  default     = "aws-quicksight-secretsmanager-role-v0"
}
