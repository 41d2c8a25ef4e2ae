// Executes the hour pipeline Terraform deploys with its Task states bound to the local stand-ins, for the Java conformance
// test (StateMachineExecutionTest):   node terraform/test/execute-state-machine.mjs <config.json> <result.json>
//
// The definition is rendered by Terraform itself (lib/state-machine.mjs, as state-machine.test.mjs renders it) with the
// config's `overrides`: only the values that name AWS resources (job, workgroup, database, secret, function, topic,
// buckets), pointed at the stand-ins. aws-local-stepfunctions 3.0.0 runs it; each Task calls its service the way the
// Step Functions integration does (https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html):
//   lambda:invoke                       POST /2015-03-31/functions/{FunctionName}/invocations (Lambda Invoke API)
//   glue:startJobRun.sync               Glue StartJobRun, then GetJobRun until the run ends; a run that does not
//                                       succeed fails the Task with States.TaskFailed (connect-glue.html)
//   athena:startQueryExecution.sync     Athena StartQueryExecution, then GetQueryExecution until it ends
//   aws-sdk:s3:putObject                the object written into the S3 stand-in's directory (its objects are plain files)
//   aws-sdk:redshiftdata:*              the Redshift Data API stand-in's JSON protocol
//   sns:publish                         recorded here, in the result's `published`
// Every service call is recorded as the IAM action and resource ARN it needs (the config's `arns`, written with the
// IAM test's tokens, {region}/{account}/{glue_job}/...), for terraform/test/iam.test.mjs.
import fs from 'node:fs';
import path from 'node:path';
import { StateMachine } from './lib/local-stepfunctions.mjs';
import { TERRAFORM_DIR } from './lib/context.mjs';
import { renderDefinition } from './lib/state-machine.mjs';

const [configPath, resultPath] = process.argv.slice(2);
if (!configPath || !resultPath) {
  console.error('usage: node execute-state-machine.mjs <config.json> <result.json>');
  process.exit(2);
}
const config = JSON.parse(fs.readFileSync(configPath, 'utf8'));
const pollMillis = config.pollMillis ?? 250;
const arns = config.arns ?? {};
const awsCalls = [];
const published = [];
const taskCalls = [];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const record = (action, resource) => awsCalls.push({ principal: 'sfn', action, resource });

function taskError(name, message) {
  const e = new Error(message);
  e.name = name;
  return e;
}

/** A JSON 1.1 call to a stand-in; a service error becomes the Task error <Service>.<ExceptionType>. */
async function json11(endpoint, target, body, service) {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': target },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const parsed = text ? JSON.parse(text) : {};
  if (!res.ok) {
    const type = (parsed.__type ?? res.headers.get('x-amzn-ErrorType') ?? 'ServiceException').split('#').pop();
    throw taskError(`${service}.${type}`, parsed.Message ?? parsed.message ?? text);
  }
  return parsed;
}

