// Deployment conformance, Glue: the job Terraform deploys runs the code in this repository. Glue compiles the entry
// script (command.script_location) and starts the object named by --class; the script calls the Java job in the jar
// that --extra-jars puts on the classpath. The job's argument parser is checked against the rendered default arguments by
// glue/ and the application's tests (export-deployment.mjs); the environment by DeploymentEnvironmentTest.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadTree } from './lib/hcl.mjs';
import { TERRAFORM_DIR } from './lib/context.mjs';
import { deployment, zipEntries } from './lib/deployment.mjs';

let deployed;

before(async () => {
  deployed = await deployment(await loadTree(TERRAFORM_DIR));
});

/** Top-level objects of a Scala source that define main(Array[String]): the entry points Glue can start. */
function entryObjects(scala) {
  const out = [];
  const re = /^object\s+([A-Za-z_][A-Za-z0-9_]*)\s*(?:extends[^{]*)?\{([\s\S]*?)^\}/gm;
  for (let m = re.exec(scala); m; m = re.exec(scala)) {
    if (/def\s+main\s*\(\s*\w+\s*:\s*Array\[String\]\s*\)/.test(m[2])) out.push(m[1]);
  }
  const pkg = /^package\s+([\w.]+)/m.exec(scala);
  return pkg ? out.map((o) => `${pkg[1]}.${o}`) : out;
}

describe('deployed Glue job', () => {
  it('is a Scala job whose --class is the entry object of the uploaded script', () => {
    const { command, defaultArguments, scriptPath } = deployed.glue;
    assert.equal(defaultArguments['--job-language'], 'scala');
    assert.equal(path.basename(command.script_location), path.basename(scriptPath), 'script_location is not the uploaded script');
    assert.ok(fs.existsSync(scriptPath), `entry script ${scriptPath} does not exist`);
    const objects = entryObjects(fs.readFileSync(scriptPath, 'utf8'));
    assert.deepEqual(objects.length, 1, `${scriptPath} should define exactly one object with main(Array[String]), found ${objects}`);
    assert.equal(defaultArguments['--class'], objects[0],
      `--class ${defaultArguments['--class']} is not the entry object ${objects[0]} of ${path.basename(scriptPath)}: every run would fail at start`);
  });

  it('puts the built job jar on the classpath, holding every io.tributary class the script calls', () => {
    const { defaultArguments, jarPath, scriptPath } = deployed.glue;
    assert.equal(path.basename(defaultArguments['--extra-jars']), path.basename(jarPath));
    assert.ok(fs.existsSync(jarPath), `${jarPath} is missing: build it first (./mvnw -B -f glue/pom.xml package), as bin/test does`);
    const classes = new Set(zipEntries(jarPath).filter((e) => e.endsWith('.class')).map((e) => e.slice(0, -6).replaceAll('/', '.')));
    const used = [...new Set(fs.readFileSync(scriptPath, 'utf8').match(/io\.tributary\.[\w.]*[A-Z]\w*/g) ?? [])];
    assert.ok(used.length > 0, 'the script calls no io.tributary class');
    for (const cls of used) assert.ok(classes.has(cls), `${cls} (called by the script) is not in ${path.basename(jarPath)}`);
  });

  it('passes or lets the runs pass every argument the script requires', () => {
    const scala = fs.readFileSync(deployed.glue.scriptPath, 'utf8');
    const required = JSON.parse(`[${/Required\s*=\s*Array\(([^)]*)\)/.exec(scala)[1]}]`);
    // JOB_NAME comes from Glue; --arrival_hour is per run (HourSealer, the state machine)
    const perRun = new Set(['JOB_NAME', 'arrival_hour']);
    for (const key of required) {
      assert.ok(perRun.has(key) || deployed.glue.defaultArguments[`--${key}`] !== undefined, `--${key} is required by the script and not a default argument`);
    }
  });
});

describe('deployed Lambda function', () => {
  it('carries no secret in its environment (HTTP ingest, the only user of the API key, is off in Lambda mode)', () => {
    const names = Object.keys(deployed.lambda.environment);
    assert.ok(names.includes('TRIBUTARY_STREAM'), `unexpected Lambda environment ${names}`);
    for (const name of names) assert.doesNotMatch(name, /API_KEY|PASSWORD|SECRET/, `${name} in the Lambda environment`);
  });
});

describe('deployed ECS container', () => {
  it('takes every credential from Secrets Manager, none in plain text', () => {
    const { environment, secrets } = deployed.ecs;
    for (const name of Object.keys(environment)) assert.doesNotMatch(name, /API_KEY|PASSWORD|SECRET|_USER$/, `${name} in plain text`);
    assert.deepEqual(Object.keys(secrets).sort(), ['TRIBUTARY_INGEST_API_KEY', 'TRIBUTARY_REDSHIFT_PASSWORD', 'TRIBUTARY_REDSHIFT_USER']);
    assert.match(secrets.TRIBUTARY_REDSHIFT_USER, /:username::$/);
    assert.match(secrets.TRIBUTARY_REDSHIFT_PASSWORD, /:password::$/);
  });
});
