output "database_name" {
  description = "Name of the Glue database."
  value       = aws_glue_catalog_database.this.name
}

output "database_arn" {
  description = "ARN of the Glue database."
  value       = aws_glue_catalog_database.this.arn
}

output "raw_table_name" {
  description = "Name of the raw-zone table."
  value       = aws_glue_catalog_table.raw.name
}

output "curated_table_name" {
  description = "Name of the curated-zone Iceberg table (created and evolved by the Glue job)."
  value       = local.curated_table
}

output "curated_table_arn" {
  description = "ARN of the curated-zone Iceberg table (the job creates it; IAM names it before it exists)."
  value       = "arn:${data.aws_partition.current.partition}:glue:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:table/${aws_glue_catalog_database.this.name}/${local.curated_table}"
}

output "table_arns" {
  description = "ARNs of the raw and curated tables."
  value = [
    aws_glue_catalog_table.raw.arn,
    "arn:${data.aws_partition.current.partition}:glue:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:table/${aws_glue_catalog_database.this.name}/${local.curated_table}",
  ]
}

output "raw_location" {
  description = "S3 URI of the raw events prefix."
  value       = local.raw_location
}

output "curated_location" {
  description = "S3 URI of the curated events prefix."
  value       = local.curated_location
}
