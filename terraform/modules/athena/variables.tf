variable "workgroup_name" {
  description = "Name of the Athena workgroup."
  type        = string
}

variable "results_bucket" {
  description = "Name of the Athena results bucket."
  type        = string
}

variable "results_prefix" {
  description = "Key prefix for query results in the results bucket, ending in a slash."
  type        = string
  default     = "results/"
}

variable "expected_bucket_owner" {
  description = "Account id that must own the results bucket."
  type        = string
}

variable "kms_key_arn" {
  description = "ARN of the KMS key that encrypts query results (SSE_KMS)."
  type        = string
}

variable "bytes_scanned_cutoff_per_query" {
  description = "Per-query scan limit in bytes (minimum 10485760); a query that scans more is cancelled."
  type        = number
  default     = 10737418240
}

variable "force_destroy" {
  description = "Allow terraform destroy to delete the workgroup together with its saved queries."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags applied to every resource of this module."
  type        = map(string)
  default     = {}
}
