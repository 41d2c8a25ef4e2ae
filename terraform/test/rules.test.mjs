// Each policy rule catches a bad snippet and lets the matching good one through.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkSnippet } from './lib/context.mjs';

const fails = async (ruleId, src, pattern) => {
  const violations = await checkSnippet(ruleId, src);
  assert.ok(violations.length > 0, `${ruleId} should reject:\n${typeof src === 'string' ? src : JSON.stringify(src)}`);
  if (pattern) assert.match(violations.join('\n'), pattern);
};
const passes = async (ruleId, src) => {
  assert.deepEqual(await checkSnippet(ruleId, src), []);
};

// A bucket with every control, to be broken one control at a time.
const bucket = ({ sse = 'aws:kms', pab = true, tls = true } = {}) => `
resource "aws_s3_bucket" "raw" {
  bucket = "raw"
}
resource "aws_s3_bucket_server_side_encryption_configuration" "raw" {
  bucket = aws_s3_bucket.raw.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "${sse}"
      kms_master_key_id = var.kms_key_arn
    }
  }
}
resource "aws_s3_bucket_public_access_block" "raw" {
  bucket                  = aws_s3_bucket.raw.id
  block_public_acls       = true
  block_public_policy     = ${pab}
  ignore_public_acls      = true
  restrict_public_buckets = true
}
data "aws_iam_policy_document" "tls" {
  statement {
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.raw.arn, "\${aws_s3_bucket.raw.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "${tls ? 'aws:SecureTransport' : 'aws:MultiFactorAuthPresent'}"
      values   = ["false"]
    }
  }
}
resource "aws_s3_bucket_policy" "raw" {
  bucket = aws_s3_bucket.raw.id
  policy = data.aws_iam_policy_document.tls.json
}
`;

describe('bucket-encryption', () => {
  it('accepts SSE-KMS with a key', () => passes('bucket-encryption', bucket()));
  it('rejects SSE-S3 (AES256)', () => fails('bucket-encryption', bucket({ sse: 'AES256' }), /aws_s3_bucket\.raw/));
  it('rejects a bucket with no encryption configuration', () =>
    fails('bucket-encryption', 'resource "aws_s3_bucket" "lonely" {\n  bucket = "x"\n}\n', /aws_s3_bucket\.lonely/));
  it('rejects encryption configured for another bucket', () =>
    fails('bucket-encryption', bucket().replace('"aws_s3_bucket" "raw" {', '"aws_s3_bucket" "other" {\n  bucket = "o"\n}\nresource "aws_s3_bucket" "raw2" {'), /raw2|other/));
  it('accepts controls written with for_each over the bucket resource', () => passes('bucket-encryption', `
resource "aws_s3_bucket" "this" {
  for_each = toset(["a", "b"])
  bucket   = each.key
}
resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = aws_s3_bucket.this
  bucket   = each.value.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.key
    }
  }
}
`));
});

describe('bucket-public-access-block', () => {
  it('accepts all four settings true', () => passes('bucket-public-access-block', bucket()));
  it('rejects a block with one setting false', () => fails('bucket-public-access-block', bucket({ pab: false }), /block_public_policy/));
  it('rejects a bucket without a public access block', () =>
    fails('bucket-public-access-block', 'resource "aws_s3_bucket" "open" {\n  bucket = "x"\n}\n', /aws_s3_bucket\.open/));
});

