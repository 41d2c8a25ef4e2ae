variable "name_prefix" {
  description = "Prefix for resource names, e.g. tributary-dev."
  type        = string
}

variable "vpc_id" {
  description = "VPC the application runs in."
  type        = string
}

variable "redshift_security_group_id" {
  description = "Security group of the Redshift workgroup (egress target)."
  type        = string
}

variable "redshift_port" {
  description = "Port of the Redshift workgroup."
  type        = number
  default     = 5439
}

variable "stream_arn" {
  description = "ARN of the Kinesis stream."
  type        = string
}

variable "stream_name" {
  description = "Name of the Kinesis stream."
  type        = string
}

variable "bucket_arns" {
  description = "Lake bucket ARNs by zone (raw, curated, errors, athena_results)."
  type        = map(string)
}

variable "bucket_names" {
  description = "Lake bucket names by zone (raw, curated, errors, athena_results)."
  type        = map(string)
}

variable "raw_prefix" {
  description = "Key prefix of raw events in the raw bucket, ending in a slash."
  type        = string
  default     = "raw/events/"
}

variable "errors_prefix" {
  description = "Key prefix of rejected records in the errors bucket, ending in a slash."
  type        = string
  default     = "errors/events/"
}

variable "checkpoint_prefix" {
  description = "Key prefix in the raw bucket of the per-shard checkpoint objects (tributary.checkpoint.prefix), ending in a slash."
  type        = string
  default     = "_checkpoints/"
}

variable "state_prefix" {
  description = "Key prefix in the raw bucket for the application's other durable state (sealed hours), ending in a slash."
  type        = string
  default     = "_tributary/state/"
}

variable "kms_key_arn" {
  description = "ARN of the platform KMS key."
  type        = string
}

variable "glue_job_arn" {
  description = "ARN of the curation Glue job."
  type        = string
}

variable "glue_job_name" {
  description = "Name of the curation Glue job."
  type        = string
}

variable "catalog_arns" {
  description = "ARNs of the Glue catalog, database and tables the application may read."
  type        = list(string)
}

variable "glue_database_name" {
  description = "Name of the Glue database."
  type        = string
}

variable "athena_workgroup_arn" {
  description = "ARN of the Athena workgroup."
  type        = string
}

variable "athena_workgroup_name" {
  description = "Name of the Athena workgroup."
  type        = string
}

variable "redshift_jdbc_url" {
  description = "JDBC URL of the Redshift workgroup."
  type        = string
}

variable "redshift_secret_arn" {
  description = "ARN of the secret with the application's Redshift credentials."
  type        = string
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the application's custom metrics."
  type        = string
  default     = "Tributary"
}

variable "secret_recovery_window_in_days" {
  description = "Days a deleted secret can be restored (0 deletes immediately, 7-30 otherwise)."
  type        = number
  default     = 7
}

variable "tags" {
  description = "Tags applied to every resource of this module."
  type        = map(string)
  default     = {}
}

variable "curated_path" {
  description = "S3 URI of the curated events table (tributary.glue.curated-path, the Glue job's --curated_path)."
  type        = string
}

variable "glue_errors_path" {
  description = "S3 URI where the Glue job quarantines rows (tributary.glue.errors-path, --errors_path)."
  type        = string
}

variable "glue_summary_prefix" {
  description = "S3 URI prefix of the Glue run summaries (tributary.glue.summary-prefix; a run's --summary_path is <prefix>/arrival_hour=<hour>.json)."
  type        = string
}
