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

variable "kms_key_arn" {
  description = "ARN of the platform KMS key: it encrypts the Redshift secret and both buckets QuickSight's roles read."
  type        = string
}

variable "athena_workgroup_arn" {
  description = "ARN of the Athena workgroup the Athena data source queries through."
  type        = string
}

variable "catalog_arns" {
  description = "ARNs of the Glue catalog, database and tables the Athena data source may read."
  type        = list(string)
}

variable "curated_bucket_arn" {
  description = "ARN of the curated-zone bucket Athena reads for QuickSight."
  type        = string
}

variable "athena_results_bucket_arn" {
  description = "ARN of the bucket where the workgroup writes query results."
  type        = string
}

variable "service_role_name" {
  description = "Name of QuickSight's account-wide service role (created by QuickSight at sign-up); the Athena data source runs as it."
  type        = string
  default     = "aws-quicksight-service-role-v0"
}

variable "secrets_manager_role_name" {
  description = "Name of the role QuickSight reads data source secrets with (created by QuickSight when Secrets Manager access is turned on)."
  type        = string
  default     = "aws-quicksight-secretsmanager-role-v0"
}

variable "date_granularity" {
  description = "Time granularity of the date axis per dataset id of the definition; datasets not listed are drawn by HOUR."
  type        = map(string)
  default     = { minute_counts = "MINUTE" }
  validation {
    condition     = alltrue([for g in values(var.date_granularity) : contains(["SECOND", "MINUTE", "HOUR", "DAY", "WEEK", "MONTH"], g)])
    error_message = "date_granularity values must be one of SECOND, MINUTE, HOUR, DAY, WEEK, MONTH."
  }
}

variable "definition" {
  description = "The dashboard definition shared with the application's /dashboard page (src/main/resources/dashboard/definition.json, jsondecode'd by the root module): datasets (custom SQL and columns) and visuals."
  type = object({
    version = number
    datasets = list(object({
      id          = string
      title       = string
      source      = string
      sql         = string
      time_column = optional(string)
      columns = list(object({
        name = string
        type = string
      }))
    }))
    visuals = list(object({
      id      = string
      title   = string
      dataset = string
      kind    = string
      x       = string
      y       = string
      series  = optional(string)
      split   = optional(string)
    }))
  })

  validation {
    condition = (
      length(distinct([for d in var.definition.datasets : d.id])) == length(var.definition.datasets)
      && length(distinct([for v in var.definition.visuals : v.id])) == length(var.definition.visuals)
    )
    error_message = "Dataset ids and visual ids must each be unique."
  }
  validation {
    condition     = alltrue([for d in var.definition.datasets : contains(["redshift", "athena"], d.source)])
    error_message = "A dataset's source must be \"redshift\" or \"athena\" (the module's two data sources)."
  }
  validation {
    condition = alltrue(flatten([for d in var.definition.datasets : [
      for c in d.columns : contains(["STRING", "INTEGER", "DECIMAL", "DATETIME", "BIT", "BOOLEAN", "JSON"], c.type)
    ]]))
    error_message = "Column types must be QuickSight input column types: STRING, INTEGER, DECIMAL, DATETIME, BIT, BOOLEAN, JSON."
  }
  validation {
    condition     = alltrue([for v in var.definition.visuals : contains(["line", "bar", "pie"], v.kind)])
    error_message = "A visual's kind must be line, bar or pie."
  }
  validation {
    condition     = alltrue([for v in var.definition.visuals : contains([for d in var.definition.datasets : d.id], v.dataset)])
    error_message = "Every visual's dataset must be the id of a dataset in the definition."
  }
  validation {
    condition = alltrue([for v in var.definition.visuals : try(alltrue([
      for c in compact([v.x, v.y, v.series, v.split]) :
      contains([for col in one([for d in var.definition.datasets : d.columns if d.id == v.dataset]) : col.name], c)
    ]), false)])
    error_message = "A visual's x, y, series and split must be columns of its dataset."
  }
  validation {
    condition = alltrue([for v in var.definition.visuals : try(
      contains(["INTEGER", "DECIMAL"], one([for d in var.definition.datasets : one([for c in d.columns : c.type if c.name == v.y]) if d.id == v.dataset]))
      && !contains(["INTEGER", "DECIMAL", "JSON"], one([for d in var.definition.datasets : one([for c in d.columns : c.type if c.name == v.x]) if d.id == v.dataset])),
      false
    )])
    error_message = "A visual's y must be an INTEGER or DECIMAL column (it is summed) and its x a DATETIME or categorical column."
  }
  validation {
    condition     = alltrue([for v in var.definition.visuals : v.kind != "pie" || v.series == null])
    error_message = "A pie visual has no series (use split for small multiples)."
  }
}

variable "tags" {
  description = "Tags applied to every resource of this module."
  type        = map(string)
  default     = {}
}
