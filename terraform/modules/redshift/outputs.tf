output "namespace_name" {
  description = "Name of the Redshift Serverless namespace."
  value       = aws_redshiftserverless_namespace.this.namespace_name
}

output "namespace_arn" {
  description = "ARN of the Redshift Serverless namespace."
  value       = aws_redshiftserverless_namespace.this.arn
}

output "workgroup_name" {
  description = "Name of the Redshift Serverless workgroup."
  value       = aws_redshiftserverless_workgroup.this.workgroup_name
}

output "workgroup_arn" {
  description = "ARN of the Redshift Serverless workgroup."
  value       = aws_redshiftserverless_workgroup.this.arn
}

output "endpoint_address" {
  description = "Host name of the workgroup endpoint (private)."
  value       = aws_redshiftserverless_workgroup.this.endpoint[0].address
}

output "endpoint_port" {
  description = "Port of the workgroup endpoint."
  value       = aws_redshiftserverless_workgroup.this.endpoint[0].port
}

output "jdbc_url" {
  description = "JDBC URL for the Amazon Redshift driver."
  value       = "jdbc:redshift://${aws_redshiftserverless_workgroup.this.endpoint[0].address}:${aws_redshiftserverless_workgroup.this.endpoint[0].port}/${var.database_name}"
}

output "database_name" {
  description = "Name of the database."
  value       = var.database_name
}

output "admin_secret_arn" {
  description = "ARN of the Secrets Manager secret holding the admin password (managed by Redshift)."
  value       = aws_redshiftserverless_namespace.this.admin_password_secret_arn
}

output "app_secret_arn" {
  description = "ARN of the Secrets Manager secret holding the application user's credentials."
  value       = aws_secretsmanager_secret.app.arn
}

output "security_group_id" {
  description = "Security group of the workgroup."
  value       = aws_security_group.redshift.id
}

output "role_arn" {
  description = "ARN of the IAM role Redshift uses for COPY."
  value       = aws_iam_role.redshift.arn
}
