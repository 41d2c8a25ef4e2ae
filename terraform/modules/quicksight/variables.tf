variable "name_prefix" {
  description = "Prefix of the data source ids and names."
  type        = string
}

variable "owner_principal_arn" {
  description = "QuickSight user or group ARN granted ownership of the data sources; null grants none."
  type        = string
  default     = null
}

variable "vpc_id" {
  description = "VPC of the Redshift workgroup."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for QuickSight's network interfaces."
  type        = list(string)
}

variable "athena_workgroup_name" {
  description = "Athena workgroup QuickSight queries through."
  type        = string
}

variable "redshift_host" {
  description = "Host name of the Redshift workgroup endpoint."
  type        = string
}

variable "redshift_port" {
  description = "Port of the Redshift workgroup endpoint."
  type        = number
}

variable "redshift_database_name" {
  description = "Redshift database with the aggregates."
  type        = string
}

variable "redshift_secret_arn" {
  description = "ARN of the secret with the Redshift credentials QuickSight uses."
  type        = string
}

variable "redshift_security_group_id" {
  description = "Security group of the Redshift workgroup."
  type        = string
}

variable "tags" {
  description = "Tags applied to every resource of this module."
  type        = map(string)
  default     = {}
}
