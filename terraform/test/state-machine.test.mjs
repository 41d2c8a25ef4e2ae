// Deployment conformance, Step Functions: the hour pipeline Terraform deploys (rendered by Terraform itself from
// modules/orchestration, lib/state-machine.mjs) is valid Amazon States Language (asl-validator), seals hours with the
// application's lake-ops function and maps over them, passes the Glue job every argument it requires as the application's
// sealing route does, runs the application's own rollup SQL on Athena and loads Redshift with the application's load
// file and MERGE files (no stored procedure), is started every hour in Lambda mode, and its control flow executes
// (aws-local-stepfunctions) with the Task states stubbed here. The same definition bound to the stand-ins (Glue, Athena,
// the Redshift Data API, the lake-ops handler) is executed by StateMachineExecutionTest (execute-state-machine.mjs).
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { StateMachine } from './lib/local-stepfunctions.mjs';
import { blocksOf, exprOf, first, loadTree, moduleCallsOf } from './lib/hcl.mjs';
import { TERRAFORM_DIR } from './lib/context.mjs';
import { ecsContainer } from './lib/deployment.mjs';
import { renderDefinition } from './lib/state-machine.mjs';
import { splitTopLevel } from './lib/render.mjs';

const validator = createRequire(import.meta.url)('asl-validator');
const SQL = path.resolve(TERRAFORM_DIR, '..', 'src', 'main', 'resources', 'sql');
const ROLLUP_SQL = path.join(SQL, 'athena', 'hourly_rollup.sql');
const LOAD_SQL = path.join(SQL, 'redshift', 'load', 'athena_result.sql');
const HOUR = '2024-01-15-10';

let tree;
let rendered;
let definition;
let ecs;

/** The states of one hour's iteration (the Map's item processor). */
const hourStates = () => definition.States.CurateHours.ItemProcessor.States;

before(async () => {
  tree = await loadTree(TERRAFORM_DIR);
  rendered = await renderDefinition(TERRAFORM_DIR);
  definition = rendered.json;
  ecs = await ecsContainer(tree);
});

/** Splits an intrinsic function's argument list at top-level commas ('...' literals with \-escapes, nested calls). */
function intrinsicArgs(text) {
  return splitTopLevel(text, ',', "'");
}

/** Evaluates the intrinsic functions the definition uses (States.Array, States.Format, literals, $.paths) on input. */
function intrinsic(expr, input) {
  const e = expr.trim();
  if (e.startsWith("'")) return e.slice(1, -1).replace(/\\(.)/g, '$1');
  if (e.startsWith('$.')) return e.slice(2).split('.').reduce((o, k) => o?.[k], input);
  const m = /^(States\.\w+)\(([\s\S]*)\)$/.exec(e);
  assert.ok(m, `not an intrinsic function: ${e.slice(0, 80)}`);
  const args = intrinsicArgs(m[2]).map((a) => intrinsic(a, input));
  if (m[1] === 'States.Array') return args;
  if (m[1] === 'States.Format') {
    let i = 1;
    return args[0].replace(/\{\}/g, () => String(args[i++]));
  }
  throw new Error(`unexpected ${m[1]}`);
}

const MERGE_DIR = path.join(SQL, 'redshift', 'merge');
const MERGE_FILES = fs.readdirSync(MERGE_DIR).filter((f) => f.endsWith('.sql')).sort();

/** A load file with its ${merge_<name>} lines replaced by sql/redshift/merge/<name>.sql (as templatefile and SqlScript.compose do). */
function composed(file) {
  return fs.readFileSync(file, 'utf8').replace(/^\$\{merge_([a-z_]+)\}[ \t]*$/gm,
    (_, name) => fs.readFileSync(path.join(MERGE_DIR, `${name}.sql`), 'utf8').trim());
}

/** Statements of SQL text as the Data API gets them: comment lines out, split at ';' + line end, one line each. */
function statementsOfText(text) {
  return text.replace(/^\s*--.*$/gm, '').split(';\n').map((s) => s.trim())
    .filter((s) => s !== '').map((s) => s.replace(/\s+/g, ' ').replace(/;$/, ''));
}

/** Statements of a load file as the Data API gets them, its MERGE includes resolved. */
function statementsOf(file) {
  return statementsOfText(composed(file));
}

