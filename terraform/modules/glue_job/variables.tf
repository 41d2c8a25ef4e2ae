variable "job_name" {
  description = "Name of the Glue job."
  type        = string
}

variable "jar_path" {
  description = "Local path of the job jar built by `mvn -f glue/pom.xml package` (relative to the terraform/ directory)."
  type        = string
}

variable "entry_script_path" {
  description = "Local path of the Glue Scala entry script that calls the Java job (relative to the terraform/ directory)."
  type        = string
}

variable "entry_class" {
  description = "Fully qualified name of the object in the entry script that Glue runs (--class)."
  type        = string
  default     = "GlueEntry"
}

variable "artifacts_bucket" {
  description = "Name of the bucket the jar and the script are uploaded to."
  type        = string
}

variable "artifacts_bucket_arn" {
  description = "ARN of the artifacts bucket."
  type        = string
}

variable "artifacts_prefix" {
  description = "Key prefix of the Glue artifacts in the artifacts bucket, ending in a slash."
  type        = string
  default     = "glue/"
}

variable "raw_bucket_arn" {
  description = "ARN of the raw-zone bucket."
  type        = string
}

variable "curated_bucket_arn" {
  description = "ARN of the curated-zone bucket."
  type        = string
}

variable "errors_bucket_arn" {
  description = "ARN of the errors-zone bucket."
  type        = string
}

variable "raw_path" {
  description = "S3 URI of the raw events prefix (--raw_path)."
  type        = string
}

variable "curated_path" {
  description = "S3 URI of the curated events prefix (--curated_path)."
  type        = string
}

variable "curated_table" {
  description = "The curated Iceberg table in the Glue Data Catalog, database.table (--curated_table); the job creates it."
  type        = string
}

variable "curated_table_arn" {
  description = "ARN of the curated Iceberg table (the job's glue:CreateTable/UpdateTable resource)."
  type        = string
}

variable "curated_database_arn" {
  description = "ARN of the Glue database that holds the curated table."
  type        = string
}

variable "errors_path" {
  description = "S3 URI where the job quarantines rows that fail the schema (--errors_path)."
  type        = string
}

variable "summary_path" {
  description = "S3 URI where the job writes its run summary JSON (--summary_path)."
  type        = string
}

variable "kms_key_arn" {
  description = "ARN of the platform KMS key."
  type        = string
}

variable "worker_type" {
  description = "Glue worker type (G.1X, G.2X, G.4X, G.8X)."
  type        = string
  default     = "G.1X"
}

variable "number_of_workers" {
  description = "Number of Glue workers (minimum 2)."
  type        = number
  default     = 2
}

variable "timeout_minutes" {
  description = "Job run timeout in minutes."
  type        = number
  default     = 60
}

variable "max_concurrent_runs" {
  description = "How many hours may be curated at once (runs of different raw hours touch disjoint arrival_hour partitions)."
  type        = number
  default     = 3
}

variable "log_retention_days" {
  description = "Retention of the job's continuous-logging log group."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags applied to every resource of this module."
  type        = map(string)
  default     = {}
}

variable "maintenance_schedule" {
  description = "When the curated table's maintenance run (compaction, snapshot expiry, orphan removal) starts: a Glue cron expression."
  type        = string
  default     = "cron(30 3 * * ? *)"
}

variable "snapshot_retention_hours" {
  description = "Snapshots of the curated Iceberg table older than this are expired by the maintenance run (time travel reaches this far back)."
  type        = number
  default     = 168
}
