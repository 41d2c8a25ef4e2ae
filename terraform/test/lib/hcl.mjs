// Loads Terraform configuration offline: every .tf file parsed to JSON with @cdktf/hcl2json (HCL's own parser,
// compiled to wasm), grouped into modules (one per directory), with enough expression resolution to follow
// locals, module arguments and path.root/path.module into a file path.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';

const SKIP_DIRS = new Set(['.terraform', 'node_modules', 'test', '.git']);

/** Parses one file's source; the result keeps the source text (comments are not in the JSON). */
export async function parseFile(filePath, src) {
  const json = await parse(filePath, src);
  return { path: filePath, src, json };
}

/** A module made of in-memory snippets, e.g. { 'main.tf': '...' }, placed at dir (for path.module/path.root). */
export async function moduleFromSources(sources, dir = process.cwd()) {
  const files = [];
  for (const [name, src] of Object.entries(sources)) files.push(await parseFile(path.join(dir, name), src));
  return { dir, files };
}

/** Every module under rootDir (a directory holding .tf files), skipping test/, .terraform/ and node_modules/. */
export async function loadTree(rootDir) {
  const modules = [];
  async function walk(dir) {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    const tfFiles = entries.filter((e) => e.isFile() && e.name.endsWith('.tf'));
    if (tfFiles.length > 0) {
      const files = [];
      for (const e of tfFiles) {
        const p = path.join(dir, e.name);
        files.push(await parseFile(p, fs.readFileSync(p, 'utf8')));
      }
      modules.push({ dir, files });
    }
    for (const e of entries) {
      if (e.isDirectory() && !SKIP_DIRS.has(e.name)) await walk(path.join(dir, e.name));
    }
  }
  await walk(rootDir);
  return { rootDir, modules };
}

/** A tree holding one snippet module, rooted at its own directory. */
export function treeOf(...modules) {
  return { rootDir: modules[0].dir, modules };
}

// --- Block access ------------------------------------------------------------------------------------------------

/** All blocks of a resource (or data source, with kind = 'data') type in a module: [{ name, body, file }]. */
export function blocksOf(mod, type, kind = 'resource') {
  const out = [];
  for (const file of mod.files) {
    const byName = file.json[kind]?.[type] ?? {};
    for (const [name, bodies] of Object.entries(byName)) {
      for (const body of bodies) out.push({ name, body, file });
    }
  }
  return out;
}

/** All resource or data blocks of any type: [{ kind, type, name, body, file }]. */
export function allBlocks(mod) {
  const out = [];
  for (const file of mod.files) {
    for (const kind of ['resource', 'data']) {
      for (const [type, byName] of Object.entries(file.json[kind] ?? {})) {
        for (const [name, bodies] of Object.entries(byName)) {
          for (const body of bodies) out.push({ kind, type, name, body, file });
        }
      }
    }
  }
  return out;
}

export function variablesOf(mod) {
  const out = [];
  for (const file of mod.files) {
    for (const [name, bodies] of Object.entries(file.json.variable ?? {})) {
      for (const body of bodies) out.push({ name, body, file });
    }
  }
  return out;
}

export function localsOf(mod) {
  const locals = {};
  for (const file of mod.files) for (const block of file.json.locals ?? []) Object.assign(locals, block);
  return locals;
}

/** Module calls in mod: [{ name, body, targetDir }] (local sources only). */
export function moduleCallsOf(mod) {
  const out = [];
  for (const file of mod.files) {
    for (const [name, bodies] of Object.entries(file.json.module ?? {})) {
      for (const body of bodies) {
        const source = typeof body.source === 'string' ? body.source : '';
        const targetDir = source.startsWith('.') ? path.resolve(mod.dir, source) : null;
        out.push({ name, body, targetDir });
      }
    }
  }
  return out;
}

/** The first block of a nested block list (hcl2json renders every nested block as an array). */
export function first(value) {
  return Array.isArray(value) ? value[0] : value;
}

export function asList(value) {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

// --- Expressions -------------------------------------------------------------------------------------------------

/** True when value is a whole interpolation "${...}" (an expression, not a literal). */
export function isExpression(value) {
  return typeof value === 'string' && /^\$\{[\s\S]*\}$/.test(value);
}

/** The expression inside "${...}", or null. */
export function exprOf(value) {
  return isExpression(value) ? value.slice(2, -1).trim() : null;
}

/**
 * Resolves a string to a literal where it can: path.root, path.module, local.x and var.x (through the module call
 * that instantiates the module, else the variable's default). Returns null when something stays unknown.
 */
export function resolveString(tree, mod, value, depth = 0) {
  if (depth > 10 || typeof value !== 'string') return null;
  const whole = exprOf(value);
  if (whole !== null && /^(local|var)\.[A-Za-z0-9_]+$/.test(whole)) return resolveReference(tree, mod, whole, depth);
  let unknown = false;
  const out = value.replace(/\$\{([^{}]+)\}/g, (_, inner) => {
    const ref = inner.trim();
    if (ref === 'path.root') return tree.rootDir;
    if (ref === 'path.module') return mod.dir;
    if (/^(local|var)\.[A-Za-z0-9_]+$/.test(ref)) {
      const r = resolveReference(tree, mod, ref, depth);
      if (typeof r === 'string') return r;
    }
    unknown = true;
    return '';
  });
  return unknown ? null : out;
}

function resolveReference(tree, mod, ref, depth) {
  const [kind, name] = ref.split('.');
  if (kind === 'local') {
    const v = localsOf(mod)[name];
    return typeof v === 'string' ? resolveString(tree, mod, v, depth + 1) : null;
  }
  // var.x: the argument of the module call that instantiates this module, in the caller's scope.
  for (const caller of tree.modules) {
    for (const call of moduleCallsOf(caller)) {
      if (call.targetDir === mod.dir && call.body[name] !== undefined) {
        return resolveString(tree, caller, call.body[name], depth + 1);
      }
    }
  }
  const variable = variablesOf(mod).find((v) => v.name === name);
  return typeof variable?.body.default === 'string' ? resolveString(tree, mod, variable.body.default, depth + 1) : null;
}

/**
 * The file behind a local that is `jsondecode(file(X))`, resolved to an absolute path, or null when the local is
 * something else or X cannot be resolved offline.
 */
export function jsonFileOfLocal(tree, mod, localName) {
  const value = localsOf(mod)[localName];
  const expr = exprOf(value);
  const m = expr && /^jsondecode\(\s*file\(([\s\S]+)\)\s*\)$/.exec(expr);
  if (!m) return null;
  let arg = m[1].trim();
  if (arg.startsWith('"') && arg.endsWith('"')) arg = arg.slice(1, -1);
  else arg = '${' + arg + '}';
  const resolved = resolveString(tree, mod, arg);
  return resolved === null ? null : path.resolve(mod.dir, resolved);
}

/**
 * Parses the object inside `jsonencode({...})` (an inline policy) into JSON by reparsing it as an HCL attribute.
 * Returns null when value is not a jsonencode of an object literal.
 */
export async function decodeJsonencode(value) {
  const expr = exprOf(value);
  const m = expr && /^jsonencode\(([\s\S]*)\)$/.exec(expr);
  if (!m) return null;
  const inner = m[1].trim();
  if (!inner.startsWith('{')) return null;
  const parsed = await parse('inline-policy.tf', `inline_policy_document = ${inner}\n`);
  return parsed.inline_policy_document ?? null;
}
