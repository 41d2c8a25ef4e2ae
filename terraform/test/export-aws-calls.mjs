// Writes fixtures/recorded-aws-calls.json from a fresh recording in ../../target/aws-calls (see README.md, IAM).
import fs from 'node:fs';
import { FIXTURE_PATH, FRESH_DIR, recordedCalls } from './lib/iam.mjs';

export const RECORD_COMMAND = "mvn -B test -Dtest='HttpToRawZoneTest,KinesisLambdaTest,HourSealingTest,HourlyRollupTest,QueryApiTest,LakeOperationsApiTest,StateMachineExecutionTest' -Dsurefire.failIfNoSpecifiedTests=false -Dtributary-test.record-aws-calls=target/aws-calls";

const { source, calls } = recordedCalls();
if (source !== FRESH_DIR) {
  console.error(`no recording in ${FRESH_DIR}: run from the repository root: rm -rf target/aws-calls && ${RECORD_COMMAND}`);
  process.exit(2);
}
fs.writeFileSync(FIXTURE_PATH, `${JSON.stringify({ recordedWith: RECORD_COMMAND, calls }, null, 2)}\n`);
console.log(`${FIXTURE_PATH}: ${calls.length} calls`);
