// The application's IAM policies allow every AWS call its integration tests make, and grant nothing else that is not
// allow-listed with a reason. Calls: recorded by AwsCallRecorder (target/aws-calls, else fixtures/recorded-aws-calls.json);
// policies: rendered from the .tf files with a deployment's ARNs; decisions: @cloud-copilot/iam-simulate.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadTree, moduleFromSources } from './lib/hcl.mjs';
import { loadContext, TERRAFORM_DIR } from './lib/context.mjs';
import {
  decide, deployedCall, deployedNames, moduleAt, recordedCalls, renderPolicyDocument, unusedGrants,
} from './lib/iam.mjs';
import { allowedBy, APP_ALLOW_LIST, GLUE_ALLOW_LIST, LAMBDA_RUNTIME_ALLOW_LIST, SFN_ALLOW_LIST } from './lib/iam-allow-list.mjs';
import { blocksOf, exprOf, first } from './lib/hcl.mjs';

let names;
let appPolicy;
let lambdaRuntimePolicy;
let recording;
let appCalls;
let lambdaCalls;

async function denied(policies, calls) {
  const out = [];
  for (const call of calls) {
    const decision = await decide(policies, call);
    if (decision !== 'Allowed') out.push(`${call.action} ${call.resource}: ${decision}`);
  }
  return out;
}

function describeUnused(unused, list) {
  const missing = unused.filter((g) => !allowedBy(list, g));
  // Per action: an entry whose action a recorded call now uses must lose that action.
  const stale = list.flatMap((e) => (e.actions ?? [undefined]).map((action) => ({ ...e, actions: action && [action] })))
    .filter((e) => !unused.some((g) => allowedBy([e], g)))
    .map((e) => `${e.sid} ${e.actions ?? '*'}`);
  return { missing, stale };
}

describe('IAM: recorded AWS calls against the Terraform policies', () => {
  before(async () => {
    const tree = await loadTree(TERRAFORM_DIR);
    names = await deployedNames(tree, loadContext().contract);
    appPolicy = await renderPolicyDocument(tree, moduleAt(tree, 'modules/app'), 'app', names.app);
    lambdaRuntimePolicy = await renderPolicyDocument(tree, moduleAt(tree, 'modules/lambda_consumer'), 'lambda', names.lambda);
    recording = recordedCalls();
    const calls = recording.calls.map((c) => deployedCall(c, names.tokens));
    appCalls = calls.filter((c) => c.principal === 'app');
    lambdaCalls = calls.filter((c) => c.principal === 'lambda');
  });

  it('has a recording of both the container application and the Lambda handler', () => {
    assert.ok(appCalls.length > 0, `no calls of the application in ${recording.source}`);
    assert.ok(lambdaCalls.length > 0, `no calls of the Lambda handler in ${recording.source}`);
    const unnamed = [...appCalls, ...lambdaCalls].filter((c) => /[{}]/.test(c.resource) || /arn:aws:s3:::(?!tributary-)/.test(c.resource));
    assert.deepEqual(unnamed, [], 'calls on resources the recorder could not name by role (a bucket or stream the config does not know)');
  });

  it('allows every call of the container application with the ECS task role (the app policy)', async () => {
    assert.deepEqual(await denied([appPolicy], appCalls), []);
  });

  it('allows every call of the Lambda handler with the function role (app policy + runtime policy)', async () => {
    assert.deepEqual(await denied([appPolicy, lambdaRuntimePolicy], lambdaCalls), []);
  });

  it('grants the application nothing that no recorded call uses, except the allow-listed grants', async () => {
    const { missing, stale } = describeUnused(await unusedGrants(appPolicy, [...appCalls, ...lambdaCalls]), APP_ALLOW_LIST);
    assert.deepEqual(missing, [], 'unused grants: remove them from modules/app, or allow-list them with a reason (lib/iam-allow-list.mjs)');
    assert.deepEqual(stale, [], 'allow-list entries whose grants a recorded call now uses: remove them from the allow-list');
  });

  it('grants the Lambda runtime policy only what the Lambda service itself uses', async () => {
    const { missing, stale } = describeUnused(await unusedGrants(lambdaRuntimePolicy, lambdaCalls), LAMBDA_RUNTIME_ALLOW_LIST);
    assert.deepEqual(missing, []);
    assert.deepEqual(stale, []);
  });

  it('fails when a statement a recorded call needs is deleted', async () => {
    for (const sid of ['WriteRawZone', 'ReadAndWriteStream', 'RunGlueJob', 'QueryAthena']) {
      const scratch = { ...appPolicy, Statement: appPolicy.Statement.filter((s) => s.Sid !== sid) };
      const refused = await denied([scratch], appCalls);
      assert.ok(refused.length > 0, `deleting ${sid} went unnoticed`);
    }
  });

  it('fails when a grant is narrowed to the wrong prefix (bad HCL snippet)', async () => {
    const mod = await moduleFromSources({
      'main.tf': `
data "aws_iam_policy_document" "app" {
  statement {
    sid       = "WriteRawZone"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["\${var.bucket_arns["raw"]}/events/*"]
  }
}
`,
    }, TERRAFORM_DIR);
    const tree = { rootDir: TERRAFORM_DIR, modules: [mod] };
    const bad = await renderPolicyDocument(tree, mod, 'app', names.app);
    const rawPuts = appCalls.filter((c) => c.action === 's3:PutObject' && c.resource.includes(names.buckets.raw));
    assert.ok(rawPuts.length > 0);
    assert.equal((await denied([bad], rawPuts)).length, rawPuts.length);
  });
});

