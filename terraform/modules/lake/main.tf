# The lake's buckets. Every bucket gets the same controls: SSE-KMS with a bucket key, versioning, all four public
# access blocks, ownership enforced (no ACLs), a TLS-only bucket policy and a lifecycle rule set of its own.

data "aws_caller_identity" "current" {}

locals {
  buckets = {
    raw = {
      name = "${var.name_prefix}-raw-${data.aws_caller_identity.current.account_id}"
      # raw/events/dt=…/hour=…: infrequent access, then Glacier, then (optionally) expiry.
      transitions = [
        { days = var.raw_transition_ia_days, storage_class = "STANDARD_IA" },
        { days = var.raw_transition_glacier_days, storage_class = "GLACIER" },
      ]
      expiration_days = var.raw_expiration_days
    }
    curated = {
      name            = "${var.name_prefix}-curated-${data.aws_caller_identity.current.account_id}"
      transitions     = []
      expiration_days = 0
    }
    errors = {
      name            = "${var.name_prefix}-errors-${data.aws_caller_identity.current.account_id}"
      transitions     = []
      expiration_days = var.errors_expiration_days
    }
    athena_results = {
      name            = "${var.name_prefix}-athena-results-${data.aws_caller_identity.current.account_id}"
      transitions     = []
      expiration_days = var.athena_results_expiration_days
    }
    artifacts = {
      name            = "${var.name_prefix}-artifacts-${data.aws_caller_identity.current.account_id}"
      transitions     = []
      expiration_days = 0
    }
  }
}

resource "aws_s3_bucket" "this" {
  for_each = local.buckets

  bucket        = each.value.name
  force_destroy = var.force_destroy
  tags          = merge(var.tags, { zone = each.key })
}

resource "aws_s3_bucket_ownership_controls" "this" {
  for_each = aws_s3_bucket.this

  bucket = each.value.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each = aws_s3_bucket.this

  bucket                  = each.value.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = aws_s3_bucket.this

  bucket = each.value.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = aws_s3_bucket.this

  bucket = each.value.id
  versioning_configuration {
    status = "Enabled"
  }
}

data "aws_iam_policy_document" "tls_only" {
  for_each = aws_s3_bucket.this

  # A broad Deny is the safe direction: no request to this bucket over plain HTTP, whoever makes it.
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [each.value.arn, "${each.value.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  for_each = aws_s3_bucket.this

  bucket = each.value.id
  policy = data.aws_iam_policy_document.tls_only[each.key].json

  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  for_each = aws_s3_bucket.this

  bucket = each.value.id

  rule {
    id     = "${each.key}-lifecycle"
    status = "Enabled"

    filter {}

    dynamic "transition" {
      for_each = local.buckets[each.key].transitions
      content {
        days          = transition.value.days
        storage_class = transition.value.storage_class
      }
    }

    dynamic "expiration" {
      for_each = local.buckets[each.key].expiration_days > 0 ? [local.buckets[each.key].expiration_days] : []
      content {
        days = expiration.value
      }
    }

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}
