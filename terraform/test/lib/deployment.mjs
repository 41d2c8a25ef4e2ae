// What Terraform deploys for the application and the Glue job, read out of terraform/ and rendered offline (render.mjs):
// the Glue job's command and default arguments and the artifact paths behind them, the ECS container's environment and
// secrets, and the Lambda function's environment. The deployment conformance tests (deployment.test.mjs here, and the
// Java tests that run export-deployment.mjs) check these against the code.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { blocksOf, exprOf, first } from './hcl.mjs';
import { evaluate, render } from './render.mjs';

function moduleNamed(tree, name) {
  const mod = tree.modules.find((m) => m.dir === path.join(tree.rootDir, 'modules', name));
  if (!mod) throw new Error(`terraform/modules/${name} not found`);
  return mod;
}

function only(mod, type) {
  const blocks = blocksOf(mod, type);
  if (blocks.length !== 1) throw new Error(`${mod.dir}: expected one ${type}, found ${blocks.length}`);
  return blocks[0].body;
}

/** `[for k, v in COLLECTION : { name = k, <field> = v }]` as a map name -> value, evaluated; anything else fails loudly. */
async function namedList(tree, mod, value, field) {
  const expr = exprOf(value);
  const m = expr && new RegExp(`^\\[\\s*for\\s+(\\w+)\\s*,\\s*(\\w+)\\s+in\\s+([\\s\\S]+?)\\s*:\\s*\\{\\s*name\\s*=\\s*\\1\\s*,\\s*${field}\\s*=\\s*([\\s\\S]+?)\\s*\\}\\s*\\]$`).exec(expr);
  if (!m) throw new Error(`${mod.dir}: cannot read the container's ${field} list '${value}' (expected [for name, x in MAP : { name = name, ${field} = ... }])`);
  const collection = await evaluate(tree, mod, m[3]);
  if (!collection || typeof collection !== 'object') throw new Error(`${mod.dir}: ${m[3]} does not render to a map`);
  if (m[4].trim() !== m[2]) throw new Error(`${mod.dir}: the ${field} of each entry must be the map's value itself, got '${m[4]}'`);
  return collection;
}

/** The Glue job as deployed: command, default arguments and the local files Terraform uploads. */
export async function glueJob(tree) {
  const mod = moduleNamed(tree, 'glue_job');
  const job = only(mod, 'aws_glue_job');
  const command = await render(tree, mod, first(job.command));
  const defaultArguments = await render(tree, mod, job.default_arguments);
  const rel = async (v) => path.resolve(tree.rootDir, await evaluate(tree, mod, v));
  return {
    command,
    defaultArguments,
    scriptPath: await rel('var.entry_script_path'),
    jarPath: await rel('var.jar_path'),
  };
}

/** The ECS container: environment (name -> value) and secrets (name -> valueFrom). */
export async function ecsContainer(tree) {
  const mod = moduleNamed(tree, 'ecs_service');
  const task = only(mod, 'aws_ecs_task_definition');
  const expr = exprOf(task.container_definitions);
  const m = expr && /^jsonencode\(([\s\S]*)\)$/.exec(expr);
  if (!m) throw new Error(`${mod.dir}: container_definitions is not jsonencode([...])`);
  const containers = (await parse('containers.tf', `containers = ${m[1].trim()}\n`)).containers;
  const app = containers.find((c) => c.name === 'tributary');
  if (!app) throw new Error(`${mod.dir}: no container named tributary`);
  return {
    environment: await namedList(tree, mod, app.environment, 'value'),
    secrets: await namedList(tree, mod, app.secrets, 'valueFrom'),
  };
}

/**
 * A Lambda function's environment (name -> value; both runtimes' variables): the ingest function (`this`) or the
 * lake-ops function (`lake_ops`, the same zip with another handler bean) of modules/lambda_consumer.
 */
export async function lambdaFunction(tree, name = 'this') {
  const mod = moduleNamed(tree, 'lambda_consumer');
  const block = blocksOf(mod, 'aws_lambda_function').find((b) => b.name === name);
  if (!block) throw new Error(`${mod.dir}: no aws_lambda_function.${name}`);
  return { environment: await render(tree, mod, first(block.body.environment).variables) };
}

/** Everything above, as one JSON-able object. */
export async function deployment(tree) {
  return {
    glue: await glueJob(tree),
    ecs: await ecsContainer(tree),
    lambda: await lambdaFunction(tree),
    lakeOps: await lambdaFunction(tree, 'lake_ops'),
  };
}

/** Names of the entries of a zip file (a jar), read from its central directory. */
export function zipEntries(file) {
  const buf = fs.readFileSync(file);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file (no end of central directory)`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${file}: broken central directory`);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    names.push(buf.toString('utf8', p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}
