variable "name_prefix" {
  description = "Prefix of alarm, topic and dashboard names."
  type        = string
}

variable "kms_key_arn" {
  description = "ARN of the platform KMS key (encrypts the alarm topic)."
  type        = string
}

variable "alarm_email" {
  description = "Email address subscribed to the alarm topic; null for none (subscriptions must be confirmed)."
  type        = string
  default     = null
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the application's custom metrics."
  type        = string
  default     = "Tributary"
}

variable "stream_name" {
  description = "Name of the Kinesis stream."
  type        = string
}

variable "stream_retention_hours" {
  description = "Retention of the stream, quoted in the iterator-age alarm description."
  type        = number
}

variable "iterator_age_threshold_ms" {
  description = "Alarm when the maximum iterator age exceeds this (ms)."
  type        = number
  default     = 300000
}

variable "raw_freshness_threshold_seconds" {
  description = "Window of the raw-zone stall alarm (s, rounded up to 5-minute periods): records received and nothing written for this long. Keep it above tributary.batch.max-age."
  type        = number
  default     = 900
}

variable "compute" {
  description = "Which compute runs the application: lambda or ecs (selects the compute alarms and widget)."
  type        = string

  validation {
    condition     = contains(["lambda", "ecs"], var.compute)
    error_message = "compute must be lambda or ecs."
  }
}

variable "enable_state_machine_alarm" {
  description = "Whether the hour pipeline state machine exists and gets a failure alarm."
  type        = bool
  default     = false
}

variable "lambda_function_name" {
  description = "Name of the Lambda function in Lambda mode; null in ECS mode."
  type        = string
  default     = null
}

variable "lambda_on_failure_destination" {
  description = "Kind of the Lambda event source mapping's on-failure destination: sqs or sns (Lambda mode)."
  type        = string
  default     = "sqs"

  validation {
    condition     = contains(["sqs", "sns"], var.lambda_on_failure_destination)
    error_message = "lambda_on_failure_destination must be sqs or sns."
  }
}

variable "lambda_on_failure_destination_name" {
  description = "Name of the Lambda event source mapping's on-failure queue or topic; null in ECS mode."
  type        = string
  default     = null
}

variable "ecs_cluster_name" {
  description = "Name of the ECS cluster in ECS mode; null in Lambda mode."
  type        = string
  default     = null
}

variable "ecs_service_name" {
  description = "Name of the ECS service in ECS mode; null in Lambda mode."
  type        = string
  default     = null
}

variable "glue_job_name" {
  description = "Name of the curation Glue job."
  type        = string
}

variable "state_machine_arn" {
  description = "ARN of the hour pipeline state machine; null when it is disabled."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags applied to every resource of this module."
  type        = map(string)
  default     = {}
}
