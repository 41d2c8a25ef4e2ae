// The validation blocks of the Lambda event source mapping's variables accept exactly what AWS accepts, judged by
// Terraform itself: each variable (type and validations, copied from the real tree) is planned alone in a scratch
// directory with one value at a time. A configuration without providers needs no `terraform init` and no network.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { asList, exprOf, loadTree, variablesOf } from './lib/hcl.mjs';
import { TERRAFORM_DIR } from './lib/context.mjs';

// AWS ranges for Kinesis event source mappings (Lambda developer guide, "Lambda parameters for Amazon Kinesis Data
// Streams event source mappings", and the CreateEventSourceMapping API reference): -1 means infinite for retries and
// record age; a record age is otherwise 60-604800 ("values less than 60 and greater than -1 ... are not allowed").
const whole = (lo, hi) => (x) => Number.isInteger(x) && x >= lo && x <= hi;
const RANGES = {
  maximum_retry_attempts: { ok: whole(-1, 10000), probe: [-2, -1, 0, 1, 10, 10000, 10001, 2.5] },
  maximum_record_age_in_seconds: {
    ok: (x) => x === -1 || whole(60, 604800)(x), probe: [-2, -1, 0, 1, 59, 60, 86400, 604800, 604801, 60.5],
  },
  batch_size: { ok: whole(1, 10000), probe: [0, 1, 1000, 10000, 10001, 1.5] },
  maximum_batching_window_in_seconds: { ok: whole(0, 300), probe: [-1, 0, 10, 300, 301] },
  // AWS takes 1-10; we take only 1 on purpose: each invocation publishes its shard's durable watermark, which is only
  // true with one batch of a shard in flight (docs/lambda.md)
  parallelization_factor: { ok: (x) => x === 1, probe: [0, 1, 2, 10, 11] },
};
// variable name in the tree -> the AWS setting it feeds
const VARIABLES = {
  'modules/lambda_consumer': {
    maximum_retry_attempts: 'maximum_retry_attempts',
    maximum_record_age_in_seconds: 'maximum_record_age_in_seconds',
    batch_size: 'batch_size',
    maximum_batching_window_in_seconds: 'maximum_batching_window_in_seconds',
    parallelization_factor: 'parallelization_factor',
  },
  '.': {
    lambda_maximum_retry_attempts: 'maximum_retry_attempts',
    lambda_maximum_record_age_in_seconds: 'maximum_record_age_in_seconds',
    lambda_batch_size: 'batch_size',
    lambda_maximum_batching_window_in_seconds: 'maximum_batching_window_in_seconds',
  },
};

let tree;
let scratch;

before(async () => {
  tree = await loadTree(TERRAFORM_DIR);
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-validations-'));
});
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** The variable block rebuilt from the parsed tree: its type and every validation, nothing else (no default). */
function variableSource(name, body) {
  const validations = asList(body.validation).map((v) => `
  validation {
    condition     = ${exprOf(v.condition) ?? JSON.stringify(v.condition)}
    error_message = ${JSON.stringify(v.error_message)}
  }`).join('');
  return `variable "${name}" {\n  type = ${exprOf(body.type) ?? body.type}${validations}\n}\n`;
}

/** Runs `terraform plan` on the variable alone; true when Terraform accepts the value, false when a validation rejects it. */
function accepts(dir, name, value) {
  return new Promise((resolve, reject) => {
    execFile('terraform', ['plan', '-input=false', '-no-color', '-lock=false', `-var=${name}=${value}`], {
      cwd: dir,
      env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' },
    }, (error, stdout, stderr) => {
      if (!error) return resolve(true);
      if (/Invalid value for variable/.test(stderr)) return resolve(false);
      reject(new Error(`terraform plan -var ${name}=${value} failed for another reason:\n${stderr}`));
    });
  });
}

for (const [modDir, variables] of Object.entries(VARIABLES)) {
  describe(`${modDir === '.' ? 'root module' : modDir}: validations match the AWS ranges`, () => {
    for (const [name, setting] of Object.entries(variables)) {
      it(`${name} (${setting})`, async () => {
        const mod = tree.modules.find((m) => m.dir === path.resolve(TERRAFORM_DIR, modDir));
        const variable = variablesOf(mod).find((v) => v.name === name);
        assert.ok(variable, `no variable "${name}" in ${modDir}`);
        assert.ok(asList(variable.body.validation).length > 0, `variable "${name}" has no validation block`);
        const { ok, probe } = RANGES[setting];
        assert.ok(ok(variable.body.default), `the default ${variable.body.default} is itself out of range`);
        const dir = fs.mkdtempSync(path.join(scratch, `${name}-`));
        fs.writeFileSync(path.join(dir, 'main.tf'), variableSource(name, variable.body));
        const wrong = [];
        for (const value of probe) {
          const got = await accepts(dir, name, value);
          if (got !== ok(value)) wrong.push(`${value}: Terraform ${got ? 'accepts' : 'rejects'}, AWS ${ok(value) ? 'accepts' : 'rejects'}`);
        }
        assert.deepEqual(wrong, []);
      });
    }
  });
}
