output "job_name" {
  description = "Name of the Glue job."
  value       = aws_glue_job.this.name
}

output "job_arn" {
  description = "ARN of the Glue job."
  value       = aws_glue_job.this.arn
}

output "role_arn" {
  description = "ARN of the Glue job's IAM role."
  value       = aws_iam_role.glue.arn
}

output "artifacts_uploaded" {
  description = "Whether the jar and the entry script were found locally and uploaded in this apply."
  value       = { jar = local.jar_exists, entry_script = local.script_exists }
}