describe('rendered state machine definition', () => {
  it('is valid Amazon States Language (asl-validator)', () => {
    const { isValid, errorsText } = validator(structuredClone(definition));
    assert.ok(isValid, `asl-validator: ${errorsText('\n')}`);
  });

  it("passes the Glue job every argument its parser requires, the summary path naming a file as the sealing route's does", () => {
    const args = hourStates().CurateHour.Parameters.Arguments;
    const env = ecs.environment;
    const input = { arrival_hour: HOUR, glue_run_token: 'tok-1' };
    const run = Object.fromEntries(Object.entries(args).map(([k, v]) =>
      (k.endsWith('.$') ? [k.slice(0, -2), intrinsic(v, input)] : [k, v])));
    // JobArguments.parse: required, non-blank; --summary_path must not end in '/'
    for (const key of ['--raw_path', '--arrival_hour', '--curated_path', '--errors_path', '--summary_path']) {
      assert.ok(typeof run[key] === 'string' && run[key].trim() !== '', `${key} is not passed by the state machine`);
    }
    assert.doesNotMatch(run['--summary_path'], /\/$/, '--summary_path ends in /: the job refuses it');
    assert.equal(run['--arrival_hour'], HOUR);
    // HourSealer: --summary_path <summary-prefix>/arrival_hour=<hour>.json, the container's paths
    assert.equal(run['--summary_path'], `${env.TRIBUTARY_GLUE_SUMMARY_PREFIX}/arrival_hour=${HOUR}.json`);
    assert.equal(run['--curated_path'], env.TRIBUTARY_CURATED_PATH);
    assert.equal(run['--errors_path'], env.TRIBUTARY_GLUE_ERRORS_PATH);
    assert.match(run['--raw_path'], /^s3:\/\/[^/]+\/.+/);
    assert.equal(run['--tributary_run_token'], 'tok-1', 'the run token the seal step claimed the hour with');
  });

  it("seals with the application's lake-ops function, then runs each sealed hour in a Map; a given arrival_hour skips sealing", () => {
    const lakeOps = rendered.inputs.lake_ops_function_arn;
    const seal = definition.States.Seal;
    assert.match(seal.Resource, /:states:::lambda:invoke$/);
    assert.deepEqual(seal.Parameters, { FunctionName: lakeOps, Payload: { action: 'seal' } });
    assert.deepEqual(seal.ResultSelector, { 'hours.$': '$.Payload.hours' });
    assert.equal(seal.Next, 'CurateHours');
    const map = definition.States.CurateHours;
    assert.equal(map.Type, 'Map');
    assert.equal(map.ItemsPath, '$.hours');
    assert.ok(map.MaxConcurrency >= 1 && map.MaxConcurrency <= 10);
    assert.deepEqual(definition.States.ChooseHours.Choices, [{ Variable: '$.arrival_hour', IsPresent: true, Next: 'OperatorHour' }]);
    // every lake-ops call names the hour and its run token (null for a run by hand); the outcome calls carry their ids
    const payloads = Object.fromEntries(Object.values(hourStates())
      .filter((s) => s.Type === 'Task' && /lambda:invoke$/.test(s.Resource))
      .map((s) => [s.Parameters.Payload.action, s.Parameters]));
    assert.deepEqual(Object.keys(payloads).sort(), ['curated', 'failed', 'rolled_up']);
    for (const [action, p] of Object.entries(payloads)) {
      assert.equal(p.FunctionName, lakeOps, action);
      assert.equal(p.Payload['arrival_hour.$'], '$.arrival_hour', action);
      assert.equal(p.Payload['run_token.$'], '$.run_token', action);
    }
    assert.equal(payloads.curated.Payload['glue_run_id.$'], '$.glue.JobRunId');
    assert.equal(payloads.rolled_up.Payload['athena_query_id.$'], '$.athena.QueryExecutionId');
    assert.ok(payloads.failed.Payload['error.$']);
  });

  it("runs the application's own rollup SQL (event-hour, idempotent) with the hour as Athena's execution parameter", () => {
    const p = hourStates().RollupHour.Parameters;
    const app = fs.readFileSync(ROLLUP_SQL, 'utf8');
    assert.equal(p.QueryString, app.replace("'${arrival_hour}'", '?'), 'the Athena query is not hourly_rollup.sql');
    assert.equal((p.QueryString.match(/\?/g) ?? []).length, 1);
    // a varchar execution parameter is written as a quoted literal (Athena, "Use execution parameters")
    assert.deepEqual(intrinsic(p['ExecutionParameters.$'], { arrival_hour: HOUR }), [`'${HOUR}'`]);
  });

  it("loads Redshift with the application's load file in one Data API transaction, no stored procedure", () => {
    const load = hourStates().LoadRedshift;
    assert.match(load.Resource, /:states:::aws-sdk:redshiftdata:batchExecuteStatement$/);
    const athena = { OutputLocation: 's3://results/q-1.csv', QueryExecutionId: 'q-1' };
    const sqls = intrinsic(load.Parameters['Sqls.$'], { arrival_hour: HOUR, athena });
    const manifest = `s3://${rendered.inputs.athena_results_bucket_name}/redshift-load/q-1.manifest`;
    const expected = statementsOf(LOAD_SQL).map((s) => s.replaceAll(':manifest_location', manifest)
      .replaceAll(':query_execution_id', athena.QueryExecutionId));
    assert.deepEqual(sqls, expected);
    assert.ok(sqls.includes(`COPY stage_athena_result FROM '${manifest}' IAM_ROLE default FORMAT AS CSV IGNOREHEADER 1 EMPTYASNULL MANIFEST`));
    for (const s of sqls) assert.doesNotMatch(s, /^CALL\b/i);
  });

  it('writes the manifest the COPY reads: only the Athena result file, not the .metadata file beside it (COPY matches a prefix)', () => {
    const step = hourStates().WriteLoadManifest;
    assert.match(step.Resource, /:states:::aws-sdk:s3:putObject$/);
    assert.equal(hourStates().RollupHour.Next, 'WriteLoadManifest');
    assert.equal(step.Next, 'LoadRedshift');
    const athena = { OutputLocation: 's3://results/results/q-1.csv', QueryExecutionId: 'q-1' };
    assert.equal(step.Parameters.Bucket, rendered.inputs.athena_results_bucket_name);
    assert.equal(intrinsic(step.Parameters['Key.$'], { athena }), 'redshift-load/q-1.manifest');
    assert.deepEqual(JSON.parse(intrinsic(step.Parameters['Body.$'], { athena })),
      { entries: [{ url: 's3://results/results/q-1.csv', mandatory: true }] });
  });

  it("runs exactly the application's MERGE files (sql/redshift/merge/), the ones its JDBC loads include, and no MERGE of its own", () => {
    const athena = { OutputLocation: 's3://results/q-1.csv', QueryExecutionId: 'q-1' };
    const sqls = intrinsic(hourStates().LoadRedshift.Parameters['Sqls.$'], { arrival_hour: HOUR, athena });
    const merges = sqls.filter((s) => /^MERGE\b/i.test(s));
    const files = MERGE_FILES.map((f) => statementsOfText(fs.readFileSync(path.join(MERGE_DIR, f), 'utf8')));
    for (const [i, statements] of files.entries()) {
      assert.equal(statements.length, 1, `${MERGE_FILES[i]} holds one statement`);
      assert.equal(merges.filter((m) => m === statements[0]).length, 1, `the load runs ${MERGE_FILES[i]} once, verbatim`);
    }
    assert.deepEqual(merges.slice().sort(), files.map((s) => s[0]).sort(), 'every MERGE the load runs is one of the files');
    // the load file itself holds no MERGE: it includes them
    assert.doesNotMatch(fs.readFileSync(LOAD_SQL, 'utf8').replace(/^\s*--.*$/gm, ''), /\bMERGE\b/i);
  });
});