const handlers = {
  async 'lambda:invoke'(input) {
    record('lambda:InvokeFunction', arns.lakeOps ?? input.FunctionName);
    const url = `${config.endpoints.lambda}/2015-03-31/functions/${encodeURIComponent(input.FunctionName)}/invocations`;
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(input.Payload ?? {}) });
    const text = await res.text();
    if (!res.ok) throw taskError(`Lambda.${res.headers.get('x-amzn-ErrorType') ?? 'ServiceException'}`, text);
    const payload = text ? JSON.parse(text) : null;
    if (res.headers.get('x-amz-function-error')) {
      // Step Functions fails the Task with the function's errorType as the error name and the payload as the cause
      throw taskError(payload?.errorType ?? 'Lambda.Unknown', JSON.stringify(payload));
    }
    return { ExecutedVersion: res.headers.get('x-amz-executed-version') ?? '$LATEST', Payload: payload, StatusCode: 200 };
  },

  async 'glue:startJobRun.sync'(input) {
    const endpoint = config.endpoints.glue;
    record('glue:StartJobRun', arns.glueJob);
    const { JobRunId } = await json11(endpoint, 'AWSGlue.StartJobRun', { JobName: input.JobName, Arguments: input.Arguments }, 'Glue');
    for (;;) {
      await sleep(pollMillis);
      record('glue:GetJobRun', arns.glueJob);
      const { JobRun } = await json11(endpoint, 'AWSGlue.GetJobRun', { JobName: input.JobName, RunId: JobRunId }, 'Glue');
      if (JobRun.JobRunState === 'SUCCEEDED') return JobRun;
      if (['FAILED', 'STOPPED', 'TIMEOUT', 'ERROR'].includes(JobRun.JobRunState)) {
        throw taskError('States.TaskFailed', JSON.stringify(JobRun));
      }
    }
  },

  async 'athena:startQueryExecution.sync'(input) {
    const endpoint = config.endpoints.athena;
    record('athena:StartQueryExecution', arns.athenaWorkgroup);
    const { QueryExecutionId } = await json11(endpoint, 'AmazonAthena.StartQueryExecution', input, 'Athena');
    for (;;) {
      await sleep(pollMillis);
      record('athena:GetQueryExecution', arns.athenaWorkgroup);
      const out = await json11(endpoint, 'AmazonAthena.GetQueryExecution', { QueryExecutionId }, 'Athena');
      const state = out.QueryExecution.Status.State;
      if (state === 'SUCCEEDED') return out;
      if (state === 'FAILED' || state === 'CANCELLED') throw taskError('States.TaskFailed', JSON.stringify(out));
    }
  },

  async 'aws-sdk:s3:putObject'(input) {
    const bucketDir = path.join(config.s3Basedir, input.Bucket);
    record('s3:PutObject', `arn:aws:s3:::${arns.buckets?.[input.Bucket] ?? input.Bucket}/${input.Key}`);
    if (!fs.existsSync(bucketDir)) throw taskError('S3.NoSuchBucketException', `The specified bucket does not exist: ${input.Bucket}`);
    const file = path.join(bucketDir, input.Key);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, input.Body ?? '');
    return { ETag: '"stand-in"' };
  },

  async 'aws-sdk:redshiftdata:batchExecuteStatement'(input) {
    record('redshift-data:BatchExecuteStatement', arns.redshiftWorkgroup);
    record('secretsmanager:GetSecretValue', arns.redshiftSecret);
    return json11(config.endpoints.redshiftData, 'RedshiftData.BatchExecuteStatement', input, 'RedshiftData');
  },

  async 'aws-sdk:redshiftdata:describeStatement'(input) {
    record('redshift-data:DescribeStatement', '*');
    return json11(config.endpoints.redshiftData, 'RedshiftData.DescribeStatement', input, 'RedshiftData');
  },

  async 'sns:publish'(input) {
    record('sns:Publish', arns.topic ?? input.TopicArn);
    published.push({ TopicArn: input.TopicArn, Subject: input.Subject, Message: input.Message });
    return { MessageId: `m-${published.length}` };
  },
};

/** Every Task state (the Map's item processor's too): name -> resource, without the arn:<partition>:states::: prefix. */
function tasksOf(states, out = {}) {
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task') out[name] = state.Resource.replace(/^arn:[^:]+:states:::/, '');
    if (state.Type === 'Map') tasksOf((state.ItemProcessor ?? state.Iterator).States, out);
    if (state.Type === 'Parallel') state.Branches.forEach((b) => tasksOf(b.States, out));
  }
  return out;
}

const { json: definition } = await renderDefinition(config.terraformDir ?? TERRAFORM_DIR, config.overrides ?? {});
const tasks = tasksOf(definition.States);
const local = {};
const retryIntervalOverrides = {};
for (const [name, resource] of Object.entries(tasks)) {
  const handler = handlers[resource];
  if (!handler) throw new Error(`no stand-in binding for Task ${name} (${resource})`);
  local[name] = async (input) => {
    taskCalls.push({ state: name, resource, input });
    return handler(input);
  };
  // the retries run as defined (their count); only the waits between them are left out
  retryIntervalOverrides[name] = 0;
}
const waitTimeOverrides = Object.fromEntries((config.waitStates ?? ['WaitForLoad']).map((s) => [s, pollMillis]));

const machine = new StateMachine(definition, { validationOptions: { checkArn: true, checkPaths: true } });
const started = Date.now();
const result = { status: 'SUCCEEDED', output: null, error: null };
try {
  result.output = await machine.run(config.input ?? {}, {
    overrides: { taskResourceLocalHandlers: local, retryIntervalOverrides, waitTimeOverrides },
  }).result;
} catch (e) {
  result.status = 'FAILED';
  result.error = { name: e.name, message: e.message, cause: e.cause ? { name: e.cause.name, message: e.cause.message } : null };
}
result.millis = Date.now() - started;
result.taskCalls = taskCalls;
result.published = published;
result.awsCalls = awsCalls;
fs.writeFileSync(resultPath, JSON.stringify(result, null, 2) + '\n');
