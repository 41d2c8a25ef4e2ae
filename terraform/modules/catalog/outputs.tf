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
  description = "Name of the curated-zone table."
  value       = aws_glue_catalog_table.curated.name
}

output "table_arns" {
  description = "ARNs of the raw and curated tables."
  value       = [aws_glue_catalog_table.raw.arn, aws_glue_catalog_table.curated.arn]
}

output "raw_location" {
  description = "S3 URI of the raw events prefix."
  value       = local.raw_location
}

output "curated_location" {
  description = "S3 URI of the curated events prefix."
  value       = local.curated_location
}