describe('hourly start (Lambda mode)', () => {
  const orchestration = () => tree.modules.find((m) => m.dir === path.join(TERRAFORM_DIR, 'modules', 'orchestration'));

  it('an EventBridge Scheduler schedule starts the state machine every hour with a role that may start it', () => {
    const mod = orchestration();
    const [schedule] = blocksOf(mod, 'aws_scheduler_schedule');
    assert.ok(schedule, 'no aws_scheduler_schedule in modules/orchestration');
    assert.match(schedule.body.schedule_expression, /^cron\(\$\{var\.schedule_minute\} \* \* \* \? \*\)$/);
    const target = first(schedule.body.target);
    assert.equal(exprOf(target.arn), 'aws_sfn_state_machine.this.arn');
    assert.equal(exprOf(target.role_arn), 'aws_iam_role.scheduler[0].arn');
    assert.match(exprOf(target.input), /scheduled_time\s*=\s*"<aws\.scheduler\.scheduled-time>"/);
    const policy = blocksOf(mod, 'aws_iam_policy_document', 'data').find((b) => b.name === 'scheduler');
    const stmt = first(policy.body.statement);
    assert.deepEqual(stmt.actions, ['states:StartExecution']);
    assert.deepEqual(stmt.resources, ['${aws_sfn_state_machine.this.arn}']);
    const assume = blocksOf(mod, 'aws_iam_policy_document', 'data').find((b) => b.name === 'scheduler_assume');
    assert.deepEqual(first(first(assume.body.statement).principals).identifiers, ['scheduler.amazonaws.com']);
  });

  it('the root module enables the schedule exactly in Lambda mode', () => {
    const root = tree.modules.find((m) => m.dir === TERRAFORM_DIR);
    const call = moduleCallsOf(root).find((c) => c.name === 'orchestration');
    assert.equal(exprOf(call.body.enable_schedule), 'var.compute == "lambda"');
  });
});

