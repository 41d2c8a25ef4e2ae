// Rules for the QuickSight module: its data sets and visuals are the shared dashboard definition's (issue 13), and
// QuickSight's roles are granted what its data sources read (issue 9, item 7).
import path from 'node:path';
import {
  asList, blocksOf, exprOf, first, jsonFileOfLocal, localsOf, moduleCallsOf, variablesOf,
} from './hcl.mjs';

const rel = (tree, file) => path.relative(tree.rootDir, file.path) || path.basename(file.path);

/** The visual kinds of the definition and the QuickSight visual block each becomes. */
export const KIND_BLOCKS = { line: 'line_chart_visual', bar: 'bar_chart_visual', pie: 'pie_chart_visual' };

/** Which field well holds which of a visual's columns. */
const WELL_ROLES = { category: 'x', values: 'y', colors: 'series', small_multiples: 'split' };

// --- A small evaluator: enough of HCL to render the attributes the rules compare, no more ---------------------------

const UNKNOWN = Symbol('unknown');

/** A dynamic block's iterator name (hcl2json renders `iterator = v` as "${v}"). */
const iteratorOf = (dyn, dflt) => (dyn.iterator === undefined ? dflt : exprOf(dyn.iterator) ?? dyn.iterator);

/** Value of a dotted reference (each.value.sql, v.value.id, columns.value.name) in scope; UNKNOWN when not bound. */
function lookup(ref, scope) {
  const parts = ref.split('.');
  if (!(parts[0] in scope)) return UNKNOWN;
  let value = scope[parts[0]];
  for (const p of parts.slice(1)) {
    if (value === null || value === undefined) return null;
    value = value[p];
  }
  return value === undefined ? null : value;
}

/**
 * Renders a string attribute: literals as they are, "${ref}" as the bound value (keeping its type), and templates
 * mixing both with unbound references kept as <ref>. Anything else (a function call, a conditional) is UNKNOWN.
 */
export function render(value, scope) {
  if (typeof value !== 'string') return value;
  const whole = exprOf(value);
  if (whole !== null && /^[A-Za-z_][\w.]*$/.test(whole)) {
    const v = lookup(whole, scope);
    return v === UNKNOWN ? `<${whole}>` : v;
  }
  let unknown = false;
  const out = value.replace(/\$\{([^{}]+)\}/g, (_, inner) => {
    const ref = inner.trim();
    if (!/^[A-Za-z_][\w.]*$/.test(ref)) {
      unknown = true;
      return '';
    }
    const v = lookup(ref, scope);
    return v === UNKNOWN ? `<${ref}>` : String(v);
  });
  return unknown ? UNKNOWN : out;
}

// --- Where the definition comes from -------------------------------------------------------------------------------

/**
 * The file behind the module's dashboard definition and the expression that names it in the module
 * ("var.definition" fed by a caller's jsondecode(file(...)) local, or a jsondecode(file(...)) local of the module
 * itself), or a string saying why it cannot be resolved offline.
 */
function definitionSource(tree, mod) {
  if (variablesOf(mod).some((v) => v.name === 'definition')) {
    for (const caller of tree.modules) {
      for (const call of moduleCallsOf(caller)) {
        if (call.targetDir !== mod.dir) continue;
        const m = /^local\.([A-Za-z0-9_]+)$/.exec(exprOf(call.body.definition) ?? '');
        if (!m) return `module "${call.name}" must pass definition = local.<x>, a jsondecode(file(...)) of the definition file`;
        const file = jsonFileOfLocal(tree, caller, m[1]);
        return file ? { file, ref: 'var.definition' } : `local.${m[1]} is not jsondecode(file(...)) of a path resolvable offline`;
      }
    }
    return 'variable "definition" is passed by no module call';
  }
  for (const name of Object.keys(localsOf(mod))) {
    const file = jsonFileOfLocal(tree, mod, name);
    if (file) return { file, ref: `local.${name}` };
  }
  return 'no variable "definition" and no jsondecode(file(...)) local';
}

/** The name of a local (or the ref itself) that is `{ for d in <ref>.datasets : d.id => d }`, checked. */
function isDatasetsMap(expr, ref) {
  const m = /^\{\s*for\s+(\w+)\s+in\s+([\w.]+)\.datasets\s*:\s*(\w+)\.id\s*=>\s*(\w+)\s*\}$/.exec(expr.trim());
  return Boolean(m) && m[2] === ref && m[1] === m[3] && m[1] === m[4];
}