describe('bucket-tls-only', () => {
  it('accepts a Deny on aws:SecureTransport = false', () => passes('bucket-tls-only', bucket()));
  it('rejects a policy that does not deny insecure transport', () => fails('bucket-tls-only', bucket({ tls: false }), /SecureTransport/));
  it('accepts an inline jsonencode TLS-only policy', () => passes('bucket-tls-only', `
resource "aws_s3_bucket" "b" {
  bucket = "b"
}
resource "aws_s3_bucket_policy" "b" {
  bucket = aws_s3_bucket.b.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.b.arn, "\${aws_s3_bucket.b.arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}
`));
  it('rejects a bucket with no bucket policy', () => fails('bucket-tls-only', 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'));
});

describe('iam-no-star-action', () => {
  const doc = (actions) => `
data "aws_iam_policy_document" "p" {
  statement {
    actions   = ${actions}
    resources = [aws_s3_bucket.b.arn]
  }
}
`;
  it('accepts explicit actions', () => passes('iam-no-star-action', doc('["s3:GetObject", "s3:PutObject"]')));
  it('rejects "*" in a policy document', () => fails('iam-no-star-action', doc('["*"]'), /wildcard action "\*"/));
  it('rejects "service:*" in a policy document', () => fails('iam-no-star-action', doc('["s3:GetObject", "kinesis:*"]'), /kinesis:\*/));
  it('rejects a non-literal action', () => fails('iam-no-star-action', doc('var.actions'), /not a literal/));
  it('rejects "*" in an inline jsonencode role policy', () => fails('iam-no-star-action', `
resource "aws_iam_role_policy" "p" {
  role = aws_iam_role.r.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = aws_s3_bucket.b.arn }]
  })
}
`, /aws_iam_role_policy\.p\.policy/));
  it('rejects "service:*" in an inline policy of a role', () => fails('iam-no-star-action', `
resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
  inline_policy {
    name = "p"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = ["sqs:*"], Resource = aws_sqs_queue.q.arn }]
    })
  }
}
`, /sqs:\*/));
  it('rejects NotAction on an Allow statement', () => fails('iam-no-star-action', `
data "aws_iam_policy_document" "p" {
  statement {
    not_actions = ["iam:CreateUser"]
    resources   = [aws_s3_bucket.b.arn]
  }
}
`, /NotAction/));
  it('rejects dynamic statements it cannot see into', () => fails('iam-no-star-action', `
data "aws_iam_policy_document" "p" {
  dynamic "statement" {
    for_each = var.statements
    content {
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}
`, /dynamic/));
  it('allows a wildcard in a Deny statement (denying broadly is the safe direction)', () =>
    passes('iam-no-star-action', bucket()));
});

describe('iam-star-resource-marked', () => {
  it('rejects "*" resource without the marker comment', () => fails('iam-star-resource-marked', `
data "aws_iam_policy_document" "p" {
  statement {
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]
  }
}
`, /main\.tf:5/));
  it('accepts "*" resource with the marker and a reason on the line before', () => passes('iam-star-resource-marked', `
data "aws_iam_policy_document" "p" {
  statement {
    actions = ["cloudwatch:PutMetricData"]
    # policy-allow-star-resource: cloudwatch:PutMetricData has no resource-level permissions
    resources = ["*"]
  }
}
`));
  it('rejects a marker without a reason', () => fails('iam-star-resource-marked', `
data "aws_iam_policy_document" "p" {
  statement {
    actions = ["cloudwatch:PutMetricData"]
    # policy-allow-star-resource:
    resources = ["*"]
  }
}
`));
  it('rejects a marker that is not on the line right before', () => fails('iam-star-resource-marked', `
data "aws_iam_policy_document" "p" {
  statement {
    # policy-allow-star-resource: far away
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]
  }
}
`));
  it('rejects "*" resource in an inline jsonencode policy', () => fails('iam-star-resource-marked', `
resource "aws_iam_role_policy" "p" {
  role = aws_iam_role.r.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }]
  })
}
`));
  it('rejects "*" hidden in a multi-line resources list', () => fails('iam-star-resource-marked', `
data "aws_iam_policy_document" "p" {
  statement {
    actions = ["s3:GetObject"]
    resources = [
      aws_s3_bucket.b.arn,
      "*",
    ]
  }
}
`, /single-line/));
  it('accepts scoped resources', () => passes('iam-star-resource-marked', `
data "aws_iam_policy_document" "p" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["\${aws_s3_bucket.b.arn}/*"]
  }
}
`));
});

describe('variables-typed-described', () => {
  it('accepts a typed, described variable', () => passes('variables-typed-described', `
variable "compute" {
  description = "lambda or ecs"
  type        = string
}
`));
  it('rejects a variable without type', () =>
    fails('variables-typed-described', 'variable "x" {\n  description = "x"\n}\n', /"x" has no type/));
  it('rejects a variable without description', () =>
    fails('variables-typed-described', 'variable "y" {\n  type = number\n}\n', /"y" has no description/));
  it('rejects an empty description', () =>
    fails('variables-typed-described', 'variable "z" {\n  type        = number\n  description = " "\n}\n', /"z" has no description/));
});

describe('kinesis-encrypted', () => {
  const stream = (extra) => `
resource "aws_kinesis_stream" "s" {
  name = "s"
${extra}
}
`;
  it('accepts KMS with a key', () => passes('kinesis-encrypted', stream('  encryption_type = "KMS"\n  kms_key_id = var.key')));
  it('rejects a stream without encryption', () => fails('kinesis-encrypted', stream(''), /encryption_type/));
  it('rejects encryption_type = "NONE"', () => fails('kinesis-encrypted', stream('  encryption_type = "NONE"\n  kms_key_id = var.key'), /encryption_type/));
  it('rejects KMS without a key id', () => fails('kinesis-encrypted', stream('  encryption_type = "KMS"'), /kms_key_id/));
});

describe('redshift-encrypted', () => {
  it('accepts a namespace with kms_key_id', () => passes('redshift-encrypted', `
resource "aws_redshiftserverless_namespace" "n" {
  namespace_name = "n"
  kms_key_id     = var.key
}
`));
  it('rejects a namespace without kms_key_id', () => fails('redshift-encrypted', `
resource "aws_redshiftserverless_namespace" "n" {
  namespace_name = "n"
}
`, /aws_redshiftserverless_namespace\.n/));
  it('rejects a namespace on the AWS-owned key', () => fails('redshift-encrypted', `
resource "aws_redshiftserverless_namespace" "n" {
  namespace_name = "n"
  kms_key_id     = "AWS_OWNED_KMS_KEY"
}
`));
  it('rejects an unencrypted provisioned cluster', () => fails('redshift-encrypted', `
resource "aws_redshift_cluster" "c" {
  cluster_identifier = "c"
  encrypted          = false
}
`, /aws_redshift_cluster\.c/));
});

describe('redshift-not-public', () => {
  it('accepts publicly_accessible = false', () => passes('redshift-not-public', `
resource "aws_redshiftserverless_workgroup" "w" {
  workgroup_name      = "w"
  publicly_accessible = false
}
`));
  it('rejects publicly_accessible = true', () => fails('redshift-not-public', `
resource "aws_redshiftserverless_workgroup" "w" {
  workgroup_name      = "w"
  publicly_accessible = true
}
`, /publicly_accessible/));
  it('rejects a workgroup that leaves it unset', () => fails('redshift-not-public', `
resource "aws_redshiftserverless_workgroup" "w" {
  workgroup_name = "w"
}
`));
  it('rejects a publicly accessible provisioned cluster', () => fails('redshift-not-public', `
resource "aws_redshift_cluster" "c" {
  cluster_identifier = "c"
}
`));
});

describe('glue-tables-match-contract', () => {
  const table = ({ name = 'raw', source = '${path.root}/../src/main/resources/contract/events.contract.json', section = 'raw', cols, extraParams = '' } = {}) => `
locals {
  contract = jsondecode(file("${source}"))
}
resource "aws_glue_catalog_table" "${name}" {
  name          = "events_${name}"
  database_name = "db"
  parameters = {
    "projection.enabled"        = "true"
    "projection.dt.type"        = "date"
    "projection.hour.type"      = "integer"
    "storage.location.template" = "s3://b/raw/events/dt=$\${dt}/hour=$\${hour}/"
${extraParams}
  }
  dynamic "partition_keys" {
    for_each = local.contract.${section}.partition_keys
    content {
      name = partition_keys.value.name
      type = partition_keys.value.type
    }
  }
  storage_descriptor {
    location = "s3://b/raw/events/"
${cols ?? `    dynamic "columns" {
      for_each = local.contract.${section}.columns
      content {
        name = columns.value.name
        type = columns.value.type
      }
    }`}
  }
}
`;
  it('accepts columns and partition keys read from the contract', () => passes('glue-tables-match-contract', table()));
  it('rejects a table reading another JSON file', () =>
    fails('glue-tables-match-contract', table({ source: '${path.root}/test/package.json' }), /not the table contract/));
  it('rejects a raw table reading the curated section', () =>
    fails('glue-tables-match-contract', table({ section: 'curated' }), /expected raw\.columns/));
  it('rejects hand-typed columns that differ from the contract', () => fails('glue-tables-match-contract', table({
    cols: `    columns {
      name = "event_id"
      type = "string"
    }
    columns {
      name = "user_id"
      type = "string"
    }`,
  }), /columns differ/));
  it('rejects a hand-typed column with the wrong type', async () => {
    const { loadContext } = await import('./lib/context.mjs');
    const cols = loadContext().contract.raw.columns
      .map((c) => `    columns {\n      name = "${c.name}"\n      type = "${c.name === 'event_hour' ? 'string' : c.type}"\n    }`).join('\n');
    await fails('glue-tables-match-contract', table({ cols }), /columns differ/);
  });
  it('accepts hand-typed columns equal to the contract', async () => {
    const { loadContext } = await import('./lib/context.mjs');
    const cols = loadContext().contract.raw.columns
      .map((c) => `    columns {\n      name = "${c.name}"\n      type = "${c.type}"\n    }`).join('\n');
    await passes('glue-tables-match-contract', table({ cols }));
  });
  it('rejects a dynamic block that renames or retypes what it reads', () => fails('glue-tables-match-contract', table({
    cols: `    dynamic "columns" {
      for_each = local.contract.raw.columns
      content {
        name = columns.value.name
        type = "string"
      }
    }`,
  }), /must map/));
  it('rejects a table without partition projection', () => fails('glue-tables-match-contract',
    table().replace('"projection.enabled"        = "true"', '"projection.enabled"        = "false"'), /projection\.enabled/));
  it('rejects a table that is not a contract section', () =>
    fails('glue-tables-match-contract', table({ name: 'clicks' }), /contract section/));
});

describe('lambda-kinesis-never-skips', () => {
  // A mapping that never skips, to be broken one setting at a time.
  const mapping = ({
    responseTypes = '["ReportBatchItemFailures"]', destination = true, retries = 'var.maximum_retry_attempts',
    age = 'var.maximum_record_age_in_seconds', retryDefault = -1, validated = true,
  } = {}) => `
variable "maximum_retry_attempts" {
  description = "retries"
  type        = number
  default     = ${retryDefault}
${validated ? `  validation {
    condition     = var.maximum_retry_attempts >= -1 && var.maximum_retry_attempts <= 10000
    error_message = "out of range"
  }` : ''}
}
variable "maximum_record_age_in_seconds" {
  description = "age"
  type        = number
  default     = -1
  validation {
    condition     = var.maximum_record_age_in_seconds == -1 || (var.maximum_record_age_in_seconds >= 60 && var.maximum_record_age_in_seconds <= 604800)
    error_message = "out of range"
  }
}
resource "aws_lambda_event_source_mapping" "kinesis" {
  event_source_arn        = var.stream_arn
  function_name           = var.function_arn
  starting_position       = "TRIM_HORIZON"
  function_response_types = ${responseTypes}
${retries === null ? '' : `  maximum_retry_attempts = ${retries}`}
${age === null ? '' : `  maximum_record_age_in_seconds = ${age}`}
${destination ? `  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.on_failure.arn
    }
  }` : ''}
}
`;
  it('accepts -1/-1 from validated variables, partial batch responses and an on-failure destination', () =>
    passes('lambda-kinesis-never-skips', mapping()));
  it('accepts literal -1 values', () => passes('lambda-kinesis-never-skips', mapping({ retries: '-1', age: '-1' })));
  it('rejects a mapping without ReportBatchItemFailures', () =>
    fails('lambda-kinesis-never-skips', mapping({ responseTypes: '[]' }), /ReportBatchItemFailures/));
  it('rejects a mapping without an on-failure destination', () =>
    fails('lambda-kinesis-never-skips', mapping({ destination: false }), /on_failure/));
  it('rejects a finite retry default (the old 10)', () =>
    fails('lambda-kinesis-never-skips', mapping({ retryDefault: 10 }), /maximum_retry_attempts defaults to 10/));
  it('rejects a finite literal record age', () =>
    fails('lambda-kinesis-never-skips', mapping({ age: '86400' }), /maximum_record_age_in_seconds defaults to 86400/));
  it('rejects leaving the retries unset', () =>
    fails('lambda-kinesis-never-skips', mapping({ retries: null }), /maximum_retry_attempts is not set/));
  it('rejects a variable without a validation block', () =>
    fails('lambda-kinesis-never-skips', mapping({ validated: false }), /"maximum_retry_attempts" .*no validation block/));
});
