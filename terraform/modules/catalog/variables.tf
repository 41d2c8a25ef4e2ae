variable "contract_path" {
  description = "Path to the table contract JSON (src/main/resources/contract/events.contract.json at the repository root)."
  type        = string
}

variable "database_name" {
  description = "Name of the Glue database (lower_snake_case; Athena folds names to lower case)."
  type        = string
}

variable "raw_bucket" {
  description = "Name of the raw-zone bucket."
  type        = string
}

variable "raw_prefix" {
  description = "Key prefix of raw events inside the raw bucket, ending in a slash."
  type        = string
  default     = "raw/events/"
}

variable "curated_bucket" {
  description = "Name of the curated-zone bucket."
  type        = string
}

variable "curated_prefix" {
  description = "Key prefix of curated events inside the curated bucket, ending in a slash."
  type        = string
  default     = "curated/events/"
}

variable "projection_start_date" {
  description = "First date (yyyy-MM-dd) partition projection enumerates; queries before it see no partitions."
  type        = string
  default     = "2025-01-01"
}

variable "tags" {
  description = "Tags applied to every resource of this module."
  type        = map(string)
  default     = {}
}
