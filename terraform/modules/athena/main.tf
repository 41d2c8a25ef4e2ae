resource "aws_athena_workgroup" "this" {
  name          = var.workgroup_name
  description   = "Tributary: hourly rollups and the ad-hoc query API over the curated zone."
  state         = "ENABLED"
  force_destroy = var.force_destroy

  configuration {
    # Clients cannot override the result location, the encryption or the scan limit.
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.bytes_scanned_cutoff_per_query
    requester_pays_enabled             = false

    engine_version {
      selected_engine_version = "Athena engine version 3"
    }

    result_configuration {
      output_location       = "s3://${var.results_bucket}/${var.results_prefix}"
      expected_bucket_owner = var.expected_bucket_owner

      encryption_configuration {
        encryption_option = "SSE_KMS"
        kms_key_arn       = var.kms_key_arn
      }
    }
  }

  tags = var.tags
}
