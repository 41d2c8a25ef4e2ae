// The IAM check: renders the application's Terraform IAM policies with the ARNs a deployment would have (names rendered
// from the .tf files, in a fixed account and region), and evaluates the AWS calls the application's integration tests
// recorded (AwsCallRecorder) against them with an IAM policy simulator (@cloud-copilot/iam-simulate).
import fs from 'node:fs';
import path from 'node:path';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { asList, blocksOf } from './hcl.mjs';
import { evaluate, render, templateParts } from './render.mjs';
import { TERRAFORM_DIR } from './context.mjs';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';

export const FIXTURE_PATH = path.join(TERRAFORM_DIR, 'test', 'fixtures', 'recorded-aws-calls.json');
export const FRESH_DIR = path.resolve(TERRAFORM_DIR, '..', 'target', 'aws-calls');

// What only an apply knows, as render.mjs spells it, and what it would be in the simulated account.
const DATA_SOURCES = {
  'data-aws-partition-current-partition': 'aws',
  'data-aws-region-current-name': REGION,
  'data-aws-caller-identity-current-account-id': ACCOUNT,
};

function fix(value) {
  if (typeof value === 'string') {
    return Object.entries(DATA_SOURCES).reduce((s, [ph, real]) => s.split(ph).join(real), value);
  }
  if (Array.isArray(value)) return value.map(fix);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fix(v)]));
  return value;
}

export function moduleAt(tree, rel) {
  const dir = rel === '.' ? tree.rootDir : path.join(tree.rootDir, rel);
  const mod = tree.modules.find((m) => m.dir === dir);
  if (!mod) throw new Error(`no module at ${rel}`);
  return mod;
}

async function attr(tree, rel, type, name, attribute = 'name') {
  const block = blocksOf(moduleAt(tree, rel), type).find((b) => b.name === name);
  if (!block) throw new Error(`${rel}: no ${type}.${name}`);
  return fix(await render(tree, moduleAt(tree, rel), block.body[attribute]));
}

