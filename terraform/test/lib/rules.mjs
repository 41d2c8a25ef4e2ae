// The platform's offline policy rules. Each rule takes a loaded tree (see hcl.mjs) and returns violations as
// strings naming the file and the block, so a failing test says exactly what to fix.
import fs from 'node:fs';
import path from 'node:path';
import {
  allBlocks, asList, blocksOf, decodeJsonencode, exprOf, first, isExpression, jsonFileOfLocal, localsOf, moduleCallsOf,
  variablesOf,
} from './hcl.mjs';
import { quicksightMatchesDefinition, quicksightRolesGrantDataSources } from './quicksight.mjs';

export const STAR_MARKER = 'policy-allow-star-resource:';

const rel = (tree, file) => path.relative(tree.rootDir, file.path) || path.basename(file.path);

// --- S3 buckets ----------------------------------------------------------------------------------------------------

/** Does a bucket-control resource (encryption, public access block, policy) apply to bucket resource `name`? */
function targetsBucket(body, name) {
  const bucketExpr = String(body.bucket ?? '');
  const ref = new RegExp(`aws_s3_bucket\\.${name}(\\.|\\[)`);
  if (ref.test(bucketExpr)) return true;
  // for_each over the bucket resource itself: bucket = each.value.id / each.value.bucket
  const forEach = exprOf(body.for_each) ?? '';
  return forEach === `aws_s3_bucket.${name}` && /each\.value\.(id|bucket)/.test(bucketExpr);
}

function controlsFor(mod, type, bucketName) {
  return blocksOf(mod, type).filter((b) => targetsBucket(b.body, bucketName));
}

function bucketRule(id, description, hasControl) {
  return {
    id,
    description,
    async check(tree) {
      const violations = [];
      for (const mod of tree.modules) {
        for (const bucket of blocksOf(mod, 'aws_s3_bucket')) {
          const problem = hasControl(mod, bucket.name);
          if (problem) violations.push(`${rel(tree, bucket.file)}: aws_s3_bucket.${bucket.name}: ${problem}`);
        }
      }
      return violations;
    },
  };
}

const bucketEncryption = bucketRule(
  'bucket-encryption',
  'every S3 bucket has default SSE-KMS encryption with a KMS key',
  (mod, name) => {
    const ok = controlsFor(mod, 'aws_s3_bucket_server_side_encryption_configuration', name).some((c) =>
      asList(c.body.rule).some((r) => {
        const d = first(r.apply_server_side_encryption_by_default);
        return d && ['aws:kms', 'aws:kms:dsse'].includes(d.sse_algorithm) && Boolean(d.kms_master_key_id);
      }));
    return ok ? null : 'no aws_s3_bucket_server_side_encryption_configuration with sse_algorithm = "aws:kms" and kms_master_key_id';
  },
);

const PUBLIC_ACCESS_FLAGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];

const bucketPublicAccessBlock = bucketRule(
  'bucket-public-access-block',
  'every S3 bucket has a public access block with all four settings true',
  (mod, name) => {
    const ok = controlsFor(mod, 'aws_s3_bucket_public_access_block', name)
      .some((c) => PUBLIC_ACCESS_FLAGS.every((flag) => c.body[flag] === true));
    return ok ? null : `no aws_s3_bucket_public_access_block with ${PUBLIC_ACCESS_FLAGS.join(', ')} all = true`;
  },
);

function isTlsDeny(statement) {
  const effect = statement.effect ?? statement.Effect;
  if (effect !== 'Deny') return false;
  if (statement.condition) {
    return asList(statement.condition).some((c) => c.test === 'Bool' && c.variable === 'aws:SecureTransport'
      && asList(c.values).map(String).includes('false'));
  }
  const bool = statement.Condition?.Bool ?? {};
  return asList(bool['aws:SecureTransport']).map(String).includes('false');
}

