output "bucket_names" {
  description = "Bucket names by zone: raw, curated, errors, athena_results, artifacts."
  value       = { for zone, bucket in aws_s3_bucket.this : zone => bucket.id }
}

output "bucket_arns" {
  description = "Bucket ARNs by zone: raw, curated, errors, athena_results, artifacts."
  value       = { for zone, bucket in aws_s3_bucket.this : zone => bucket.arn }
}
