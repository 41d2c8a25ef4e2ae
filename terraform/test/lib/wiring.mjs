// What `terraform validate` would catch in the wiring between modules, checked offline: module arguments match
// the callee's variables, required variables are passed, and var./local./module.<name>.<output> references exist.
import { localsOf, moduleCallsOf, variablesOf } from './hcl.mjs';

const META_ARGUMENTS = new Set(['source', 'version', 'count', 'for_each', 'depends_on', 'providers']);

function outputsOf(mod) {
  return new Set(mod.files.flatMap((f) => Object.keys(f.json.output ?? {})));
}

/** Strips comments so references inside them do not count. */
function code(src) {
  return src.replace(/("(?:[^"\\\n]|\\.)*")|#[^\n]*|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (m, str) => str ?? '');
}

export function wiringProblems(tree) {
  const problems = [];
  const byDir = new Map(tree.modules.map((m) => [m.dir, m]));
  for (const mod of tree.modules) {
    const variables = new Set(variablesOf(mod).map((v) => v.name));
    const locals = new Set(Object.keys(localsOf(mod)));
    const calls = new Map(moduleCallsOf(mod).map((c) => [c.name, c]));

    for (const call of calls.values()) {
      const target = byDir.get(call.targetDir);
      if (!target) {
        problems.push(`${mod.dir}: module "${call.name}" points at ${call.targetDir}, which has no .tf files`);
        continue;
      }
      const declared = variablesOf(target);
      const names = new Set(declared.map((v) => v.name));
      for (const arg of Object.keys(call.body)) {
        if (!META_ARGUMENTS.has(arg) && !names.has(arg)) problems.push(`${mod.dir}: module "${call.name}" passes undeclared "${arg}"`);
      }
      for (const v of declared) {
        if (!('default' in v.body) && !(v.name in call.body)) problems.push(`${mod.dir}: module "${call.name}" misses required "${v.name}"`);
      }
    }

    for (const file of mod.files) {
      const src = code(file.src);
      for (const [, name] of src.matchAll(/\bvar\.([A-Za-z_][A-Za-z0-9_-]*)/g)) {
        if (!variables.has(name)) problems.push(`${file.path}: var.${name} is not declared`);
      }
      for (const [, name] of src.matchAll(/\blocal\.([A-Za-z_][A-Za-z0-9_-]*)/g)) {
        if (!locals.has(name)) problems.push(`${file.path}: local.${name} is not defined`);
      }
      for (const [, name, output] of src.matchAll(/\bmodule\.([A-Za-z_][A-Za-z0-9_-]*)(?:\[\d+\])?\.([A-Za-z_][A-Za-z0-9_-]*)/g)) {
        const call = calls.get(name);
        const target = call && byDir.get(call.targetDir);
        if (!target) problems.push(`${file.path}: module.${name} is not a module call here`);
        else if (!outputsOf(target).has(output)) problems.push(`${file.path}: module.${name}.${output} is not an output of ${call.targetDir}`);
      }
    }
  }
  return [...new Set(problems)];
}
