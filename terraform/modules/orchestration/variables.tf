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
  description = "Hourly rollup query (Trino) with one positional parameter (?) bound to the arrival hour (yyyy-MM-dd-HH)."
  type        = string
}

variable "curated_bucket_arn" {
  description = "ARN of the curated-zone bucket Athena reads."
  type        = string
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
  description = "Redshift statement that loads one hour; named parameters :arrival_hour and :result_location (the rollup CSV)."
  type        = string
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
