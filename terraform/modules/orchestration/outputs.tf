output "state_machine_arn" {
  description = "ARN of the hour pipeline state machine."
  value       = aws_sfn_state_machine.this.arn
}

output "state_machine_name" {
  description = "Name of the hour pipeline state machine."
  value       = aws_sfn_state_machine.this.name
}

output "role_arn" {
  description = "ARN of the state machine's IAM role."
  value       = aws_iam_role.sfn.arn
}

output "schedule_name" {
  description = "Name of the hourly EventBridge Scheduler schedule, or null without one."
  value       = var.enable_schedule ? aws_scheduler_schedule.hourly[0].name : null
}
