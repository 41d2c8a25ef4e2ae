// The real terraform/ tree passes every rule, and really contains what the rules are about (no vacuous pass).
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { blocksOf, loadTree, variablesOf } from './lib/hcl.mjs';
import { RULES, policyStatements } from './lib/rules.mjs';
import { wiringProblems } from './lib/wiring.mjs';
import { TERRAFORM_DIR, loadContext } from './lib/context.mjs';

let tree;
const ctx = loadContext();
const count = (type, kind = 'resource') => tree.modules.reduce((n, m) => n + blocksOf(m, type, kind).length, 0);

before(async () => {
  tree = await loadTree(TERRAFORM_DIR);
});

describe('terraform/ tree', () => {
  for (const r of RULES) {
    it(`passes ${r.id}: ${r.description}`, async () => {
      assert.deepEqual(await r.check(tree, ctx), []);
    });
  }

  it('has the root module and every module with main.tf, variables.tf, outputs.tf and versions.tf', () => {
    const names = (m) => m.files.map((f) => f.path.slice(m.dir.length + 1)).sort();
    assert.ok(tree.modules.length >= 10, `only ${tree.modules.length} modules`);
    for (const m of tree.modules) {
      for (const f of ['main.tf', 'outputs.tf', 'variables.tf', 'versions.tf']) {
        assert.ok(names(m).includes(f), `${m.dir} lacks ${f}`);
      }
    }
  });

  it('actually defines what the rules check', async () => {
    assert.equal(count('aws_s3_bucket'), 1, 'the lake declares its buckets once, with for_each');
    assert.equal(count('aws_kinesis_stream'), 1);
    assert.equal(count('aws_redshiftserverless_namespace'), 1);
    assert.equal(count('aws_redshiftserverless_workgroup'), 1);
    assert.deepEqual(tree.modules.flatMap((m) => blocksOf(m, 'aws_glue_catalog_table').map((t) => t.name)).sort(), ['raw'],
      'the curated zone is an Iceberg table the Glue job creates');
    const statements = (await Promise.all(tree.modules.map(policyStatements))).flat();
    assert.ok(statements.length >= 40, `only ${statements.length} IAM statements found`);
    assert.ok(tree.modules.flatMap(variablesOf).length >= 60);
  });

  it('declares the lake buckets raw, curated, errors and athena_results', () => {
    const lake = tree.modules.find((m) => m.dir.endsWith('/modules/lake'));
    const buckets = lake.files.flatMap((f) => Object.keys(f.json.locals?.[0]?.buckets ?? {}));
    for (const zone of ['raw', 'curated', 'errors', 'athena_results']) assert.ok(buckets.includes(zone), `no ${zone} bucket`);
  });

  it('validates compute as "lambda" or "ecs"', () => {
    const root = tree.modules.find((m) => m.dir === TERRAFORM_DIR);
    const compute = variablesOf(root).find((v) => v.name === 'compute');
    assert.ok(compute, 'no variable compute');
    assert.match(compute.body.validation[0].condition, /contains\(\["lambda", "ecs"\], var\.compute\)/);
  });

  it('alarms when the Lambda mapping describes a skipped range in its on-failure destination', () => {
    const monitoring = tree.modules.find((m) => m.dir.endsWith('/modules/monitoring'));
    const alarm = blocksOf(monitoring, 'aws_cloudwatch_metric_alarm').find((a) => a.name === 'lambda_skipped_ranges');
    assert.ok(alarm, 'no aws_cloudwatch_metric_alarm.lambda_skipped_ranges');
    assert.match(alarm.body.metric_name, /ApproximateNumberOfMessagesVisible/);
    assert.match(alarm.body.metric_name, /NumberOfMessagesPublished/);
    const root = tree.modules.find((m) => m.dir === TERRAFORM_DIR);
    const call = root.files.flatMap((f) => f.json.module?.monitoring ?? [])[0];
    assert.match(call.lambda_on_failure_destination_name, /module\.lambda_consumer\[0\]\.on_failure_destination_name/);
  });

  it('wires modules consistently (arguments, required variables, var/local/module references)', () => {
    assert.deepEqual(wiringProblems(tree), []);
  });

  it('pins Terraform >= 1.5 and the AWS provider to 5.x', () => {
    const root = tree.modules.find((m) => m.dir === TERRAFORM_DIR);
    const versions = root.files.find((f) => f.path.endsWith('versions.tf')).json.terraform[0];
    assert.match(versions.required_version, /^>= 1\.5/);
    assert.match(versions.required_providers[0].aws.version, /^~> 5\./);
  });
});
