// The QuickSight module really reads the shared dashboard definition, and its typed `definition` variable accepts
// that file and rejects what QuickSight could not draw, judged by Terraform itself: the variable (type and
// validations, copied from the real tree) is planned alone with the file, then with broken copies of it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { asList, blocksOf, exprOf, loadTree, moduleCallsOf, variablesOf } from './lib/hcl.mjs';
import { DASHBOARD_PATH, TERRAFORM_DIR } from './lib/context.mjs';

let tree;
let scratch;
let dir;
const definition = JSON.parse(fs.readFileSync(DASHBOARD_PATH, 'utf8'));
const quicksightModule = () => tree.modules.find((m) => m.dir.endsWith(`${path.sep}modules${path.sep}quicksight`));

before(async () => {
  tree = await loadTree(TERRAFORM_DIR);
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-quicksight-'));
  const variable = variablesOf(quicksightModule()).find((v) => v.name === 'definition');
  assert.ok(variable, 'modules/quicksight has no variable "definition"');
  const validations = asList(variable.body.validation).map((v) => `
  validation {
    condition     = ${exprOf(v.condition) ?? JSON.stringify(v.condition)}
    error_message = ${JSON.stringify(v.error_message)}
  }`).join('');
  dir = fs.mkdtempSync(path.join(scratch, 'definition-'));
  fs.writeFileSync(path.join(dir, 'main.tf'), `variable "definition" {\n  type = ${exprOf(variable.body.type)}${validations}\n}\n`);
});
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Plans the variable alone with value as a .tfvars.json; true when accepted, false when a validation rejects it. */
function accepts(value) {
  const varFile = path.join(dir, `v-${Math.random().toString(36).slice(2)}.tfvars.json`);
  fs.writeFileSync(varFile, JSON.stringify({ definition: value }));
  return new Promise((resolve, reject) => {
    execFile('terraform', ['plan', '-input=false', '-no-color', '-lock=false', `-var-file=${varFile}`], {
      cwd: dir,
      env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' },
    }, (error, stdout, stderr) => {
      if (!error) return resolve(true);
      if (/Invalid value for variable/.test(stderr)) return resolve(false);
      reject(new Error(`terraform plan failed for another reason:\n${stderr}`));
    });
  });
}

const broken = (change) => {
  const copy = structuredClone(definition);
  change(copy);
  return copy;
};

describe('modules/quicksight and the dashboard definition', () => {
  it('is called by the root module with jsondecode(file(src/main/resources/dashboard/definition.json))', () => {
    const root = tree.modules.find((m) => m.dir === TERRAFORM_DIR);
    const call = moduleCallsOf(root).find((c) => c.name === 'quicksight');
    assert.ok(call, 'no module "quicksight" in the root module');
    assert.equal(call.body.definition, '${local.dashboard_definition}');
    const local = root.files.flatMap((f) => f.json.locals ?? []).find((l) => l.dashboard_definition)?.dashboard_definition;
    assert.equal(local, '${jsondecode(file("${path.root}/../src/main/resources/dashboard/definition.json"))}');
  });

  it('defines data sets, an analysis from the definition, and a dashboard published from it', () => {
    const mod = quicksightModule();
    assert.equal(blocksOf(mod, 'aws_quicksight_data_set').length, 1);
    assert.equal(blocksOf(mod, 'aws_quicksight_analysis').length, 1);
    const template = blocksOf(mod, 'aws_quicksight_template')[0];
    assert.match(template.body.source_entity[0].source_analysis[0].arn, /aws_quicksight_analysis\.this\.arn/);
    const dashboard = blocksOf(mod, 'aws_quicksight_dashboard')[0];
    assert.match(dashboard.body.source_entity[0].source_template[0].arn, /aws_quicksight_template\.this\.arn/);
    // A changed definition must publish a new template and dashboard version.
    for (const b of [template, dashboard]) assert.match(b.body.version_description, /definition_hash/);
  });

  it('the definition file uses every dataset and only the kinds QuickSight renders here', () => {
    const used = new Set(definition.visuals.map((v) => v.dataset));
    for (const d of definition.datasets) assert.ok(used.has(d.id), `dataset ${d.id} is drawn by no visual`);
    for (const v of definition.visuals) assert.ok(['line', 'bar', 'pie'].includes(v.kind), `${v.id}: kind ${v.kind}`);
  });

  it('its definition variable accepts the real file', async () => {
    assert.equal(await accepts(definition), true);
  });

  const cases = {
    'an unknown visual kind': (d) => { d.visuals[0].kind = 'scatter'; },
    'a visual of a dataset that does not exist': (d) => { d.visuals[0].dataset = 'nope'; },
    'a visual column its dataset lacks': (d) => { d.visuals[0].series = 'nope'; },
    'a y that is not a number': (d) => { d.visuals[0].y = d.visuals[0].series ?? d.visuals[0].x; },
    'a numeric x': (d) => { d.visuals[0].x = d.visuals[0].y; },
    'a pie with a series': (d) => { const pie = d.visuals.find((v) => v.kind === 'pie') ?? d.visuals[0]; pie.kind = 'pie'; pie.series = pie.x; },
    'a column type QuickSight does not know': (d) => { d.datasets[0].columns[0].type = 'TIMESTAMP'; },
    'a dataset on an unknown source': (d) => { d.datasets[0].source = 'postgres'; },
    'duplicate visual ids': (d) => { d.visuals[1].id = d.visuals[0].id; },
  };
  for (const [name, change] of Object.entries(cases)) {
    it(`its definition variable rejects ${name}`, async () => {
      assert.equal(await accepts(broken(change)), false);
    });
  }
});