/** `<ref>.visuals`, `[for v in <ref>.visuals : v]` or `[for v in <ref>.visuals : merge(v, {...})]`. */
function isVisualsList(expr, ref) {
  const e = expr.trim();
  if (e === `${ref}.visuals`) return true;
  const m = /^\[\s*for\s+(\w+)\s+in\s+([\w.]+)\.visuals\s*:\s*([\s\S]*)\]$/.exec(e);
  if (!m || m[2] !== ref) return false;
  const body = m[3].trim();
  return body === m[1] || new RegExp(`^merge\\(\\s*${m[1]}\\s*,`).test(body);
}

/** Resolves for_each = local.x to local x's expression; returns the expression text. */
function forEachExpr(mod, value) {
  const expr = exprOf(value) ?? '';
  const m = /^local\.([A-Za-z0-9_]+)$/.exec(expr);
  if (m) return exprOf(localsOf(mod)[m[1]]) ?? '';
  return expr;
}

// --- Data sets ------------------------------------------------------------------------------------------------------

/** What a data set block renders to for one dataset: { id, sql, columns } or a violation string. */
function renderDataSet(block, dataset) {
  const scope = { each: { key: dataset.id, value: dataset } };
  const table = first(block.body.physical_table_map);
  const sql = first(table?.custom_sql);
  if (!sql) return 'has no physical_table_map { custom_sql { ... } }';
  const statics = asList(sql.columns);
  const dynamics = asList(sql.dynamic?.columns);
  let columns;
  if (statics.length > 0) {
    columns = statics.map((c) => ({ name: render(c.name, scope), type: render(c.type, scope) }));
  } else if (dynamics.length === 1) {
    const dyn = dynamics[0];
    const items = render(dyn.for_each, scope);
    if (!Array.isArray(items)) return `dynamic "columns" for_each must be each.value.columns, found ${dyn.for_each}`;
    const iterator = iteratorOf(dyn, 'columns');
    const content = first(dyn.content) ?? {};
    columns = items.map((c) => {
      const s = { ...scope, [iterator]: { value: c } };
      return { name: render(content.name, s), type: render(content.type, s) };
    });
  } else {
    return 'custom_sql defines no columns (or more than one dynamic "columns")';
  }
  return {
    id: render(block.body.data_set_id, scope),
    sql: render(sql.sql_query, scope),
    columns,
  };
}

// --- Visuals --------------------------------------------------------------------------------------------------------

/** Every column block under a visual's content: [{ well, dataset, column }], iterators bound to the visual. */
function columnsOf(node, scope, well = null, out = []) {
  if (Array.isArray(node)) {
    for (const n of node) columnsOf(n, scope, well, out);
    return out;
  }
  if (!node || typeof node !== 'object') return out;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'dynamic') {
      for (const [type, dyns] of Object.entries(value)) {
        for (const dyn of asList(dyns)) {
          const it = iteratorOf(dyn, type);
          // A nested dynamic block of a visual iterates over [<iterator>.value] or nothing: bind it to the same visual.
          const m = /\[\s*(\w+)\.value\s*\]/.exec(exprOf(dyn.for_each) ?? '');
          const bound = m && scope[m[1]] ? scope[m[1]] : null;
          if (!bound) {
            out.push({ well: WELL_ROLES[type] ?? well, problem: `dynamic "${type}" does not iterate over [<visual>.value]` });
            continue;
          }
          columnsOf(dyn.content, { ...scope, [it]: bound }, WELL_ROLES[type] ?? well, out);
        }
      }
    } else if (key === 'column') {
      for (const c of asList(value)) {
        out.push({ well, dataset: render(c.data_set_identifier, scope), column: render(c.column_name, scope) });
      }
    } else if (typeof value === 'object') {
      columnsOf(value, scope, WELL_ROLES[key] ?? well, out);
    }
  }
  return out;
}

/** The dynamic visual blocks of the analysis' sheets: [{ forEach, iterator, content }]. */
function visualLoops(analysis) {
  const out = [];
  for (const sheet of asList(first(analysis.body.definition)?.sheets)) {
    for (const dyn of asList(sheet.dynamic?.visuals)) {
      out.push({ forEach: dyn.for_each, iterator: iteratorOf(dyn, 'visuals'), content: first(dyn.content) ?? {} });
    }
    if (asList(sheet.visuals).length > 0) out.push({ static: true });
  }
  return out;
}

