// The offline wiring check catches what `terraform validate` would, for the mistakes it covers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { moduleFromSources } from './lib/hcl.mjs';
import { wiringProblems } from './lib/wiring.mjs';

const ROOT = path.join('/virtual', 'terraform');

async function treeWith(rootMain, childOutputs = 'output "id" {\n  value = var.name\n}\n') {
  const root = await moduleFromSources({ 'main.tf': rootMain }, ROOT);
  const child = await moduleFromSources({
    'variables.tf': 'variable "name" {\n  type = string\n}\nvariable "size" {\n  type    = number\n  default = 1\n}\n',
    'outputs.tf': childOutputs,
  }, path.join(ROOT, 'modules', 'child'));
  return { rootDir: ROOT, modules: [root, child] };
}

describe('wiring', () => {
  it('accepts a consistent call', async () => {
    assert.deepEqual(wiringProblems(await treeWith(`
module "child" {
  source = "./modules/child"
  name   = "x"
}
output "child_id" {
  value = module.child.id
}
`)), []);
  });
  it('rejects an undeclared argument', async () => {
    assert.match(wiringProblems(await treeWith('module "child" {\n  source = "./modules/child"\n  name = "x"\n  colour = "red"\n}\n')).join('\n'), /undeclared "colour"/);
  });
  it('rejects a missing required variable', async () => {
    assert.match(wiringProblems(await treeWith('module "child" {\n  source = "./modules/child"\n}\n')).join('\n'), /misses required "name"/);
  });
  it('rejects an unknown module output', async () => {
    assert.match(wiringProblems(await treeWith(`
module "child" {
  source = "./modules/child"
  name   = "x"
}
output "o" {
  value = module.child.arn
}
`)).join('\n'), /module\.child\.arn is not an output/);
  });
  it('rejects undeclared var and undefined local references, but not inside comments', async () => {
    const problems = wiringProblems(await treeWith(`
# var.in_a_comment is fine
output "o" {
  value = "\${var.nope}-\${local.missing}"
}
`)).join('\n');
    assert.match(problems, /var\.nope is not declared/);
    assert.match(problems, /local\.missing is not defined/);
    assert.doesNotMatch(problems, /in_a_comment/);
  });
});