async function policyDenysInsecureTransport(mod, policyValue) {
  const expr = exprOf(policyValue) ?? '';
  const docRef = /^data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)/.exec(expr);
  if (docRef) {
    return blocksOf(mod, 'aws_iam_policy_document', 'data')
      .filter((d) => d.name === docRef[1])
      .some((d) => asList(d.body.statement).some(isTlsDeny));
  }
  const doc = await decodeJsonencode(policyValue);
  return Boolean(doc) && asList(doc.Statement).some(isTlsDeny);
}

const bucketTlsOnly = {
  id: 'bucket-tls-only',
  description: 'every S3 bucket has a bucket policy denying requests without TLS (aws:SecureTransport = false)',
  async check(tree) {
    const violations = [];
    for (const mod of tree.modules) {
      for (const bucket of blocksOf(mod, 'aws_s3_bucket')) {
        let ok = false;
        for (const policy of controlsFor(mod, 'aws_s3_bucket_policy', bucket.name)) {
          if (await policyDenysInsecureTransport(mod, policy.body.policy)) ok = true;
        }
        if (!ok) {
          violations.push(`${rel(tree, bucket.file)}: aws_s3_bucket.${bucket.name}: no aws_s3_bucket_policy with a Deny on aws:SecureTransport = false`);
        }
      }
    }
    return violations;
  },
};

// --- IAM -----------------------------------------------------------------------------------------------------------

const POLICY_ATTRIBUTES = new Set(['policy', 'assume_role_policy']);

/** Every IAM statement in a module: policy documents and inline jsonencode/JSON policies. */
export async function policyStatements(mod) {
  const out = [];
  for (const doc of blocksOf(mod, 'aws_iam_policy_document', 'data')) {
    const where = `data.aws_iam_policy_document.${doc.name}`;
    for (const s of asList(doc.body.statement)) {
      out.push({
        file: doc.file, where, effect: s.effect ?? 'Allow',
        actions: asList(s.actions), notActions: asList(s.not_actions), resources: asList(s.resources),
      });
    }
    if (doc.body.dynamic?.statement) out.push({ file: doc.file, where, dynamic: true });
  }

  async function visit(value, key, block) {
    if (Array.isArray(value)) {
      for (const v of value) await visit(v, key, block);
      return;
    }
    if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) await visit(v, k, block);
      return;
    }
    if (!POLICY_ATTRIBUTES.has(key) || typeof value !== 'string') return;
    const where = `${block.kind === 'data' ? 'data.' : ''}${block.type}.${block.name}.${key}`;
    let doc = null;
    if (isExpression(value)) {
      if (!/^jsonencode\(/.test(exprOf(value))) return; // a reference: checked where the document is defined
      doc = await decodeJsonencode(value);
      if (!doc) {
        out.push({ file: block.file, where, unreadable: 'jsonencode(...) of something other than an object literal' });
        return;
      }
    } else {
      try {
        doc = JSON.parse(value);
      } catch {
        out.push({ file: block.file, where, unreadable: 'policy is neither a policy document reference nor JSON' });
        return;
      }
    }
    for (const s of asList(doc.Statement)) {
      out.push({
        file: block.file, where, effect: s.Effect ?? 'Allow',
        actions: asList(s.Action), notActions: asList(s.NotAction), resources: asList(s.Resource),
      });
    }
  }
  for (const block of allBlocks(mod)) {
    if (block.type === 'aws_iam_policy_document') continue;
    await visit(block.body, null, block);
  }
  return out;
}

const isStarAction = (a) => a === '*' || /^[A-Za-z0-9-]+:\*$/.test(String(a));

const iamNoStarAction = {
  id: 'iam-no-star-action',
  description: 'no Allow statement grants "*" or "service:*" actions (or NotAction); actions are literal',
  async check(tree) {
    const violations = [];
    for (const mod of tree.modules) {
      for (const s of await policyStatements(mod)) {
        const at = `${rel(tree, s.file)}: ${s.where}`;
        if (s.dynamic) violations.push(`${at}: dynamic statement blocks cannot be checked offline; write statements out`);
        else if (s.unreadable) violations.push(`${at}: ${s.unreadable}`);
        else if (s.effect === 'Allow') {
          for (const a of s.actions) {
            if (isStarAction(a)) violations.push(`${at}: Allow statement with wildcard action "${a}"`);
            else if (typeof a !== 'string' || a.includes('${')) violations.push(`${at}: action ${JSON.stringify(a)} is not a literal`);
          }
          if (s.notActions.length > 0) violations.push(`${at}: Allow statement with NotAction`);
        }
      }
    }
    return violations;
  },
};

