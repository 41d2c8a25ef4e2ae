# What QuickSight's own roles may read for these data sources (issue 9, item 7), nothing more.
#
# QuickSight does not take a role per Redshift or Athena data source from Terraform: it reads through two account-wide
# roles it creates itself. Terraform adds one inline policy to each, scoped to this deployment's resources:
#   - the Secrets Manager role (aws-quicksight-secretsmanager-role-v0), which reads a data source's secret whenever a
#     visual queries Redshift: GetSecretValue on the app secret, and Decrypt on the platform key through Secrets Manager;
#   - the service role (aws-quicksight-service-role-v0, or the role chosen at sign-up), which the Athena data source
#     runs as: queries in the platform workgroup, the Glue catalog of the lake, the curated zone, the results bucket,
#     and the platform key through S3 (both buckets are SSE-KMS).
# The Redshift network path (VPC connection role, security groups) is in main.tf.

data "aws_region" "current" {}

data "aws_iam_policy_document" "redshift_secret" {
  statement {
    sid       = "ReadRedshiftSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [var.redshift_secret_arn]
  }

  statement {
    sid       = "DecryptRedshiftSecret"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${data.aws_region.current.name}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "redshift_secret" {
  name   = "${var.name_prefix}-redshift-secret"
  role   = var.secrets_manager_role_name
  policy = data.aws_iam_policy_document.redshift_secret.json
}

data "aws_iam_policy_document" "athena_data_source" {
  statement {
    sid = "QueryThroughWorkgroup"
    actions = [
      "athena:GetQueryExecution",
      "athena:GetQueryResults",
      "athena:GetWorkGroup",
      "athena:StartQueryExecution",
      "athena:StopQueryExecution",
    ]
    resources = [var.athena_workgroup_arn]
  }

  statement {
    sid = "ReadCatalog"
    actions = [
      "glue:GetDatabase",
      "glue:GetDatabases",
      "glue:GetTable",
      "glue:GetTables",
    ]
    resources = var.catalog_arns
  }

  statement {
    sid       = "ListLakeBuckets"
    actions   = ["s3:GetBucketLocation", "s3:ListBucket"]
    resources = [var.curated_bucket_arn, var.athena_results_bucket_arn]
  }

  # Athena reads the curated zone with the caller's credentials.
  statement {
    sid       = "ReadCuratedZone"
    actions   = ["s3:GetObject"]
    resources = ["${var.curated_bucket_arn}/*"]
  }

  # Athena writes each query's result to the workgroup's enforced location, also as the caller.
  statement {
    sid = "AthenaResults"
    actions = [
      "s3:AbortMultipartUpload",
      "s3:GetObject",
      "s3:ListMultipartUploadParts",
      "s3:PutObject",
    ]
    resources = ["${var.athena_results_bucket_arn}/*"]
  }

  statement {
    sid       = "UsePlatformKeyThroughS3"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${data.aws_region.current.name}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "athena_data_source" {
  name   = "${var.name_prefix}-athena-data-source"
  role   = var.service_role_name
  policy = data.aws_iam_policy_document.athena_data_source.json
}
