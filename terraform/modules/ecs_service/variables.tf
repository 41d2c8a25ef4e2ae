variable "name_prefix" {
  description = "Name of the cluster, service, task family and ECR repository."
  type        = string
}

variable "container_image" {
  description = "Full image reference; empty uses the ECR repository created here with image_tag."
  type        = string
  default     = ""
}

variable "image_tag" {
  description = "Tag of the image in the created ECR repository."
  type        = string
  default     = "latest"
}

variable "force_delete_repository" {
  description = "Allow terraform destroy to delete the ECR repository with its images."
  type        = bool
  default     = false
}

variable "cpu" {
  description = "Task CPU units (1024 = 1 vCPU)."
  type        = number
  default     = 1024
}

variable "memory_mb" {
  description = "Task memory in MiB."
  type        = number
  default     = 2048
}

variable "cpu_architecture" {
  description = "X86_64 or ARM64; must match the image."
  type        = string
  default     = "X86_64"
}

variable "container_port" {
  description = "HTTP port of the application (ingest, query API, health)."
  type        = number
  default     = 8080
}

variable "health_check_command" {
  description = "Container health check command; probes the Quarkus liveness endpoint /q/health/live. The image must contain the tool it uses."
  type        = list(string)
  default     = ["CMD-SHELL", "curl -fsS http://localhost:8080/q/health/live || exit 1"]
}

variable "stop_timeout_seconds" {
  description = "Seconds between SIGTERM and SIGKILL (Fargate maximum 120); covers the graceful flush."
  type        = number
  default     = 120
}

variable "environment" {
  description = "Environment variables of the application (from the app module)."
  type        = map(string)
}

variable "secrets" {
  description = "Environment variables ECS injects from Secrets Manager at task start: name -> valueFrom (a secret ARN, or \"<secret ARN>:<JSON key>::\" for one key of a JSON secret)."
  type        = map(string)
}

variable "app_policy_json" {
  description = "The application's IAM policy (from the app module), attached to the task role."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the tasks."
  type        = list(string)
}

variable "security_group_ids" {
  description = "Security groups of the tasks."
  type        = list(string)
}

variable "stream_name" {
  description = "Name of the Kinesis stream whose iterator age drives autoscaling."
  type        = string
}

variable "min_capacity" {
  description = "Minimum (and initial) number of tasks."
  type        = number
  default     = 1
}

variable "max_capacity" {
  description = "Maximum number of tasks; the KCL spreads shard leases over the tasks, so tasks beyond the shard count hold no lease and stand by."
  type        = number
  default     = 4
}

variable "target_iterator_age_ms" {
  description = "Target for GetRecords.IteratorAgeMilliseconds (Maximum) that target tracking holds."
  type        = number
  default     = 60000
}

variable "kms_key_arn" {
  description = "ARN of the platform KMS key (ECR, logs)."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the service's log group."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags applied to every resource of this module."
  type        = map(string)
  default     = {}
}