const STAR_RESOURCE_LINE = /\b(resources|Resource)\s*=\s*(\[[^\]\n]*"\*"[^\]\n]*\]|"\*")/;

/** Lines of src assigning a "*" resource, each with whether the previous non-blank line carries the marker. */
export function starResourceLines(src) {
  const lines = src.split('\n');
  const out = [];
  lines.forEach((line, i) => {
    if (!STAR_RESOURCE_LINE.test(line)) return;
    let j = i - 1;
    while (j >= 0 && lines[j].trim() === '') j -= 1;
    const marked = j >= 0 && new RegExp(`^\\s*(#|//)\\s*${STAR_MARKER}\\s*\\S`).test(lines[j]);
    out.push({ line: i + 1, marked });
  });
  return out;
}

const iamStarResourceMarked = {
  id: 'iam-star-resource-marked',
  description: `"*" resources only where commented with "# ${STAR_MARKER} <reason>" on the line before`,
  async check(tree) {
    const violations = [];
    for (const mod of tree.modules) {
      const statements = await policyStatements(mod);
      for (const file of mod.files) {
        const parsedStars = statements.filter((s) => s.file === file && asList(s.resources).includes('*')).length;
        const lines = starResourceLines(file.src);
        for (const l of lines.filter((x) => !x.marked)) {
          violations.push(`${rel(tree, file)}:${l.line}: "*" resource without a "# ${STAR_MARKER} <reason>" comment on the line before`);
        }
        // A "*" the line scan cannot see (e.g. a list split over lines) must not slip through.
        if (parsedStars > lines.length) {
          violations.push(`${rel(tree, file)}: ${parsedStars - lines.length} "*" resource(s) not written as a single-line resources = ["*"] with the marker comment`);
        }
      }
    }
    return violations;
  },
};

// --- Variables -----------------------------------------------------------------------------------------------------

const variablesTypedAndDescribed = {
  id: 'variables-typed-described',
  description: 'every variable has a type and a non-empty description',
  async check(tree) {
    const violations = [];
    for (const mod of tree.modules) {
      for (const v of variablesOf(mod)) {
        if (v.body.type === undefined) violations.push(`${rel(tree, v.file)}: variable "${v.name}" has no type`);
        if (typeof v.body.description !== 'string' || v.body.description.trim() === '') {
          violations.push(`${rel(tree, v.file)}: variable "${v.name}" has no description`);
        }
      }
    }
    return violations;
  },
};

// --- Kinesis and Redshift ------------------------------------------------------------------------------------------

const kinesisEncrypted = {
  id: 'kinesis-encrypted',
  description: 'every Kinesis stream has encryption_type = "KMS" and a kms_key_id',
  async check(tree) {
    const violations = [];
    for (const mod of tree.modules) {
      for (const s of blocksOf(mod, 'aws_kinesis_stream')) {
        if (s.body.encryption_type !== 'KMS') violations.push(`${rel(tree, s.file)}: aws_kinesis_stream.${s.name}: encryption_type is not "KMS"`);
        if (!s.body.kms_key_id) violations.push(`${rel(tree, s.file)}: aws_kinesis_stream.${s.name}: no kms_key_id`);
      }
    }
    return violations;
  },
};

