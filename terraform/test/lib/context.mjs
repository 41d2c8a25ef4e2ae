// Where things are, and a helper to run one rule over inline HCL.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { moduleFromSources, treeOf } from './hcl.mjs';
import { rule } from './rules.mjs';

export const TERRAFORM_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CONTRACT_PATH = path.resolve(TERRAFORM_DIR, '..', 'src', 'main', 'resources', 'contract', 'events.contract.json');

export const DASHBOARD_PATH = path.resolve(TERRAFORM_DIR, '..', 'src', 'main', 'resources', 'dashboard', 'definition.json');

export function loadContext() {
  return {
    contract: JSON.parse(fs.readFileSync(CONTRACT_PATH, 'utf8')),
    contractPath: CONTRACT_PATH,
    dashboard: JSON.parse(fs.readFileSync(DASHBOARD_PATH, 'utf8')),
    dashboardPath: DASHBOARD_PATH,
  };
}

/** Violations of one rule over a module made of inline HCL files, placed in terraform/ (so path.root resolves). */
export async function checkSnippet(ruleId, sources) {
  const files = typeof sources === 'string' ? { 'main.tf': sources } : sources;
  const mod = await moduleFromSources(files, TERRAFORM_DIR);
  return rule(ruleId).check(treeOf(mod), loadContext());
}
