output "athena_data_source_arn" {
  description = "ARN of the QuickSight Athena data source."
  value       = aws_quicksight_data_source.athena.arn
}

output "redshift_data_source_arn" {
  description = "ARN of the QuickSight Redshift data source."
  value       = aws_quicksight_data_source.redshift.arn
}
