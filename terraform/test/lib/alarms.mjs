// Every CloudWatch alarm must watch a metric something publishes: AWS's own, or one the application emits as Embedded
// Metric Format lines. The application's list is src/main/resources/metrics/emf-metrics.json (EmfMetrics emits exactly
// it, EmfMetricsTest checks that), so an alarm on a name or dimension set the application does not emit fails here.
import fs from 'node:fs';
import path from 'node:path';
import { blocksOf, localsOf, asList } from './hcl.mjs';

export const CATALOG = path.join('src', 'main', 'resources', 'metrics', 'emf-metrics.json');

// Namespaces AWS services publish to. Glue's job metrics (--enable-metrics) are in "Glue", without the AWS/ prefix
// (AWS Glue developer guide, "Monitoring AWS Glue using Amazon CloudWatch metrics").
const AWS_NAMESPACES_WITHOUT_PREFIX = new Set(['Glue']);
const APP_NAMESPACE_REFS = new Set(['${local.ns}', '${var.metrics_namespace}']);

/** The application's metrics: name -> sorted dimension names. Throws when the file is missing. */
export function loadCatalog(repoRoot) {
  const json = JSON.parse(fs.readFileSync(path.join(repoRoot, CATALOG), 'utf8'));
  return new Map(json.metrics.map((m) => [m.name, [...m.dimensions].sort()]));
}

/** The literal strings an expression can take: "x" -> [x]; "${c ? \"a\" : \"b\"}" -> [a, b]; a reference -> [itself]. */
function literals(value) {
  if (typeof value !== 'string') return [String(value)];
  if (!value.startsWith('${')) return [value];
  const quoted = [...value.matchAll(/"([^"\\]*)"/g)].map((m) => m[1]);
  return quoted.length > 0 ? quoted : [value];
}

function dimensionNames(dimensions, locals) {
  if (dimensions === undefined) return [];
  let d = dimensions;
  const ref = typeof d === 'string' ? d.match(/^\$\{local\.([a-z0-9_]+)\}$/) : null;
  if (ref) d = locals[ref[1]];
  if (typeof d === 'string') {
    // a conditional of two maps: every key named in it (only AWS-namespace alarms use this)
    return [...new Set([...d.matchAll(/\{\s*([A-Za-z]+)\s*=/g)].map((m) => m[1]))].sort();
  }
  return Object.keys(d ?? {}).sort();
}

/** [{ alarm, namespace, metric, dimensions }] of every metric an alarm reads, directly or in a metric_query. */
export function alarmMetrics(mod) {
  const locals = localsOf(mod);
  const out = [];
  for (const { name, body } of blocksOf(mod, 'aws_cloudwatch_metric_alarm')) {
    const refs = [];
    if (body.metric_name !== undefined || body.namespace !== undefined) refs.push(body);
    for (const q of asList(body.metric_query)) for (const m of asList(q.metric)) refs.push(m);
    for (const r of refs) out.push({ alarm: name, namespace: r.namespace, metric: r.metric_name, dimensions: dimensionNames(r.dimensions, locals) });
    if (refs.length === 0) out.push({ alarm: name, namespace: undefined, metric: undefined, dimensions: [] });
  }
  return out;
}

/** Problems of one module's alarms against the application's catalog. */
export function alarmProblems(mod, catalog) {
  const problems = [];
  for (const { alarm, namespace, metric, dimensions } of alarmMetrics(mod)) {
    if (namespace === undefined || metric === undefined) {
      problems.push(`${alarm}: no namespace or metric name`);
      continue;
    }
    if (APP_NAMESPACE_REFS.has(namespace)) {
      for (const name of literals(metric)) {
        if (!catalog.has(name)) {
          problems.push(`${alarm}: watches ${name} in the application's namespace, which the application does not emit (${CATALOG})`);
        } else if (JSON.stringify(catalog.get(name)) !== JSON.stringify(dimensions)) {
          problems.push(`${alarm}: watches ${name} by [${dimensions}], the application emits it by [${catalog.get(name)}]`);
        }
      }
      continue;
    }
    for (const ns of literals(namespace)) {
      if (!ns.startsWith('AWS/') && !AWS_NAMESPACES_WITHOUT_PREFIX.has(ns)) {
        problems.push(`${alarm}: namespace ${ns} is neither AWS's nor the application's (var.metrics_namespace)`);
      }
    }
  }
  for (const { name, body } of blocksOf(mod, 'aws_cloudwatch_metric_alarm')) {
    if (body.treat_missing_data === undefined) problems.push(`${name}: treat_missing_data is not set (decide what no data means)`);
  }
  return problems;
}
