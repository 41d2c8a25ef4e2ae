// The Step Functions definition as Terraform deploys it, rendered by Terraform itself, offline: the orchestration
// module's definition.tf (which uses only var.* and local.arn_prefix) and its state-machine.asl.json.tftpl are copied
// into a scratch directory with the variables it reads (types and validations from the module) and the values the root
// module passes (render.mjs: files read, apply-time values as placeholders), then `terraform apply` of that
// provider-less configuration prints local.definition. No init, no network, no state outside the scratch directory.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { asList, exprOf, loadTree, variablesOf } from './hcl.mjs';
import { evaluate } from './render.mjs';

const run = promisify(execFile);

export const ORCHESTRATION = 'modules/orchestration';

function variableSource(name, body) {
  const validations = asList(body.validation).map((v) => `
  validation {
    condition     = ${exprOf(v.condition) ?? JSON.stringify(v.condition)}
    error_message = ${JSON.stringify(v.error_message)}
  }`).join('');
  return `variable "${name}" {\n  type = ${exprOf(body.type) ?? body.type}${validations}\n}\n`;
}

/** The module's variables definition.tf reads, with the values the root module passes: { name: value }. */
export async function definitionInputs(tree) {
  const mod = tree.modules.find((m) => m.dir === path.join(tree.rootDir, ORCHESTRATION));
  const src = fs.readFileSync(path.join(mod.dir, 'definition.tf'), 'utf8');
  const names = [...new Set([...src.matchAll(/\bvar\.([A-Za-z0-9_]+)/g)].map((m) => m[1]))];
  const inputs = {};
  for (const name of names) inputs[name] = await evaluate(tree, mod, `var.${name}`);
  return { mod, names, inputs };
}

/**
 * Renders the definition with Terraform. overrides replace input values (to render a broken variant, e.g. today's
 * SQL); the result is { text, json, inputs }. Fails with Terraform's own message when a validation refuses a value.
 */
export async function renderDefinition(terraformDir, overrides = {}) {
  const tree = await loadTree(terraformDir);
  const { mod, names, inputs } = await definitionInputs(tree);
  Object.assign(inputs, overrides);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-state-machine-'));
  try {
    fs.copyFileSync(path.join(mod.dir, 'definition.tf'), path.join(scratch, 'definition.tf'));
    fs.copyFileSync(path.join(mod.dir, 'state-machine.asl.json.tftpl'), path.join(scratch, 'state-machine.asl.json.tftpl'));
    const vars = variablesOf(mod).filter((v) => names.includes(v.name));
    fs.writeFileSync(path.join(scratch, 'variables.tf'), vars.map((v) => variableSource(v.name, v.body)).join('\n'));
    fs.writeFileSync(path.join(scratch, 'scratch.tf'),
      'locals {\n  arn_prefix = "arn:aws"\n}\n\noutput "definition" {\n  value = local.definition\n}\n');
    fs.writeFileSync(path.join(scratch, 'terraform.tfvars.json'), JSON.stringify(inputs));
    const env = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
    try {
      await run('terraform', ['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: scratch, env });
    } catch (e) {
      throw new Error(`terraform could not render the definition:\n${e.stdout}\n${e.stderr}`);
    }
    const { stdout } = await run('terraform', ['output', '-raw', 'definition'], { cwd: scratch, env });
    return { text: stdout, json: JSON.parse(stdout), inputs };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