describe('IAM: the Step Functions hour pipeline and its schedule', () => {
  let sfnPolicy;
  let schedulerPolicy;
  let sfnCalls;
  let schedulerCalls;

  before(async () => {
    const tree = await loadTree(TERRAFORM_DIR);
    const deployed = await deployedNames(tree, loadContext().contract);
    const orchestration = moduleAt(tree, 'modules/orchestration');
    sfnPolicy = await renderPolicyDocument(tree, orchestration, 'sfn', deployed.sfn);
    schedulerPolicy = await renderPolicyDocument(tree, orchestration, 'scheduler', deployed.sfn);
    sfnCalls = recordedCalls().calls.map((c) => deployedCall(c, deployed.tokens)).filter((c) => c.principal === 'sfn');
    // EventBridge Scheduler's one call: StartExecution on the schedule's target, which is the state machine (checked
    // here from the HCL); the scheduler invokes the target's API with the schedule's execution role
    // (https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role)
    const [schedule] = blocksOf(orchestration, 'aws_scheduler_schedule');
    assert.equal(exprOf(first(schedule.body.target).arn), 'aws_sfn_state_machine.this.arn');
    schedulerCalls = [{ principal: 'scheduler', action: 'states:StartExecution', resource: deployed.sfn['aws_sfn_state_machine.this.arn'] }];
  });

  it('has a recording of every kind of Task the state machine runs (StateMachineExecutionTest)', () => {
    const actions = new Set(sfnCalls.map((c) => c.action));
    for (const a of ['lambda:InvokeFunction', 'glue:StartJobRun', 'glue:GetJobRun', 'athena:StartQueryExecution',
      'athena:GetQueryExecution', 's3:PutObject', 'redshift-data:BatchExecuteStatement', 'redshift-data:DescribeStatement',
      'secretsmanager:GetSecretValue', 'sns:Publish']) {
      assert.ok(actions.has(a), `no recorded ${a} of the state machine`);
    }
    assert.deepEqual(sfnCalls.filter((c) => /[{}]/.test(c.resource)), [], 'calls on resources the recording could not name');
  });

  it('allows every call the executed state machine made with its execution role', async () => {
    assert.deepEqual(await denied([sfnPolicy], sfnCalls), []);
  });

  it('grants the execution role nothing that no recorded call uses, except the allow-listed grants', async () => {
    const { missing, stale } = describeUnused(await unusedGrants(sfnPolicy, sfnCalls), SFN_ALLOW_LIST);
    assert.deepEqual(missing, [], 'unused grants: remove them from modules/orchestration, or allow-list them with a reason');
    assert.deepEqual(stale, [], 'allow-list entries whose grants a recorded call now uses: remove them from the allow-list');
  });

  it('fails when a statement a recorded Task call needs is deleted', async () => {
    for (const sid of ['InvokeLakeOps', 'RunGlueJob', 'RunAthenaQuery', 'WriteAthenaResults', 'LoadRedshift', 'PollRedshiftStatement',
      'ReadRedshiftCredentials', 'NotifyFailure']) {
      const scratch = { ...sfnPolicy, Statement: sfnPolicy.Statement.filter((s) => s.Sid !== sid) };
      assert.ok((await denied([scratch], sfnCalls)).length > 0, `deleting ${sid} went unnoticed`);
    }
  });

  it('lets the schedule start the state machine and grants it nothing else', async () => {
    assert.deepEqual(await denied([schedulerPolicy], schedulerCalls), []);
    assert.deepEqual(await unusedGrants(schedulerPolicy, schedulerCalls), []);
    const other = { ...schedulerCalls[0], resource: schedulerCalls[0].resource.replace(/:stateMachine:.*/, ':stateMachine:another') };
    assert.equal((await denied([schedulerPolicy], [other])).length, 1, 'the schedule may start only its own state machine');
  });
});