const redshiftEncrypted = {
  id: 'redshift-encrypted',
  description: 'every Redshift namespace or cluster is encrypted with a customer KMS key',
  async check(tree) {
    const violations = [];
    for (const mod of tree.modules) {
      for (const n of blocksOf(mod, 'aws_redshiftserverless_namespace')) {
        if (!n.body.kms_key_id || n.body.kms_key_id === 'AWS_OWNED_KMS_KEY') {
          violations.push(`${rel(tree, n.file)}: aws_redshiftserverless_namespace.${n.name}: no kms_key_id`);
        }
      }
      for (const c of blocksOf(mod, 'aws_redshift_cluster')) {
        if (c.body.encrypted !== true || !c.body.kms_key_id) {
          violations.push(`${rel(tree, c.file)}: aws_redshift_cluster.${c.name}: not encrypted = true with kms_key_id`);
        }
      }
    }
    return violations;
  },
};

const redshiftNotPublic = {
  id: 'redshift-not-public',
  description: 'every Redshift workgroup or cluster sets publicly_accessible = false',
  async check(tree) {
    const violations = [];
    for (const mod of tree.modules) {
      for (const type of ['aws_redshiftserverless_workgroup', 'aws_redshift_cluster']) {
        for (const w of blocksOf(mod, type)) {
          if (w.body.publicly_accessible !== false) {
            violations.push(`${rel(tree, w.file)}: ${type}.${w.name}: publicly_accessible is not false`);
          }
        }
      }
    }
    return violations;
  },
};

// --- Lambda event source mappings of Kinesis ----------------------------------------------------------------------

/**
 * Where a module argument really comes from: a literal, or var.x followed up through the module call that instantiates
 * the module (else the variable's default). Returns [{ mod, variable }] for every variable on the way, and the value.
 */
function traceValue(tree, mod, value, chain = []) {
  const ref = /^var\.([A-Za-z0-9_]+)$/.exec(exprOf(value) ?? '');
  if (!ref || chain.length > 10) return { value, chain };
  const variable = variablesOf(mod).find((v) => v.name === ref[1]);
  if (!variable) return { value: undefined, chain };
  const next = [...chain, { mod, variable }];
  for (const caller of tree.modules) {
    for (const call of moduleCallsOf(caller)) {
      if (call.targetDir === mod.dir && call.body[ref[1]] !== undefined) return traceValue(tree, caller, call.body[ref[1]], next);
    }
  }
  return { value: variable.body.default, chain: next };
}

// AWS: -1 means infinite for both (retry until the record expires; never discard by age).
const NEVER_SKIP = ['maximum_retry_attempts', 'maximum_record_age_in_seconds'];

const lambdaKinesisNeverSkips = {
  id: 'lambda-kinesis-never-skips',
  description: 'every Lambda event source mapping reports batch item failures, has an on-failure destination, and by default '
    + 'never skips records (maximum_retry_attempts and maximum_record_age_in_seconds -1, from validated variables)',
  async check(tree) {
    const violations = [];
    for (const mod of tree.modules) {
      for (const m of blocksOf(mod, 'aws_lambda_event_source_mapping')) {
        const at = `${rel(tree, m.file)}: aws_lambda_event_source_mapping.${m.name}`;
        if (!asList(m.body.function_response_types).includes('ReportBatchItemFailures')) {
          violations.push(`${at}: function_response_types lacks "ReportBatchItemFailures" (a partial batch response would be ignored and the batch counted a success)`);
        }
        const onFailure = first(first(m.body.destination_config)?.on_failure);
        if (!onFailure?.destination_arn) {
          violations.push(`${at}: no destination_config { on_failure { destination_arn } } (a skipped range would leave no trace)`);
        }
        for (const attr of NEVER_SKIP) {
          if (m.body[attr] === undefined) {
            violations.push(`${at}: ${attr} is not set (set it to -1, or to a validated variable defaulting to -1)`);
            continue;
          }
          const { value, chain } = traceValue(tree, mod, m.body[attr]);
          if (value !== -1) violations.push(`${at}: ${attr} defaults to ${JSON.stringify(value)}, not -1 (records would be skipped)`);
          for (const { variable } of chain) {
            if (asList(variable.body.validation).length === 0) {
              violations.push(`${rel(tree, variable.file)}: variable "${variable.name}" (feeds ${attr}) has no validation block`);
            }
          }
        }
      }
    }
    return violations;
  },
};