describe('control flow (aws-local-stepfunctions; Tasks stubbed here; bound to the stand-ins in StateMachineExecutionTest)', () => {
  const SEALED = [{ arrival_hour: HOUR, run_token: 'tok-10' }, { arrival_hour: '2024-01-15-11', run_token: 'tok-11' }];

  function stubs(calls, { glueFailsFor = [], loadStatus = 'FINISHED', hours = SEALED } = {}) {
    const record = (name, result) => (input) => {
      calls.push({ state: name, input });
      return typeof result === 'function' ? result(input) : result;
    };
    return {
      Seal: record('Seal', { Payload: { hours }, StatusCode: 200 }),
      CurateHour: record('CurateHour', (input) => {
        if (glueFailsFor.includes(input.Arguments['--arrival_hour'])) {
          const err = new Error(`Glue run jr_1 ended FAILED`);
          err.name = 'States.TaskFailed';
          throw err;
        }
        return { Id: `jr_${input.Arguments['--arrival_hour']}`, JobRunState: 'SUCCEEDED' };
      }),
      MarkCurated: record('MarkCurated', { Payload: {}, StatusCode: 200 }),
      RollupHour: record('RollupHour', {
        QueryExecution: { QueryExecutionId: 'q-1', ResultConfiguration: { OutputLocation: 's3://results/q-1.csv' } },
      }),
      WriteLoadManifest: record('WriteLoadManifest', { ETag: '"e-1"' }),
      LoadRedshift: record('LoadRedshift', { Id: 'stmt-1' }),
      DescribeLoad: record('DescribeLoad', { Id: 'stmt-1', Status: loadStatus }),
      MarkRolledUp: record('MarkRolledUp', { Payload: {}, StatusCode: 200 }),
      MarkFailed: record('MarkFailed', { Payload: {}, StatusCode: 200 }),
      NotifyFailure: record('NotifyFailure', { MessageId: 'm-1' }),
      NotifySealFailure: record('NotifySealFailure', { MessageId: 'm-2' }),
    };
  }
  const overrides = (handlers) => ({
    taskResourceLocalHandlers: handlers,
    waitTimeOverrides: { WaitForLoad: 0 },
    retryIntervalOverrides: { Seal: 0, CurateHour: 0, MarkCurated: 0, RollupHour: 0, WriteLoadManifest: 0, LoadRedshift: 0, DescribeLoad: 0, MarkRolledUp: 0, MarkFailed: 0 },
  });
  const machine = () => new StateMachine(structuredClone(definition), { validationOptions: { checkArn: true, checkPaths: true } });
  const of = (calls, state) => calls.filter((c) => c.state === state);

  it('seals, then takes every sealed hour through Glue, lake-ops, the Athena rollup, the Redshift load and lake-ops', async () => {
    const calls = [];
    const out = await machine().run({ scheduled_time: '2024-01-15T12:20:00Z' }, { overrides: overrides(stubs(calls)) }).result;
    assert.deepEqual(out.outcomes, ['rolled_up', 'rolled_up']);
    assert.deepEqual(of(calls, 'Seal').map((c) => c.input), [{ FunctionName: rendered.inputs.lake_ops_function_arn, Payload: { action: 'seal' } }]);
    for (const { arrival_hour: hour, run_token: token } of SEALED) {
      const glue = of(calls, 'CurateHour').find((c) => c.input.Arguments['--arrival_hour'] === hour).input;
      assert.equal(glue.Arguments['--summary_path'], `${ecs.environment.TRIBUTARY_GLUE_SUMMARY_PREFIX}/arrival_hour=${hour}.json`);
      assert.equal(glue.Arguments['--tributary_run_token'], token);
      assert.deepEqual(of(calls, 'MarkCurated').find((c) => c.input.Payload.arrival_hour === hour).input.Payload,
        { action: 'curated', arrival_hour: hour, run_token: token, glue_run_id: `jr_${hour}` });
      assert.deepEqual(of(calls, 'MarkRolledUp').find((c) => c.input.Payload.arrival_hour === hour).input.Payload,
        { action: 'rolled_up', arrival_hour: hour, run_token: token, athena_query_id: 'q-1' });
    }
    const rollup = of(calls, 'RollupHour')[0].input;
    assert.equal(rollup.QueryString, fs.readFileSync(ROLLUP_SQL, 'utf8').replace("'${arrival_hour}'", '?'));
    const sqls = of(calls, 'LoadRedshift')[0].input.Sqls;
    assert.ok(sqls.includes(`COPY stage_athena_result FROM 's3://${rendered.inputs.athena_results_bucket_name}/redshift-load/q-1.manifest' IAM_ROLE default FORMAT AS CSV IGNOREHEADER 1 EMPTYASNULL MANIFEST`));
    assert.equal(of(calls, 'WriteLoadManifest')[0].input.Body, '{"entries":[{"url":"s3://results/q-1.csv","mandatory":true}]}');
    assert.equal(sqls.length, statementsOf(LOAD_SQL).length);
    assert.deepEqual(of(calls, 'MarkFailed'), []);
  });

  it('an hour given by hand skips sealing and runs with a null run token (an operator run)', async () => {
    const calls = [];
    const out = await machine().run({ arrival_hour: HOUR }, { overrides: overrides(stubs(calls)) }).result;
    assert.deepEqual(out.outcomes, ['rolled_up']);
    assert.deepEqual(of(calls, 'Seal'), []);
    assert.equal(of(calls, 'CurateHour')[0].input.Arguments['--tributary_run_token'], 'operator');
    assert.deepEqual(of(calls, 'MarkRolledUp')[0].input.Payload, { action: 'rolled_up', arrival_hour: HOUR, run_token: null, athena_query_id: 'q-1' });
  });

  it('no sealed hour: nothing runs and the execution succeeds', async () => {
    const calls = [];
    const out = await machine().run({}, { overrides: overrides(stubs(calls, { hours: [] })) }).result;
    assert.deepEqual(out.outcomes, []);
    assert.deepEqual(calls.map((c) => c.state), ['Seal']);
  });

  it('a Glue run that keeps failing is retried as designed, marked failed, notified; the other hour finishes; the execution fails', async () => {
    const calls = [];
    const exec = machine().run({}, { overrides: overrides(stubs(calls, { glueFailsFor: [HOUR] })) });
    await assert.rejects(exec.result, (e) => e.name === 'ExecutionError' && /HourPipelineFailed|At least one hour failed/.test(`${e.message} ${e.cause?.name ?? ''}`));
    const attempts = hourStates().CurateHour.Retry[0].MaxAttempts;
    assert.equal(of(calls, 'CurateHour').filter((c) => c.input.Arguments['--arrival_hour'] === HOUR).length, attempts + 1);
    const failed = of(calls, 'MarkFailed').map((c) => c.input.Payload);
    assert.equal(failed.length, 1);
    assert.equal(failed[0].arrival_hour, HOUR);
    assert.equal(failed[0].run_token, 'tok-10');
    assert.match(failed[0].error, /States\.TaskFailed: .*Glue run jr_1 ended FAILED/);
    assert.match(of(calls, 'NotifyFailure')[0].input.Message, /Glue run jr_1 ended FAILED/);
    assert.equal(of(calls, 'MarkRolledUp').map((c) => c.input.Payload.arrival_hour).join(), '2024-01-15-11', 'the other hour still rolled up');
  });

  it('a Redshift load the Data API reports FAILED marks the hour failed, notifies and fails the execution', async () => {
    const calls = [];
    const exec = machine().run({ arrival_hour: HOUR }, { overrides: overrides(stubs(calls, { loadStatus: 'FAILED' })) });
    await assert.rejects(exec.result, (e) => e.name === 'ExecutionError');
    assert.deepEqual(calls.map((c) => c.state), ['CurateHour', 'MarkCurated', 'RollupHour', 'WriteLoadManifest', 'LoadRedshift', 'DescribeLoad', 'MarkFailed', 'NotifyFailure']);
    assert.match(of(calls, 'MarkFailed')[0].input.Payload.error, /^RedshiftLoadFailed: /);
  });

  it('a seal that fails notifies and fails the execution before any hour runs', async () => {
    const calls = [];
    const handlers = stubs(calls);
    handlers.Seal = (input) => {
      calls.push({ state: 'Seal', input });
      const err = new Error('cannot read the watermarks');
      err.name = 'IllegalStateException';
      throw err;
    };
    await assert.rejects(machine().run({}, { overrides: overrides(handlers) }).result, (e) => e.name === 'ExecutionError');
    assert.deepEqual(calls.map((c) => c.state), ['Seal', 'NotifySealFailure']);
  });
});
