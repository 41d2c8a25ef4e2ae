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
import { allowedBy, APP_ALLOW_LIST, LAMBDA_RUNTIME_ALLOW_LIST } from './lib/iam-allow-list.mjs';

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
