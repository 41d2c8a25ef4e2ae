variable "stream_name" {
  description = "Name of the Kinesis data stream."
  type        = string
}

variable "stream_mode" {
  description = "ON_DEMAND (default, pay per use) or PROVISIONED (fixed shard_count)."
  type        = string
  default     = "ON_DEMAND"

  validation {
    condition     = contains(["ON_DEMAND", "PROVISIONED"], var.stream_mode)
    error_message = "stream_mode must be ON_DEMAND or PROVISIONED."
  }
}

variable "shard_count" {
  description = "Number of shards when stream_mode is PROVISIONED; ignored otherwise."
  type        = number
  default     = 2
}

variable "retention_period_hours" {
  description = "How long Kinesis keeps records (24-8760 hours); must exceed the longest consumer outage you want to survive."
  type        = number
  default     = 24
}

variable "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the stream."
  type        = string
}

variable "tags" {
  description = "Tags applied to every resource of this module."
  type        = map(string)
  default     = {}
}