/** Renders one definition visual through a dynamic visuals block: { kind, id, title, dataset, wells } or a string. */
function renderVisual(loop, visual) {
  const scope = { [loop.iterator]: { value: visual } };
  const matches = [];
  for (const [type, dyns] of Object.entries(loop.content.dynamic ?? {})) {
    for (const dyn of asList(dyns)) {
      const cond = /^(\w+)\.value\.kind\s*==\s*"(\w+)"\s*\?\s*\[\s*(\w+)\.value\s*\]\s*:\s*\[\s*\]$/.exec(exprOf(dyn.for_each) ?? '');
      if (!cond || cond[1] !== loop.iterator || cond[3] !== loop.iterator) {
        return `dynamic "${type}" for_each must be ${loop.iterator}.value.kind == "<kind>" ? [${loop.iterator}.value] : []`;
      }
      if (cond[2] === visual.kind) matches.push({ type, dyn });
    }
  }
  if (matches.length !== 1) return `${matches.length} visual blocks render kind "${visual.kind}" (expected exactly one)`;
  const { type, dyn } = matches[0];
  const content = first(dyn.content) ?? {};
  const inner = { ...scope, [iteratorOf(dyn, type)]: { value: visual } };
  const columns = columnsOf(content, inner);
  const problem = columns.find((c) => c.problem);
  if (problem) return problem.problem;
  const wells = {};
  for (const c of columns) {
    if (c.column === null) continue; // an optional field well the visual does not use (no series, no split)
    (wells[c.well ?? '?'] ??= new Set()).add(`${c.dataset}.${c.column}`);
  }
  return {
    block: type,
    id: render(content.visual_id, inner),
    title: render(first(first(content.title)?.format_text)?.plain_text, inner),
    wells: Object.fromEntries(Object.entries(wells).map(([k, v]) => [k, [...v].sort()])),
  };
}

const sorted = (o) => Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));

const expectedWells = (v) => Object.fromEntries(Object.entries({ x: v.x, y: v.y, series: v.series, split: v.split })
  .filter(([, col]) => col !== undefined && col !== null)
  .map(([well, col]) => [well, [`${v.dataset}.${col}`]]));

