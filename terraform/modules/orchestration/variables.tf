variable "name" {
  description = "Name of the state machine."
  type        = string
}

variable "glue_job_name" {
  description = "Name of the curation Glue job."
  type        = string
}

variable "glue_job_arn" {
  description = "ARN of the curation Glue job."
  type        = string
}

variable "glue_database_name" {
  description = "Glue database the rollup query runs in."
  type        = string
}

variable "catalog_arns" {
  description = "ARNs of the Glue catalog, database and tables Athena reads."
  type        = list(string)
}

variable "athena_workgroup_name" {
  description = "Name of the Athena workgroup."
  type        = string
}

variable "athena_workgroup_arn" {
  description = "ARN of the Athena workgroup."
  type        = string
}

variable "athena_rollup_sql" {
  description = "The application's hourly rollup SQL (src/main/resources/sql/athena/hourly_rollup.sql): Trino, one substitution '$${arrival_hour}'."
  type        = string

  validation {
    condition     = length(regexall("'\\$\\{arrival_hour\\}'", var.athena_rollup_sql)) == 1
    error_message = "The rollup SQL must hold exactly one '$${arrival_hour}' (a quoted literal), bound as Athena's execution parameter."
  }
}

variable "curated_bucket_arn" {
  description = "ARN of the curated-zone bucket Athena reads."
  type        = string
}

variable "athena_results_bucket_name" {
  description = "Name of the Athena results bucket: the Redshift load's manifest is written there (load_manifest_prefix)."
  type        = string
}

variable "load_manifest_prefix" {
  description = "Key prefix, in the Athena results bucket, of the manifests naming each rollup result file for Redshift COPY."
  type        = string
  default     = "redshift-load/"

  validation {
    condition     = length(regexall("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*/$", var.load_manifest_prefix)) == 1
    error_message = "load_manifest_prefix must be a key prefix of letters, digits, _ . - and /, ending in '/'."
  }
}

variable "athena_results_bucket_arn" {
  description = "ARN of the Athena results bucket."
  type        = string
}

variable "redshift_workgroup_name" {
  description = "Name of the Redshift Serverless workgroup."
  type        = string
}

variable "redshift_workgroup_arn" {
  description = "ARN of the Redshift Serverless workgroup."
  type        = string
}

variable "redshift_database_name" {
  description = "Redshift database of the load."
  type        = string
}

variable "redshift_secret_arn" {
  description = "ARN of the secret with the Redshift credentials the load uses."
  type        = string
}

variable "redshift_load_sql" {
  description = "The application's Redshift load of the rollup's Athena result (src/main/resources/sql/redshift/load/athena_result.sql with its MERGE statements included from sql/redshift/merge/): statements ending in ';' at a line end, substitutions :manifest_location and :query_execution_id."
  type        = string
}

variable "glue_raw_path" {
  description = "--raw_path of each run (the raw zone), as the sealing route passes it."
  type        = string
}

variable "glue_curated_path" {
  description = "--curated_path of each run (the curated events table location)."
  type        = string
}

variable "glue_errors_path" {
  description = "--errors_path of each run (where the job writes rejected records)."
  type        = string
}

variable "glue_summary_prefix" {
  description = "Prefix of the run summaries; each run gets --summary_path <prefix>/arrival_hour=<hour>.json (a file, as the job requires)."
  type        = string

  validation {
    condition     = !endswith(var.glue_summary_prefix, "/")
    error_message = "glue_summary_prefix must not end in '/': the summary path is <prefix>/arrival_hour=<hour>.json."
  }
}

variable "lake_ops_function_arn" {
  description = "ARN (the live alias) of the application's lake-ops Lambda function: seals hours and records each hour's outcome."
  type        = string
}

variable "max_concurrency" {
  description = "Hours curated, rolled up and loaded at the same time by one execution (the Glue job's MaxConcurrentRuns must allow it)."
  type        = number
  default     = 2

  validation {
    condition     = var.max_concurrency >= 1 && var.max_concurrency <= 10 && floor(var.max_concurrency) == var.max_concurrency
    error_message = "max_concurrency must be a whole number, 1-10."
  }
}

variable "enable_schedule" {
  description = "Start the machine every hour with EventBridge Scheduler (Lambda mode, where nothing else seals hours)."
  type        = bool
  default     = false
}

variable "schedule_minute" {
  description = "Minute of every hour at which the schedule starts the machine (its Seal step decides which hours are complete)."
  type        = number
  default     = 20

  validation {
    condition     = var.schedule_minute >= 0 && var.schedule_minute <= 59 && floor(var.schedule_minute) == var.schedule_minute
    error_message = "schedule_minute must be a whole minute, 0-59."
  }
}

variable "notification_topic_arn" {
  description = "SNS topic notified when an hour fails."
  type        = string
}

variable "max_attempts" {
  description = "Retries of each step before the failure notification."
  type        = number
  default     = 3
}

# Every Task has an explicit TimeoutSeconds: "If something goes wrong and the TimeoutSeconds field isn't specified for an
# Activity or Task state, an execution is stuck waiting" (https://docs.aws.amazon.com/step-functions/latest/dg/sfn-stuck-execution.html),
# and the States Language's own default is 60 s, shorter than any Glue run.
variable "glue_timeout_seconds" {
  description = "TimeoutSeconds of the Glue curation Task (.sync): one job run of one hour, start to end."
  type        = number
  default     = 3600
}

variable "task_timeout_seconds" {
  description = "TimeoutSeconds of every other Task (lake-ops calls, the Athena rollup, the manifest, the Data API calls, SNS)."
  type        = number
  default     = 900
}

variable "execution_timeout_seconds" {
  description = "Upper bound of one execution."
  type        = number
  default     = 7200
}

variable "kms_key_arn" {
  description = "ARN of the platform KMS key."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the state machine's log group."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags applied to every resource of this module."
  type        = map(string)
  default     = {}
}
