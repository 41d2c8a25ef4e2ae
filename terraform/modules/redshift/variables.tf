variable "name_prefix" {
  description = "Name of the namespace and workgroup, and prefix of the other resources."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the workgroup."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the workgroup (three, in different Availability Zones)."
  type        = list(string)
}

variable "client_security_group_ids" {
  description = "Security groups allowed to connect on the Redshift port, keyed by a static label (app, quicksight) so for_each keys are known at plan."
  type        = map(string)
  default     = {}
}

variable "port" {
  description = "Port the workgroup listens on."
  type        = number
  default     = 5439
}

variable "database_name" {
  description = "Name of the database created in the namespace."
  type        = string
  default     = "tributary"
}

variable "admin_username" {
  description = "Admin user name; its password is generated and rotated by Secrets Manager (manage_admin_password)."
  type        = string
  default     = "tributary_admin"
}

variable "app_username" {
  description = "Database user the application, the state machine and QuickSight connect as."
  type        = string
  default     = "tributary_app"
}

variable "base_capacity" {
  description = "Base capacity in Redshift Processing Units (8-512, in steps of 8)."
  type        = number
  default     = 8
}

variable "max_capacity" {
  description = "Upper bound in RPUs the workgroup may scale to; caps the bill."
  type        = number
  default     = 32
}

variable "copy_source_bucket_arn" {
  description = "ARN of the bucket Redshift may COPY from (the Athena results bucket holding hourly rollups)."
  type        = string
}

variable "kms_key_arn" {
  description = "ARN of the platform KMS key (namespace encryption, admin secret, app secret)."
  type        = string
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
