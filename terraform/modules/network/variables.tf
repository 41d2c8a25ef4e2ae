variable "name_prefix" {
  description = "Prefix for resource names, e.g. tributary-dev."
  type        = string
}

variable "cidr_block" {
  description = "CIDR block of the VPC; split into three private /20s and one public /20 (for a /16)."
  type        = string
  default     = "10.42.0.0/16"
}

variable "tags" {
  description = "Tags applied to every resource of this module."
  type        = map(string)
  default     = {}
}
