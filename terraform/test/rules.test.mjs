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

describe('curated-zone-is-iceberg', () => {
  const job = ({ formats = '"iceberg"', conf = '"spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions"',
    catalog = '"glue"', table = '"lake.events"', extra = '' } = {}) => `
resource "aws_glue_job" "curate" {
  name     = "curate"
  role_arn = "arn:aws:iam::123456789012:role/glue"
  command {
    script_location = "s3://a/GlueEntry.scala"
  }
  default_arguments = {
    "--datalake-formats" = ${formats}
    "--conf"             = ${conf}
    "--iceberg_catalog"  = ${catalog}
    "--curated_table"    = ${table}
  }
}
${extra}`;
  it('accepts a job with Glue\'s Iceberg, the extensions, the Glue catalog and a table', () => passes('curated-zone-is-iceberg', job()));
  it('rejects a job without --datalake-formats iceberg', () => fails('curated-zone-is-iceberg', job({ formats: '"delta"' }), /datalake-formats/));
  it('rejects a job without the Iceberg SQL extensions', () => fails('curated-zone-is-iceberg', job({ conf: '"spark.x=y"' }), /IcebergSparkSessionExtensions/));
  it('rejects a job on another Iceberg catalog', () => fails('curated-zone-is-iceberg', job({ catalog: '"hadoop"' }), /iceberg_catalog/));
  it('rejects a declared curated Glue table with projection', () => fails('curated-zone-is-iceberg', job({ extra: `
resource "aws_glue_catalog_table" "curated" {
  name          = "events"
  database_name = "db"
  parameters = {
    "projection.enabled" = "true"
  }
  storage_descriptor {
    location = "s3://b/curated/events/"
  }
}` }), /declare no Glue table for it \(and no partition projection\)/));
  it('rejects a role that may delete Glue tables', () => fails('curated-zone-is-iceberg', job({ extra: `
data "aws_iam_policy_document" "glue" {
  statement {
    actions   = ["glue:UpdateTable", "glue:DeleteTable"]
    resources = ["arn:aws:glue:eu-west-1:123456789012:table/db/events"]
  }
}` }), /may delete Glue tables/));
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

// --- QuickSight: the dashboard definition and the grants of QuickSight's roles --------------------------------------

// A module that reads the real definition file and renders it like modules/quicksight/dashboard.tf, in short.
const fieldWell = (well, role, it = 'v') => `
                    dynamic "${well}" {
                      for_each = ${it}.value.${role} == null ? [] : [${it}.value]
                      iterator = f
                      content {
                        categorical_dimension_field {
                          field_id = "\${f.value.id}.${role}"
                          column {
                            data_set_identifier = f.value.dataset
                            column_name         = f.value.${role}
                          }
                        }
                      }
                    }`;
const chart = (kind, block, wells, { visualId = 'v.value.id' } = {}) => `
          dynamic "${block}" {
            for_each = visual.value.kind == "${kind}" ? [visual.value] : []
            iterator = v
            content {
              visual_id = ${visualId}
              title {
                format_text {
                  plain_text = v.value.title
                }
              }
              chart_configuration {
                field_wells {
                  ${kind}_chart_aggregated_field_wells {${fieldWell('category', 'x')}
                    values {
                      numerical_measure_field {
                        field_id = "\${v.value.id}.y"
                        column {
                          data_set_identifier = v.value.dataset
                          column_name         = v.value.y
                        }
                      }
                    }${wells.map(([w, r]) => fieldWell(w, r)).join('')}
                  }
                }
              }
            }
          }`;
const quicksight = ({
  file = 'dashboard/definition.json', sql = 'each.value.sql', columns = null, pie = true, visualId, swapXY = false,
} = {}) => {
  const columnsBlock = columns ?? `
      dynamic "columns" {
        for_each = each.value.columns
        content {
          name = columns.value.name
          type = columns.value.type
        }
      }`;
  let charts = chart('line', 'line_chart_visual', [['colors', 'series'], ['small_multiples', 'split']], { visualId })
    + chart('bar', 'bar_chart_visual', [['colors', 'series'], ['small_multiples', 'split']])
    + (pie ? chart('pie', 'pie_chart_visual', [['small_multiples', 'split']]) : '');
  if (swapXY) charts = charts.replace('column_name         = f.value.x', 'column_name         = f.value.y');
  return `
locals {
  definition = jsondecode(file("\${path.root}/../src/main/resources/${file}"))
  data_sets  = { for d in local.definition.datasets : d.id => d }
}
resource "aws_quicksight_data_set" "this" {
  for_each    = local.data_sets
  data_set_id = "x-\${each.value.id}"
  physical_table_map {
    custom_sql {
      sql_query = ${sql}${columnsBlock}
    }
  }
}
resource "aws_quicksight_analysis" "this" {
  definition {
    dynamic "data_set_identifiers_declarations" {
      for_each = aws_quicksight_data_set.this
      iterator = ds
      content {
        identifier   = ds.key
        data_set_arn = ds.value.arn
      }
    }
    sheets {
      dynamic "visuals" {
        for_each = local.definition.visuals
        iterator = visual
        content {${charts}
        }
      }
    }
  }
}
`;
};

describe('quicksight-matches-dashboard-definition', () => {
  const id = 'quicksight-matches-dashboard-definition';
  it('accepts data sets and visuals generated from the definition file', () => passes(id, quicksight()));
  it('rejects a definition read from another file', () =>
    fails(id, quicksight({ file: 'contract/events.contract.json' }), /not .*dashboard\/definition\.json/));
  it('rejects a data set whose SQL is not the definition\'s', () =>
    fails(id, quicksight({ sql: '"SELECT 1 AS events"' }), /dataset "minute_counts" renders .*SELECT 1/));
  it('rejects columns typed by hand that differ from the definition', () =>
    fails(id, quicksight({ columns: '\n      columns {\n        name = "events"\n        type = "DECIMAL"\n      }' }), /renders .*DECIMAL/));
  it('rejects a definition kind that no visual block renders', () =>
    fails(id, quicksight({ pie: false }), /visual "device_mix": 0 visual blocks render kind "pie"/));
  it('rejects a visual_id that is not the definition\'s id', () =>
    fails(id, quicksight({ visualId: 'v.value.title' }), /visual "events_per_minute" renders visual_id "Events per minute by event type"/));
  it('rejects columns in the wrong field well', () =>
    fails(id, quicksight({ swapXY: true }), /visual "events_per_minute" puts columns/));
  it('rejects visuals written out statically', () =>
    fails(id, quicksight().replace('dynamic "visuals" {', 'visuals {\n        line_chart_visual {\n          visual_id = "x"\n        }\n      }\n      dynamic "visuals" {'), /one dynamic "visuals" block/));
});

// QuickSight's data sources and the inline policies on QuickSight's own roles, as in modules/quicksight/iam.tf.
const quicksightGrants = ({
  secretResource = 'var.redshift_secret_arn', secretVia = 'secretsmanager', s3Via = 's3', athenaRole = 'var.service_role_name',
  workgroupResource = 'var.athena_workgroup_arn',
} = {}) => `
resource "aws_quicksight_data_source" "redshift" {
  type = "REDSHIFT"
  credentials {
    secret_arn = var.redshift_secret_arn
  }
}
resource "aws_quicksight_data_source" "athena" {
  type = "ATHENA"
}
data "aws_iam_policy_document" "secret" {
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [${secretResource}]
  }
  statement {
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["${secretVia}.eu-west-1.amazonaws.com"]
    }
  }
}
resource "aws_iam_role_policy" "secret" {
  role   = var.secrets_manager_role_name
  policy = data.aws_iam_policy_document.secret.json
}
data "aws_iam_policy_document" "athena" {
  statement {
    actions   = ["athena:GetQueryExecution", "athena:GetQueryResults", "athena:StartQueryExecution"]
    resources = [${workgroupResource}]
  }
  statement {
    actions   = ["glue:GetDatabase", "glue:GetPartitions", "glue:GetTable"]
    resources = var.catalog_arns
  }
  statement {
    actions   = ["s3:GetBucketLocation", "s3:ListBucket"]
    resources = [var.curated_bucket_arn, var.athena_results_bucket_arn]
  }
  statement {
    actions   = ["s3:GetObject"]
    resources = ["\${var.curated_bucket_arn}/*"]
  }
  statement {
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["\${var.athena_results_bucket_arn}/*"]
  }
  statement {
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["${s3Via}.eu-west-1.amazonaws.com"]
    }
  }
}
resource "aws_iam_role_policy" "athena" {
  role   = ${athenaRole}
  policy = data.aws_iam_policy_document.athena.json
}
`;

describe('quicksight-roles-grant-data-sources', () => {
  const id = 'quicksight-roles-grant-data-sources';
  it('accepts the secret, its key via Secrets Manager, and the Athena path on one role each', () => passes(id, quicksightGrants()));
  it('rejects data sources whose reads no role is granted (main before issue 9 item 7)', () =>
    fails(id, quicksightGrants().replace(/data "aws_iam_policy_document"[\s\S]*$/, ''), /aws_quicksight_data_source\.redshift: no role .*read the data source secret/));
  it('rejects the secret granted on "*" instead of its ARN', () =>
    fails(id, quicksightGrants({ secretResource: '"*"' }), /redshift: .*read the data source secret/));
  it('rejects a key grant that is not limited to Secrets Manager', () =>
    fails(id, quicksightGrants({ secretVia: 's3' }), /redshift: .*only through Secrets Manager/));
  it('rejects the lake key without kms:ViaService s3', () =>
    fails(id, quicksightGrants({ s3Via: 'athena' }), /athena: .*only through S3/));
  it('rejects queries allowed in any workgroup', () =>
    fails(id, quicksightGrants({ workgroupResource: '"*"' }), /athena: .*run queries in the workgroup/));
  it('rejects an Athena data source whose needs are split over two roles', () =>
    fails(id, quicksightGrants().replace(
      'resource "aws_iam_role_policy" "athena" {',
      'data "aws_iam_policy_document" "results" {\n  statement {\n    actions   = ["s3:GetObject", "s3:PutObject"]\n    resources = ["${var.athena_results_bucket_arn}/*"]\n  }\n}\nresource "aws_iam_role_policy" "athena" {',
    ).replace(/  statement \{\n    actions   = \["s3:GetObject", "s3:PutObject"\]\n    resources = \["\$\{var\.athena_results_bucket_arn\}\/\*"\]\n  \}\n  statement \{\n    actions   = \["kms/, '  statement {\n    actions   = ["kms')
      + 'resource "aws_iam_role_policy" "results" {\n  role   = "other"\n  policy = data.aws_iam_policy_document.results.json\n}\n', /athena: .*write query results/));
});