/** The names and ARNs of one deployment, rendered from the .tf files (their defaults and the root module's arguments). */
export async function deployedNames(tree, contract) {
  const arn = (service, res) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${res}`;
  const lakeBuckets = fix(await evaluate(tree, moduleAt(tree, 'modules/lake'), 'local.buckets'));
  const buckets = Object.fromEntries(Object.entries(lakeBuckets).map(([zone, b]) => [zone, b.name]));
  const stream = await attr(tree, 'modules/streaming', 'aws_kinesis_stream', 'this');
  const glueJob = await attr(tree, 'modules/glue_job', 'aws_glue_job', 'this');
  const workgroup = await attr(tree, 'modules/athena', 'aws_athena_workgroup', 'this');
  const database = await attr(tree, 'modules/catalog', 'aws_glue_catalog_database', 'this');
  const redshiftSecret = await attr(tree, 'modules/redshift', 'aws_secretsmanager_secret', 'app');
  const apiKeySecret = await attr(tree, 'modules/app', 'aws_secretsmanager_secret', 'api_key');
  const lambdaLogGroup = await attr(tree, 'modules/lambda_consumer', 'aws_cloudwatch_log_group', 'this');
  const lakeOpsFunction = await attr(tree, 'modules/lambda_consumer', 'aws_lambda_function', 'lake_ops', 'function_name');
  const alarmTopic = await attr(tree, 'modules/monitoring', 'aws_sns_topic', 'alarms');
  const stateMachine = await attr(tree, 'modules/orchestration', 'aws_sfn_state_machine', 'this');
  const redshiftSecretArn = arn('secretsmanager', `secret:${redshiftSecret}-AbCdEf`);
  const sfn = {
    lake_ops_alias_arn: arn('lambda', `function:${lakeOpsFunction}:live`),
    alarm_topic_arn: arn('sns', alarmTopic),
    // Redshift Serverless names a workgroup by its id in ARNs
    redshift_workgroup_arn: arn('redshift-serverless', 'workgroup/0c0ffee0-1111-4000-8000-000000000000'),
    redshift_secret_arn: redshiftSecretArn,
    state_machine_arn: arn('states', `stateMachine:${stateMachine}`),
  };
  const kclApplication = fix(await evaluate(tree, moduleAt(tree, 'modules/app'), 'local.kcl_application_name'));
  return {
    buckets,
    stream,
    glueJob,
    workgroup,
    database,
    tokens: {
      raw: buckets.raw,
      errors: buckets.errors,
      curated: buckets.curated,
      athena_results: buckets.athena_results,
      stream,
      glue_job: glueJob,
      workgroup,
      database,
      region: REGION,
      account: ACCOUNT,
      ...sfn,
    },
    // Values of the app module's inputs (and of its own resources) that are resource attributes in Terraform.
    app: {
      stream_arn: arn('kinesis', `stream/${stream}`),
      bucket_arns: Object.fromEntries(Object.entries(buckets).map(([zone, b]) => [zone, `arn:aws:s3:::${b}`])),
      kms_key_arn: arn('kms', 'key/0c0ffee0-0000-4000-8000-000000000000'),
      glue_job_arn: arn('glue', `job/${glueJob}`),
      catalog_arns: [
        arn('glue', 'catalog'),
        arn('glue', `database/${database}`),
        arn('glue', `table/${database}/${contract.table}_raw`),
        arn('glue', `table/${database}/${contract.table}`),
      ],
      athena_workgroup_arn: arn('athena', `workgroup/${workgroup}`),
      redshift_secret_arn: arn('secretsmanager', `secret:${redshiftSecret}-AbCdEf`),
      'aws_secretsmanager_secret.api_key.arn': arn('secretsmanager', `secret:${apiKeySecret}-GhIjKl`),
      'local.kcl_table_arn': arn('dynamodb', `table/${kclApplication}`),
    },
    lambda: {
      'aws_cloudwatch_log_group.this.arn': arn('logs', `log-group:${lambdaLogGroup}`),
      'aws_cloudwatch_log_group.lake_ops.arn': arn('logs', `log-group:/aws/lambda/${lakeOpsFunction}`),
      'local.on_failure': arn('sqs', `${stream}-ingest-on-failure`),
    },
    // The orchestration module's inputs (the state machine's execution role) and the scheduler role's resource.
    sfn: {
      lake_ops_function_arn: sfn.lake_ops_alias_arn,
      glue_job_arn: arn('glue', `job/${glueJob}`),
      athena_workgroup_arn: arn('athena', `workgroup/${workgroup}`),
      catalog_arns: [
        arn('glue', 'catalog'),
        arn('glue', `database/${database}`),
        arn('glue', `table/${database}/${contract.table}_raw`),
        arn('glue', `table/${database}/${contract.table}`),
      ],
      curated_bucket_arn: `arn:aws:s3:::${buckets.curated}`,
      athena_results_bucket_arn: `arn:aws:s3:::${buckets.athena_results}`,
      kms_key_arn: arn('kms', 'key/0c0ffee0-0000-4000-8000-000000000000'),
      redshift_workgroup_arn: sfn.redshift_workgroup_arn,
      redshift_secret_arn: redshiftSecretArn,
      notification_topic_arn: sfn.alarm_topic_arn,
      'aws_sfn_state_machine.this.arn': sfn.state_machine_arn,
    },
  };
}

/**
 * One data "aws_iam_policy_document" of a module as an IAM policy, its resources rendered with bindings (module input
 * name or reference -> value). Each statement also keeps `templates`: the resource as written in HCL, per ARN.
 */
export async function renderPolicyDocument(tree, mod, docName, bindings) {
  const block = blocksOf(mod, 'aws_iam_policy_document', 'data').find((b) => b.name === docName);
  if (!block) throw new Error(`${mod.dir}: no data.aws_iam_policy_document.${docName}`);
  const resolve = async (expr) => {
    const m = /^var\.([A-Za-z0-9_]+)(?:\["([A-Za-z0-9_]+)"\])?$/.exec(expr);
    if (m && bindings[m[1]] !== undefined) return m[2] ? bindings[m[1]][m[2]] : bindings[m[1]];
    if (bindings[expr] !== undefined) return bindings[expr];
    return fix(await evaluate(tree, mod, expr));
  };
  const statements = [];
  for (const st of asList(block.body.statement)) {
    const resources = [];
    const templates = [];
    for (const template of asList(st.resources)) {
      const parts = templateParts(template);
      if (parts.length === 1 && parts[0].expr !== undefined) {
        const v = await resolve(parts[0].expr);
        for (const r of Array.isArray(v) ? v : [v]) {
          resources.push(r);
          templates.push(template);
        }
        continue;
      }
      let out = '';
      for (const part of parts) out += part.expr === undefined ? part.text : String(await resolve(part.expr));
      resources.push(out);
      templates.push(template);
    }
    const condition = {};
    for (const c of asList(st.condition)) {
      condition[c.test] = { ...(condition[c.test] ?? {}), [c.variable]: await Promise.all(asList(c.values).map(resolve2)) };
    }
    async function resolve2(v) {
      const parts = templateParts(v);
      return parts.length === 1 && parts[0].expr !== undefined ? resolve(parts[0].expr) : v;
    }
    statements.push({
      Sid: st.sid,
      Effect: st.effect ?? 'Allow',
      Action: asList(st.actions),
      Resource: resources,
      ...(Object.keys(condition).length ? { Condition: condition } : {}),
      templates,
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}

/** The policy without the bookkeeping fields, as IAM (and the simulator) reads it. */
export function iamJson(policy) {
  return { Version: policy.Version, Statement: policy.Statement.map(({ templates, ...st }) => st) };
}

/** The IAM decision for one call: 'Allowed', 'ImplicitlyDenied', 'ExplicitlyDenied', or 'error: ...'. */
export async function decide(policies, call) {
  const response = await runSimulation({
    identityPolicies: policies.map((p, i) => ({ name: `policy${i}`, policy: iamJson(p) })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: undefined,
    request: {
      action: call.action,
      principal: `arn:aws:iam::${ACCOUNT}:role/tributary-under-test`,
      resource: { accountId: ACCOUNT, resource: call.resource },
      contextVariables: call.context ?? {},
    },
  }, {});
  if (response.resultType === 'error') return `error: ${JSON.stringify(response.errors)}`;
  return response.overallResult;
}

/** A recorded call with the role tokens ({raw}, {stream}, ...) replaced by the deployed names. */
export function deployedCall(call, tokens) {
  const resource = call.resource.replace(/\{([a-z_]+)\}/g, (whole, token) => tokens[token] ?? whole);
  return { ...call, resource };
}

/** Recorded calls: the fresh recording in target/aws-calls when there is one, otherwise the committed fixture. */
export function recordedCalls() {
  if (fs.existsSync(FRESH_DIR)) {
    const files = fs.readdirSync(FRESH_DIR).filter((f) => f.endsWith('.jsonl'));
    if (files.length > 0) {
      const lines = files.flatMap((f) => fs.readFileSync(path.join(FRESH_DIR, f), 'utf8').split('\n').filter(Boolean));
      return { source: FRESH_DIR, calls: dedupe(lines.map((l) => JSON.parse(l))) };
    }
  }
  return { source: FIXTURE_PATH, calls: JSON.parse(fs.readFileSync(FIXTURE_PATH, 'utf8')).calls };
}

/**
 * Distinct calls, with object keys of the same shape (digits and hex collapsed) kept once: the recording holds a call per
 * object written, the check needs one per prefix and action.
 */
export function dedupe(calls) {
  const byShape = new Map();
  for (const c of calls) {
    const shape = `${c.principal} ${c.action} ${c.resource.replace(/[0-9a-f]{8,}|[0-9]+/g, '#')}`;
    if (!byShape.has(shape)) byShape.set(shape, { principal: c.principal, action: c.action, resource: c.resource });
  }
  return [...byShape.values()].sort((a, b) => `${a.principal} ${a.action} ${a.resource}`.localeCompare(`${b.principal} ${b.action} ${b.resource}`));
}

/**
 * The grants of a policy (statement, action, resource) that no call allowed by it uses: a grant is used when the call is
 * allowed by a policy made of that grant alone (with the statement's conditions).
 */
export async function unusedGrants(policy, calls) {
  const unused = [];
  for (const st of policy.Statement) {
    for (const action of st.Action) {
      for (let i = 0; i < st.Resource.length; i++) {
        const grant = { Version: '2012-10-17', Statement: [{ ...st, Action: [action], Resource: [st.Resource[i]], templates: undefined }] };
        let used = false;
        for (const call of calls) {
          if (call.action !== action) continue;
          if ((await decide([grant], call)) === 'Allowed') {
            used = true;
            break;
          }
        }
        if (!used) unused.push({ sid: st.Sid, action, resource: st.templates[i] });
      }
    }
  }
  return unused;
}
