variable "function_name" {
  description = "Name of the Lambda function."
  type        = string
}

variable "runtime" {
  description = "native: Quarkus native image on provided.al2023; jvm: java21 with SnapStart."
  type        = string
  default     = "native"

  validation {
    condition     = contains(["native", "jvm"], var.runtime)
    error_message = "runtime must be native or jvm."
  }
}

variable "zip_path" {
  description = "Local path of function.zip built by `mvn package -Plambda` (JVM) or with -Pnative (native), relative to terraform/."
  type        = string
}

variable "architecture" {
  description = "Instruction set: x86_64 or arm64. A native zip must be built for the same architecture."
  type        = string
  default     = "x86_64"
}

variable "memory_mb" {
  description = "Memory of the function in MB (CPU scales with it)."
  type        = number
  default     = 512
}

variable "timeout_seconds" {
  description = "Function timeout in seconds; must cover a full batch flush to S3."
  type        = number
  default     = 120
}

variable "reserved_concurrency" {
  description = "Reserved concurrent executions; -1 for none."
  type        = number
  default     = -1
}

variable "jvm_options" {
  description = "JAVA_TOOL_OPTIONS for the JVM runtime."
  type        = string
  default     = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1"
}

variable "environment" {
  description = "Environment variables of the application (from the app module; no secrets: HTTP ingest, the only user of the API key, is off in Lambda mode)."
  type        = map(string)
}

variable "app_policy_json" {
  description = "The application's IAM policy (from the app module), attached to the function's role."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets the function runs in (it reaches Redshift over JDBC)."
  type        = list(string)
}

variable "security_group_ids" {
  description = "Security groups of the function."
  type        = list(string)
}

variable "stream_arn" {
  description = "ARN of the Kinesis stream the mapping reads."
  type        = string
}

variable "starting_position" {
  description = "Where a new mapping starts reading: TRIM_HORIZON (nothing lost) or LATEST."
  type        = string
  default     = "TRIM_HORIZON"

  validation {
    condition     = contains(["TRIM_HORIZON", "LATEST"], var.starting_position)
    error_message = "starting_position must be TRIM_HORIZON or LATEST."
  }
}

variable "batch_size" {
  description = "Maximum records per invocation (1-10000)."
  type        = number
  default     = 1000

  validation {
    condition     = floor(var.batch_size) == var.batch_size && var.batch_size >= 1 && var.batch_size <= 10000
    error_message = "batch_size must be a whole number from 1 to 10000 (Kinesis event source mappings)."
  }
}

variable "maximum_batching_window_in_seconds" {
  description = "How long the mapping gathers records before invoking (0-300); bigger windows mean fewer, larger raw objects."
  type        = number
  default     = 10

  validation {
    condition     = floor(var.maximum_batching_window_in_seconds) == var.maximum_batching_window_in_seconds && var.maximum_batching_window_in_seconds >= 0 && var.maximum_batching_window_in_seconds <= 300
    error_message = "maximum_batching_window_in_seconds must be a whole number from 0 to 300."
  }
}

variable "parallelization_factor" {
  description = "Concurrent batches per shard. Must be 1: each invocation publishes its shard's durable watermark (the last record before the first one not durable), which is only true with one batch of a shard in flight; and the batching assumes one writer per shard."
  type        = number
  default     = 1

  validation {
    condition     = var.parallelization_factor == 1
    error_message = "parallelization_factor must be 1: hour sealing reads the per-shard watermark each invocation publishes, which needs one batch per shard in flight (docs/lambda.md)."
  }
}

# -1 and -1: a batch the function cannot write is retried until its records leave the stream (its retention), never
# skipped while Kinesis still holds them. Finite values are allowed (AWS ranges below); what they skip is described in
# the on-failure destination, and docs/lambda.md says how to replay it.
variable "maximum_retry_attempts" {
  description = "Retries of a failing batch before its range goes to the on-failure destination: -1 (default) retries until the records expire from the stream; otherwise 0-10000."
  type        = number
  default     = -1

  validation {
    condition     = floor(var.maximum_retry_attempts) == var.maximum_retry_attempts && var.maximum_retry_attempts >= -1 && var.maximum_retry_attempts <= 10000
    error_message = "maximum_retry_attempts must be -1 (retry until the record expires) or a whole number from 0 to 10000."
  }
}

variable "maximum_record_age_in_seconds" {
  description = "Records older than this are skipped and their range goes to the on-failure destination: -1 (default) never skips; otherwise 60-604800."
  type        = number
  default     = -1

  validation {
    condition     = var.maximum_record_age_in_seconds == -1 || (floor(var.maximum_record_age_in_seconds) == var.maximum_record_age_in_seconds && var.maximum_record_age_in_seconds >= 60 && var.maximum_record_age_in_seconds <= 604800)
    error_message = "maximum_record_age_in_seconds must be -1 (never skip) or a whole number from 60 to 604800."
  }
}

variable "on_failure_destination" {
  description = "Where the mapping describes the ranges it skips (only with finite maximum_retry_attempts or maximum_record_age_in_seconds): sqs or sns."
  type        = string
  default     = "sqs"

  validation {
    condition     = contains(["sqs", "sns"], var.on_failure_destination)
    error_message = "on_failure_destination must be sqs or sns."
  }
}

variable "kms_key_arn" {
  description = "ARN of the platform KMS key (environment, logs, on-failure destination)."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the function's log group."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags applied to every resource of this module."
  type        = map(string)
  default     = {}
}

variable "lake_ops_handler" {
  description = "Handler of the lake-ops function on the managed Java runtime (the same function.zip as the ingest function)."
  type        = string
  default     = "io.tributary.lambda.LakeOpsHandler::handleRequest"
}

variable "lake_ops_timeout_seconds" {
  description = "Timeout of the lake-ops function: a seal decision lists the raw hours and reads every shard's watermark."
  type        = number
  default     = 60

  validation {
    condition     = var.lake_ops_timeout_seconds >= 10 && var.lake_ops_timeout_seconds <= 900
    error_message = "lake_ops_timeout_seconds must be 10-900 (Lambda's maximum)."
  }
}