describe('IAM: the Glue job role', () => {
  let gluePolicy;
  let jobCalls;
  let names2;

  before(async () => {
    const tree = await loadTree(TERRAFORM_DIR);
    names2 = await deployedNames(tree, loadContext().contract);
    const arnOf = (zone) => `arn:aws:s3:::${names2.buckets[zone]}`;
    gluePolicy = await renderPolicyDocument(tree, moduleAt(tree, 'modules/glue_job'), 'glue', {
      raw_bucket_arn: arnOf('raw'),
      curated_bucket_arn: arnOf('curated'),
      errors_bucket_arn: arnOf('errors'),
      artifacts_bucket_arn: arnOf('artifacts'),
      kms_key_arn: names2.sfn.kms_key_arn,
    });
    jobCalls = recordedCalls().calls.map((c) => deployedCall(c, names2.tokens)).filter((c) => c.principal === 'glue_job');
  });

  it("has a recording of the job's reads of the raw zone and writes of the curated and errors zones", () => {
    const has = (action, zone) => jobCalls.some((c) => c.action === action && c.resource.startsWith(`arn:aws:s3:::${names2.buckets[zone]}`));
    assert.ok(has('s3:GetObject', 'raw'), 'no recorded raw read');
    assert.ok(has('s3:PutObject', 'curated'), 'no recorded curated write');
    assert.ok(has('s3:PutObject', 'errors'), 'no recorded errors-zone write');
    assert.ok(has('s3:DeleteObject', 'curated'), 'no recorded delete (the dynamic partition overwrite)');
    assert.deepEqual(jobCalls.filter((c) => /[{}]/.test(c.resource)), []);
  });

  it('allows every S3 request the job made with the Glue job role', async () => {
    assert.deepEqual(await denied([gluePolicy], jobCalls), []);
  });

  it('grants the job role nothing that no recorded request uses, except what the Glue service uses', async () => {
    const { missing, stale } = describeUnused(await unusedGrants(gluePolicy, jobCalls), GLUE_ALLOW_LIST);
    assert.deepEqual(missing, [], 'unused grants: remove them from modules/glue_job, or allow-list them with a reason');
    assert.deepEqual(stale, []);
  });

  it('the job may not write the raw zone or delete from it', async () => {
    const raw = `arn:aws:s3:::${names2.buckets.raw}/raw/events/dt=2024-01-15/hour=10/x.json.gz`;
    assert.equal((await denied([gluePolicy], [{ action: 's3:PutObject', resource: raw }, { action: 's3:DeleteObject', resource: raw }])).length, 2);
  });
});