export const quicksightMatchesDefinition = {
  id: 'quicksight-matches-dashboard-definition',
  description: 'QuickSight data sets are the dashboard definition\'s datasets (ids, SQL, columns) and the analysis\' visuals are '
    + 'its visuals (ids, titles, kind, dataset and columns per field well), generated from the one definition file',
  async check(tree, ctx) {
    const violations = [];
    for (const mod of tree.modules) {
      const dataSets = blocksOf(mod, 'aws_quicksight_data_set');
      const analyses = blocksOf(mod, 'aws_quicksight_analysis');
      const dashboards = blocksOf(mod, 'aws_quicksight_dashboard');
      if (dataSets.length + analyses.length + dashboards.length === 0) continue;
      const where = rel(tree, (dataSets[0] ?? analyses[0] ?? dashboards[0]).file);

      const source = definitionSource(tree, mod);
      if (typeof source === 'string') {
        violations.push(`${where}: the dashboard definition: ${source}`);
        continue;
      }
      if (path.resolve(source.file) !== path.resolve(ctx.dashboardPath)) {
        violations.push(`${where}: the dashboard definition is read from ${source.file}, not ${ctx.dashboardPath}`);
        continue;
      }
      const definition = ctx.dashboard;

      // Data sets: one resource, for_each over the definition's datasets, rendering each dataset's SQL and columns.
      if (dataSets.length !== 1) violations.push(`${where}: ${dataSets.length} aws_quicksight_data_set resources (expected one, for_each over the definition's datasets)`);
      for (const ds of dataSets) {
        const at = `${rel(tree, ds.file)}: aws_quicksight_data_set.${ds.name}`;
        if (!isDatasetsMap(forEachExpr(mod, ds.body.for_each), source.ref)) {
          violations.push(`${at}: for_each must be { for d in ${source.ref}.datasets : d.id => d } (directly or through a local)`);
          continue;
        }
        const ids = new Set();
        for (const dataset of asList(definition.datasets)) {
          const got = renderDataSet(ds, dataset);
          if (typeof got === 'string') {
            violations.push(`${at}: ${got}`);
            break;
          }
          const want = { sql: dataset.sql, columns: asList(dataset.columns).map((c) => ({ name: c.name, type: c.type })) };
          if (JSON.stringify({ sql: got.sql, columns: got.columns }) !== JSON.stringify(want)) {
            violations.push(`${at}: dataset "${dataset.id}" renders ${JSON.stringify({ sql: got.sql, columns: got.columns })}, the definition has ${JSON.stringify(want)}`);
          }
          if (typeof got.id !== 'string' || !got.id.includes(dataset.id)) violations.push(`${at}: data_set_id does not contain the dataset id "${dataset.id}"`);
          ids.add(got.id);
        }
        if (ids.size !== asList(definition.datasets).length) violations.push(`${at}: data_set_id is not unique per dataset`);
      }

      // Analysis: the data set identifiers are the dataset ids, and every visual renders from the definition.
      if (analyses.length !== 1) violations.push(`${where}: ${analyses.length} aws_quicksight_analysis resources (expected one, with a definition)`);
      for (const analysis of analyses) {
        const at = `${rel(tree, analysis.file)}: aws_quicksight_analysis.${analysis.name}`;
        const def = first(analysis.body.definition);
        if (!def) {
          violations.push(`${at}: no definition block`);
          continue;
        }
        const decl = first(def.dynamic?.data_set_identifiers_declarations);
        const declIt = decl ? iteratorOf(decl, 'data_set_identifiers_declarations') : '';
        const declContent = first(decl?.content) ?? {};
        if (!decl || !dataSets.some((ds) => exprOf(decl.for_each) === `aws_quicksight_data_set.${ds.name}`)
          || declContent.identifier !== `\${${declIt}.key}` || declContent.data_set_arn !== `\${${declIt}.value.arn}`) {
          violations.push(`${at}: data_set_identifiers_declarations must be dynamic over the data sets with identifier = key (the dataset id) and data_set_arn = value.arn`);
        }
        const loops = visualLoops(analysis);
        if (loops.length !== 1 || loops[0].static) {
          violations.push(`${at}: visuals must be one dynamic "visuals" block over the definition's visuals (found ${loops.length}${loops.some((l) => l.static) ? ', some static' : ''})`);
          continue;
        }
        const loop = loops[0];
        if (!isVisualsList(forEachExpr(mod, loop.forEach), source.ref)) {
          violations.push(`${at}: dynamic "visuals" for_each must be ${source.ref}.visuals (directly, or [for v in ${source.ref}.visuals : merge(v, {...})] through a local)`);
          continue;
        }
        for (const visual of asList(definition.visuals)) {
          const label = `visual "${visual.id}"`;
          if (!KIND_BLOCKS[visual.kind]) {
            violations.push(`${at}: ${label} has kind "${visual.kind}", which no QuickSight visual block renders (${Object.keys(KIND_BLOCKS).join(', ')})`);
            continue;
          }
          const got = renderVisual(loop, visual);
          if (typeof got === 'string') {
            violations.push(`${at}: ${label}: ${got}`);
            continue;
          }
          if (got.block !== KIND_BLOCKS[visual.kind]) violations.push(`${at}: ${label} (kind ${visual.kind}) renders as ${got.block}, not ${KIND_BLOCKS[visual.kind]}`);
          if (got.id !== visual.id) violations.push(`${at}: ${label} renders visual_id ${JSON.stringify(got.id)}`);
          if (got.title !== visual.title) violations.push(`${at}: ${label} renders title ${JSON.stringify(got.title)}, the definition has ${JSON.stringify(visual.title)}`);
          const want = sorted(expectedWells(visual));
          if (JSON.stringify(sorted(got.wells)) !== JSON.stringify(want)) {
            violations.push(`${at}: ${label} puts columns ${JSON.stringify(got.wells)} in its field wells, the definition says ${JSON.stringify(want)}`);
          }
        }
      }
    }
    return violations;
  },
};

// --- IAM for QuickSight's data sources ------------------------------------------------------------------------------

/** Statements of the policy documents attached to each role by aws_iam_role_policy: Map(roleExpr -> statements). */
function grantsByRole(mod) {
  const docs = new Map(blocksOf(mod, 'aws_iam_policy_document', 'data').map((d) => [d.name, d]));
  const byRole = new Map();
  for (const rp of blocksOf(mod, 'aws_iam_role_policy')) {
    const m = /^data\.aws_iam_policy_document\.([\w-]+)\.json$/.exec(exprOf(rp.body.policy) ?? '');
    const doc = m && docs.get(m[1]);
    if (!doc) continue;
    const role = String(rp.body.role);
    const list = byRole.get(role) ?? [];
    for (const s of asList(doc.body.statement)) {
      if ((s.effect ?? 'Allow') !== 'Allow') continue;
      list.push({ doc: doc.name, actions: asList(s.actions), resources: asList(s.resources), conditions: asList(s.condition) });
    }
    byRole.set(role, list);
  }
  return byRole;
}

