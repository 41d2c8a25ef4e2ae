variable "name_prefix" {
  description = "Prefix for resource names, e.g. tributary-dev."
  type        = string
}

variable "deletion_window_in_days" {
  description = "Days KMS waits before deleting the key after it is scheduled for deletion (7-30)."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags applied to every resource of this module."
  type        = map(string)
  default     = {}
}
