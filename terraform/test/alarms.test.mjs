// Every alarm watches a metric something publishes (issue 9, problem 5): AWS's own metrics, or the Embedded Metric Format
// metrics the application emits, read from the file the application's emitter reads.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTree, moduleFromSources, moduleCallsOf } from './lib/hcl.mjs';
import { alarmMetrics, alarmProblems, loadCatalog } from './lib/alarms.mjs';

const TERRAFORM = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REPO = path.dirname(TERRAFORM);

async function modules() {
  const tree = await loadTree(TERRAFORM);
  const byDir = (d) => tree.modules.find((m) => m.dir === path.join(TERRAFORM, d));
  return { root: byDir(''), monitoring: byDir('modules/monitoring'), app: byDir('modules/app'), tree };
}

describe('alarms watch published metrics', () => {
  it('the application lists what it emits', () => {
    const catalog = loadCatalog(REPO);
    assert.ok(catalog.size > 0);
    for (const name of ['RecordsReceived', 'RawZoneFlushes', 'GlueJobRunFailures', 'RedshiftLoadFailures']) {
      assert.ok(catalog.has(name), name);
    }
  });

  it('every alarm in terraform/ watches an AWS metric or one the application emits, by its dimensions', async () => {
    const catalog = loadCatalog(REPO);
    const { tree } = await modules();
    const problems = tree.modules.flatMap((m) => alarmProblems(m, catalog));
    assert.deepEqual(problems, []);
  });

  it('the alarms on the application namespace cover ingest, Glue and Redshift', async () => {
    const { monitoring } = await modules();
    const appMetrics = alarmMetrics(monitoring).filter((r) => r.namespace === '${local.ns}').map((r) => r.metric);
    for (const name of ['RecordsReceived', 'RawZoneFlushes', 'GlueJobRunFailures', 'RedshiftLoadFailures']) {
      assert.ok(appMetrics.includes(name), `no alarm watches ${name}`);
    }
  });

  it('the application gets the namespace the alarms watch, in both compute modes', async () => {
    const { root, app } = await modules();
    const calls = moduleCallsOf(root);
    const appCall = calls.find((c) => c.targetDir === path.join(TERRAFORM, 'modules/app'));
    const monitoringCall = calls.find((c) => c.targetDir === path.join(TERRAFORM, 'modules/monitoring'));
    assert.equal(appCall.body.metrics_namespace, '${var.metrics_namespace}');
    assert.equal(monitoringCall.body.metrics_namespace, '${var.metrics_namespace}');
    const outputs = Object.assign({}, ...app.files.map((f) => f.json.output ?? {}));
    assert.equal(outputs.environment[0].value.TRIBUTARY_METRICS_NAMESPACE, '${var.metrics_namespace}', 'Lambda environment');
    assert.match(JSON.stringify(outputs.container_environment[0].value), /TRIBUTARY_METRICS_NAMESPACE\s*=\s*var\.metrics_namespace/, 'ECS environment');
  });

  it('rejects an alarm on a metric the application does not emit, or by other dimensions', async () => {
    const catalog = loadCatalog(REPO);
    const mod = await moduleFromSources({ 'main.tf': `
locals {
  ns = var.metrics_namespace
}
resource "aws_cloudwatch_metric_alarm" "stale" {
  namespace          = local.ns
  metric_name        = "RawZoneLastFlushAgeSeconds"
  treat_missing_data = "breaching"
}
resource "aws_cloudwatch_metric_alarm" "undimensioned" {
  namespace          = local.ns
  metric_name        = "RedshiftLoadFailures"
  treat_missing_data = "notBreaching"
}
resource "aws_cloudwatch_metric_alarm" "made_up" {
  namespace          = "Custom/Thing"
  metric_name        = "Errors"
}
resource "aws_cloudwatch_metric_alarm" "math" {
  treat_missing_data = "notBreaching"
  metric_query {
    id = "m"
    metric {
      namespace   = local.ns
      metric_name = "RecordsDropped"
      dimensions  = { StreamName = "s" }
    }
  }
}
` }, path.join('/virtual', 'terraform', 'modules', 'monitoring'));
    const problems = alarmProblems(mod, catalog).join('\n');
    assert.match(problems, /stale: watches RawZoneLastFlushAgeSeconds .* does not emit/);
    assert.match(problems, /undimensioned: watches RedshiftLoadFailures by \[\], the application emits it by \[StreamName\]/);
    assert.match(problems, /made_up: namespace Custom\/Thing/);
    assert.match(problems, /made_up: treat_missing_data is not set/);
    assert.match(problems, /math: watches RecordsDropped/);
  });
});