const viaService = (s, service) => s.conditions.some((c) => c.test === 'StringEquals' && c.variable === 'kms:ViaService'
  && asList(c.values).length > 0 && asList(c.values).every((v) => String(v).startsWith(`${service}.`)));

/**
 * What each data source type needs from the role QuickSight reads it with: each need is actions that one Allow
 * statement grants on named resources (never "*"), optionally with a resource pattern and a kms:ViaService condition.
 */
const NEEDS = {
  REDSHIFT: (ds) => {
    const secret = first(ds.body.credentials)?.secret_arn;
    return secret ? [
      { what: 'read the data source secret', actions: ['secretsmanager:GetSecretValue'], resource: (r) => r === secret },
      { what: 'decrypt the secret with its key, only through Secrets Manager', actions: ['kms:Decrypt'], via: 'secretsmanager' },
    ] : [];
  },
  ATHENA: () => [
    {
      what: 'run queries in the workgroup',
      actions: ['athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StartQueryExecution'],
      resource: (r) => /workgroup/i.test(r),
    },
    { what: 'read the Glue catalog', actions: ['glue:GetDatabase', 'glue:GetTable'] },
    { what: 'list the buckets it reads', actions: ['s3:GetBucketLocation', 's3:ListBucket'] },
    { what: 'read the curated zone', actions: ['s3:GetObject'], resource: (r) => /curated/.test(r) },
    { what: 'write query results', actions: ['s3:GetObject', 's3:PutObject'], resource: (r) => /athena_results|results_bucket/.test(r) },
    { what: 'use the lake key, only through S3', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], via: 's3' },
  ],
};

function unmet(statements, need) {
  return !statements.some((s) => need.actions.every((a) => s.actions.includes(a))
    && s.resources.length > 0 && !s.resources.includes('*')
    && (!need.resource || s.resources.some((r) => need.resource(String(r))))
    && (!need.via || viaService(s, need.via)));
}

export const quicksightRolesGrantDataSources = {
  id: 'quicksight-roles-grant-data-sources',
  description: 'QuickSight\'s roles are granted what its data sources read, on named resources: a Redshift data source\'s secret and '
    + 'its key (via Secrets Manager); an Athena data source\'s workgroup, Glue catalog, curated and results buckets and key (via S3)',
  async check(tree) {
    const violations = [];
    for (const mod of tree.modules) {
      const sources = blocksOf(mod, 'aws_quicksight_data_source');
      if (sources.length === 0) continue;
      const byRole = grantsByRole(mod);
      for (const ds of sources) {
        const at = `${rel(tree, ds.file)}: aws_quicksight_data_source.${ds.name}`;
        const needs = (NEEDS[ds.body.type] ?? (() => []))(ds);
        if (ds.body.type === 'REDSHIFT' && needs.length === 0) violations.push(`${at}: a Redshift data source without credentials { secret_arn }`);
        if (needs.length === 0) continue;
        // One role must meet every need of the data source: QuickSight reads a data source with one role.
        const roles = [...byRole.entries()].map(([role, statements]) => ({ role, missing: needs.filter((n) => unmet(statements, n)) }));
        if (roles.some((r) => r.missing.length === 0)) continue;
        const best = roles.sort((a, b) => a.missing.length - b.missing.length)[0];
        const missing = best ? best.missing : needs;
        violations.push(`${at}: no role attached with aws_iam_role_policy may ${missing.map((n) => `${n.what} (${n.actions.join(', ')}${n.via ? `, kms:ViaService ${n.via}` : ''})`).join('; ')}`);
      }
      for (const vc of blocksOf(mod, 'aws_quicksight_vpc_connection')) {
        const m = /^aws_iam_role\.([\w-]+)\.arn$/.exec(exprOf(vc.body.role_arn) ?? '');
        const statements = m ? byRole.get(`\${aws_iam_role.${m[1]}.id}`) ?? byRole.get(`\${aws_iam_role.${m[1]}.name}`) ?? [] : [];
        if (!statements.some((s) => s.actions.includes('ec2:CreateNetworkInterface') && s.actions.includes('ec2:DeleteNetworkInterface'))) {
          violations.push(`${rel(tree, vc.file)}: aws_quicksight_vpc_connection.${vc.name}: its role may not create and delete network interfaces`);
        }
      }
    }
    return violations;
  },
};