// --- Glue catalog against the table contract -----------------------------------------------------------------------

const GLUE_TYPE = /^(string|int|integer|bigint|smallint|tinyint|double|float|boolean|timestamp|date|binary|decimal\(\d+,\s*\d+\)|(array|map|struct)<.+>)$/;

/**
 * The columns a table's block list defines, as [{ name, type }], or a violation string.
 * blockName is "columns" (inside storage_descriptor) or "partition_keys" (on the table).
 */
function definedColumns(tree, mod, container, blockName, section, contract, contractPath) {
  const statics = asList(container?.[blockName]);
  const dynamics = asList(container?.dynamic?.[blockName]);
  if (statics.length > 0 && dynamics.length > 0) return `mixes static and dynamic ${blockName} blocks`;
  if (dynamics.length > 1) return `has more than one dynamic ${blockName} block`;
  if (statics.length > 0) return statics.map((c) => ({ name: c.name, type: c.type }));
  if (dynamics.length === 0) return `defines no ${blockName}`;

  const dyn = dynamics[0];
  const iterator = dyn.iterator ?? blockName;
  const content = first(dyn.content) ?? {};
  if (content.name !== `\${${iterator}.value.name}` || content.type !== `\${${iterator}.value.type}`) {
    return `dynamic ${blockName} must map name = ${iterator}.value.name and type = ${iterator}.value.type`;
  }
  const forEach = exprOf(dyn.for_each) ?? '';
  const m = /^local\.([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)$/.exec(forEach);
  if (!m) return `dynamic ${blockName} for_each must be local.<contract>.${section}.${blockName}, found "${forEach}"`;
  const [, localName, gotSection, gotList] = m;
  if (gotSection !== section || gotList !== blockName) {
    return `dynamic ${blockName} reads ${gotSection}.${gotList} of the contract, expected ${section}.${blockName}`;
  }
  const file = jsonFileOfLocal(tree, mod, localName);
  if (!file) return `local.${localName} is not jsondecode(file(...)) of a path resolvable offline`;
  if (path.resolve(file) !== path.resolve(contractPath)) {
    return `local.${localName} reads ${file}, not the table contract ${contractPath}`;
  }
  const decoded = JSON.parse(fs.readFileSync(file, 'utf8'));
  return asList(decoded?.[section]?.[blockName]).map((c) => ({ name: c.name, type: c.type }));
}

const glueTablesMatchContract = {
  id: 'glue-tables-match-contract',
  description: 'Glue table columns and partition keys equal the table contract (raw and curated sections)',
  async check(tree, ctx) {
    const violations = [];
    const { contract, contractPath } = ctx;
    for (const section of ['raw', 'curated']) {
      for (const list of ['columns', 'partition_keys']) {
        for (const c of asList(contract?.[section]?.[list])) {
          if (!GLUE_TYPE.test(String(c.type))) violations.push(`contract: ${section}.${list} ${c.name} has type "${c.type}", not a Glue type`);
        }
      }
    }
    for (const mod of tree.modules) {
      for (const table of blocksOf(mod, 'aws_glue_catalog_table')) {
        const at = `${rel(tree, table.file)}: aws_glue_catalog_table.${table.name}`;
        const section = table.name;
        if (!contract?.[section]?.columns) {
          violations.push(`${at}: resource name must be a contract section with columns (raw, curated)`);
          continue;
        }
        const expected = {
          columns: contract[section].columns.map((c) => ({ name: c.name, type: c.type })),
          partition_keys: asList(contract[section].partition_keys).map((c) => ({ name: c.name, type: c.type })),
        };
        const containers = { columns: first(table.body.storage_descriptor), partition_keys: table.body };
        for (const list of ['columns', 'partition_keys']) {
          const got = definedColumns(tree, mod, containers[list], list, section, contract, contractPath);
          if (typeof got === 'string') {
            violations.push(`${at}: ${got}`);
          } else if (JSON.stringify(got) !== JSON.stringify(expected[list])) {
            violations.push(`${at}: ${list} differ from the contract's ${section}.${list}: ${JSON.stringify(got)} vs ${JSON.stringify(expected[list])}`);
          }
        }
        // Partition projection must cover every partition key, so no crawler or MSCK REPAIR is ever needed.
        const params = table.body.parameters ?? {};
        if (params['projection.enabled'] !== 'true') violations.push(`${at}: projection.enabled is not "true"`);
        const template = String(params['storage.location.template'] ?? '');
        for (const key of expected.partition_keys) {
          if (!params[`projection.${key.name}.type`]) violations.push(`${at}: no projection.${key.name}.type`);
          if (!template.includes(`{${key.name}}`)) violations.push(`${at}: storage.location.template lacks \${${key.name}}`);
        }
      }
    }
    return violations;
  },
};


// The curated zone is an Apache Iceberg table (docs/design.md, issue 12): the Glue job creates and evolves it in the Glue
// Data Catalog, so Terraform declares no curated Glue table (no partition projection for it), and every Glue job runs with
// Glue's Iceberg libraries, Iceberg's SQL extensions, the Glue catalog and a --curated_table. The job's role may create and
// update that table (each commit is an UpdateTable) but never delete a table.
const curatedZoneIsIceberg = {
  id: 'curated-zone-is-iceberg',
  description: 'the curated table is an Iceberg table the Glue job owns: no projected Glue table, Iceberg job arguments, no glue:DeleteTable',
  async check(tree) {
    const violations = [];
    for (const mod of tree.modules) {
      for (const table of blocksOf(mod, 'aws_glue_catalog_table')) {
        const params = table.body.parameters ?? {};
        const location = JSON.stringify(first(table.body.storage_descriptor)?.location ?? '');
        if (table.name === 'curated' || /curated/.test(location)) {
          violations.push(`${rel(tree, table.file)}: aws_glue_catalog_table.${table.name}: the curated zone is an Iceberg table created by the Glue job; declare no Glue table for it`
            + (params['projection.enabled'] ? ' (and no partition projection)' : ''));
        }
      }
      for (const job of blocksOf(mod, 'aws_glue_job')) {
        const at = `${rel(tree, job.file)}: aws_glue_job.${job.name}`;
        const args = job.body.default_arguments ?? {};
        if (!/\biceberg\b/.test(String(args['--datalake-formats'] ?? ''))) violations.push(`${at}: default_arguments lack "--datalake-formats" = "iceberg"`);
        if (!String(args['--conf'] ?? '').includes('spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions')) {
          violations.push(`${at}: default_arguments lack "--conf" = "spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions"`);
        }
        if (args['--iceberg_catalog'] !== 'glue') violations.push(`${at}: "--iceberg_catalog" must be "glue" (the Glue Data Catalog is the Iceberg catalog on AWS)`);
        if (!args['--curated_table']) violations.push(`${at}: default_arguments lack "--curated_table" (database.table)`);
      }
      for (const st of await policyStatements(mod)) {
        const actions = asList(st.actions).map(String);
        if (st.effect !== 'Deny' && actions.some((a) => /^glue:(DeleteTable|BatchDeleteTable|DeleteDatabase)$/i.test(a) || a === 'glue:*')) {
          violations.push(`${rel(tree, st.file)}: ${st.where}: no role may delete Glue tables or databases (${actions.join(', ')})`);
        }
      }
    }
    return violations;
  },
};

export const RULES = [
  bucketEncryption,
  bucketPublicAccessBlock,
  bucketTlsOnly,
  iamNoStarAction,
  iamStarResourceMarked,
  variablesTypedAndDescribed,
  kinesisEncrypted,
  redshiftEncrypted,
  redshiftNotPublic,
  glueTablesMatchContract,
  curatedZoneIsIceberg,
  lambdaKinesisNeverSkips,
  quicksightMatchesDefinition,
  quicksightRolesGrantDataSources,
];

export const rule = (id) => {
  const r = RULES.find((x) => x.id === id);
  if (!r) throw new Error(`no rule ${id}`);
  return r;
};

export { localsOf };
