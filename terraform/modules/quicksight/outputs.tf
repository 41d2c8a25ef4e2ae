output "athena_data_source_arn" {
  description = "ARN of the QuickSight Athena data source."
  value       = aws_quicksight_data_source.athena.arn
}

output "redshift_data_source_arn" {
  description = "ARN of the QuickSight Redshift data source."
  value       = aws_quicksight_data_source.redshift.arn
}

output "data_set_arns" {
  description = "ARNs of the QuickSight data sets by dataset id of the dashboard definition."
  value       = { for id, data_set in aws_quicksight_data_set.this : id => data_set.arn }
}

output "analysis_arn" {
  description = "ARN of the QuickSight analysis generated from the dashboard definition."
  value       = aws_quicksight_analysis.this.arn
}

output "dashboard_arn" {
  description = "ARN of the QuickSight dashboard published from the analysis."
  value       = aws_quicksight_dashboard.this.arn
}
