// Writes what Terraform deploys (lib/deployment.mjs) as JSON, for the Java conformance tests:
//   node terraform/test/export-deployment.mjs <out.json>     (stdout without an argument)
import fs from 'node:fs';
import { loadTree } from './lib/hcl.mjs';
import { TERRAFORM_DIR } from './lib/context.mjs';
import { deployment } from './lib/deployment.mjs';

const json = JSON.stringify(await deployment(await loadTree(TERRAFORM_DIR)), null, 2) + '\n';
if (process.argv[2]) fs.writeFileSync(process.argv[2], json);
else process.stdout.write(json);
