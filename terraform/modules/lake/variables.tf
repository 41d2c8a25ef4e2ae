variable "name_prefix" {
  description = "Prefix for bucket names; the account id is appended so names are globally unique."
  type        = string
}

variable "kms_key_arn" {
  description = "ARN of the KMS key for SSE-KMS default encryption of every bucket."
  type        = string
}

variable "force_destroy" {
  description = "Allow terraform destroy to delete non-empty buckets. Keep false outside sandboxes."
  type        = bool
  default     = false
}

variable "raw_transition_ia_days" {
  description = "Days after which raw-zone objects move to STANDARD_IA (minimum 30)."
  type        = number
  default     = 30
}

variable "raw_transition_glacier_days" {
  description = "Days after which raw-zone objects move to GLACIER (Flexible Retrieval)."
  type        = number
  default     = 90
}

variable "raw_expiration_days" {
  description = "Days after which raw-zone objects expire; 0 keeps them forever (in Glacier)."
  type        = number
  default     = 730
}

variable "errors_expiration_days" {
  description = "Days after which errors-zone objects expire."
  type        = number
  default     = 90
}

variable "athena_results_expiration_days" {
  description = "Days after which Athena query results expire."
  type        = number
  default     = 7
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which non-current object versions (overwritten replays, re-run partitions) expire."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags applied to every resource of this module."
  type        = map(string)
  default     = {}
}
