// Renders the Terraform expressions the deployment conformance tests need, offline: string templates, var./local./
// module.<call>.<output> references (followed through module calls and outputs), object literals, merge(), trimsuffix(),
// templatefile() (plain ${name} interpolations),
// basename(), replace() and `cond ? a : b` (both branches, merged: every name either branch can set). Whatever only an apply knows
// (resource attributes, data sources) renders as a stable placeholder made of the reference itself, lower-case and
// dash-separated ("module.lake.bucket_names[\"raw\"]" -> "module-lake-bucket-names-raw"), so an S3 URI built from
// a bucket name still looks like one.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { exprOf, localsOf, moduleCallsOf, variablesOf } from './hcl.mjs';

const MAX_DEPTH = 30;

export function placeholder(ref) {
  return ref.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** Splits "a, f(b, c), { d = e }" at top-level commas (outside brackets and strings quoted with `quote`, \-escapes). */
export function splitTopLevel(text, sep = ',', quote = '"') {
  const out = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === quote) quoted = false;
    } else if (ch === quote) quoted = true;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === sep && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last !== '') out.push(last);
  return out;
}

/** The caller of a module directory: [callerModule, callBody], or null for the root module. */
function callerOf(tree, mod) {
  for (const caller of tree.modules) {
    for (const call of moduleCallsOf(caller)) {
      if (call.targetDir === mod.dir) return [caller, call.body];
    }
  }
  return null;
}

function outputValue(targetMod, name) {
  for (const file of targetMod.files) {
    const bodies = file.json.output?.[name];
    if (bodies) return bodies[0].value;
  }
  return undefined;
}

/**
 * Evaluates a value as hcl2json gives it (a template string, an object, a list, a literal) in module mod.
 * Returns a JS value: strings, numbers, booleans, objects and arrays.
 */
export async function render(tree, mod, value, depth = 0) {
  if (depth > MAX_DEPTH) throw new Error('render: reference cycle or too deep');
  if (Array.isArray(value)) return Promise.all(value.map((v) => render(tree, mod, v, depth + 1)));
  if (value !== null && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = await render(tree, mod, v, depth + 1);
    return out;
  }
  if (typeof value !== 'string') return value;
  const parts = templateParts(value);
  if (parts.length === 1 && parts[0].expr !== undefined) return evaluate(tree, mod, parts[0].expr, depth + 1);
  let out = '';
  for (const part of parts) {
    if (part.expr === undefined) {
      out += part.text;
      continue;
    }
    const v = await evaluate(tree, mod, part.expr, depth + 1);
    out += typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : placeholder(part.expr);
  }
  return out;
}

/** A template split into literal text and ${...} interpolations (braces balanced, so objects inside are kept whole). */
export function templateParts(value) {
  const parts = [];
  let i = 0;
  let text = '';
  while (i < value.length) {
    if (value.startsWith('$${', i)) {
      text += '${';
      i += 3;
    } else if (value.startsWith('${', i)) {
      let depth = 1;
      let j = i + 2;
      while (j < value.length && depth > 0) {
        if (value[j] === '{') depth++;
        else if (value[j] === '}') depth--;
        j++;
      }
      if (text) parts.push({ text });
      text = '';
      parts.push({ expr: value.slice(i + 2, j - 1).trim() });
      i = j;
    } else {
      text += value[i++];
    }
  }
  if (text || parts.length === 0) parts.push({ text });
  return parts;
}

/** Evaluates one HCL expression (the text inside ${...}). */
export async function evaluate(tree, mod, expr, depth = 0) {
  if (depth > MAX_DEPTH) throw new Error(`render: too deep at ${expr}`);
  const e = expr.trim();
  if (/^"(?:[^"\\]|\\.)*"$/.test(e)) return render(tree, mod, JSON.parse(e), depth + 1);
  if (/^-?\d+(\.\d+)?$/.test(e)) return Number(e);
  if (e === 'true' || e === 'false') return e === 'true';
  if (e === 'null') return null;
  if (e === 'path.root') return tree.rootDir;
  if (e === 'path.module') return mod.dir;
  if (e.startsWith('{') && e.endsWith('}')) {
    const parsed = await parse('object.tf', `object_literal = ${e}\n`);
    return render(tree, mod, parsed.object_literal, depth + 1);
  }
  const cond = splitTopLevel(e, '?');
  if (cond.length === 2) {
    const branches = splitTopLevel(cond[1], ':');
    if (branches.length === 2) {
      const [a, b] = await Promise.all(branches.map((x) => evaluate(tree, mod, x, depth + 1)));
      if (a && b && typeof a === 'object' && typeof b === 'object') return { ...b, ...a };
      return a;
    }
  }
  const call = /^([a-z_]+)\(([\s\S]*)\)$/.exec(e);
  if (call) {
    const args = await Promise.all(splitTopLevel(call[2]).map((a) => evaluate(tree, mod, a, depth + 1)));
    switch (call[1]) {
      case 'merge':
        return Object.assign({}, ...args.map((a) => (a && typeof a === 'object' ? a : {})));
      case 'trimsuffix':
        return typeof args[0] === 'string' && args[0].endsWith(args[1]) ? args[0].slice(0, -args[1].length) : args[0];
      case 'basename':
        return typeof args[0] === 'string' ? path.basename(args[0]) : placeholder(e);
      case 'replace':
        // Literal replacement only (a /regex/ pattern renders as a placeholder).
        return typeof args[0] === 'string' && typeof args[1] === 'string' && !args[1].startsWith('/')
          ? args[0].split(args[1]).join(args[2])
          : placeholder(e);
      case 'tostring':
        return args[0];
      case 'templatefile':
        // ${name} interpolations of plain variables only (what the project's templates use); $${ is a literal ${
        if (typeof args[0] !== 'string' || !args[1] || typeof args[1] !== 'object') return placeholder(e);
        return fs.readFileSync(path.resolve(mod.dir, args[0]), 'utf8').replace(/\$\$\{|\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}/g,
          (all, name) => {
            if (name === undefined) return '${';
            if (!(name in args[1])) throw new Error(`templatefile ${args[0]}: no value for \${${name}}`);
            return String(args[1][name]);
          });
      case 'file':
        return typeof args[0] === 'string' ? fs.readFileSync(path.resolve(mod.dir, args[0]), 'utf8') : placeholder(e);
      default:
        return placeholder(e);
    }
  }
  let m = /^var\.([A-Za-z0-9_]+)$/.exec(e);
  if (m) {
    const caller = callerOf(tree, mod);
    if (caller && caller[1][m[1]] !== undefined) return render(tree, caller[0], caller[1][m[1]], depth + 1);
    const variable = variablesOf(mod).find((v) => v.name === m[1]);
    if (variable && variable.body.default !== undefined) return render(tree, mod, variable.body.default, depth + 1);
    return placeholder(e);
  }
  m = /^local\.([A-Za-z0-9_]+)$/.exec(e);
  if (m) {
    const v = localsOf(mod)[m[1]];
    return v === undefined ? placeholder(e) : render(tree, mod, v, depth + 1);
  }
  m = /^module\.([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)$/.exec(e);
  if (m) {
    const target = moduleCallsOf(mod).find((c) => c.name === m[1]);
    const targetMod = target && tree.modules.find((x) => x.dir === target.targetDir);
    const v = targetMod && outputValue(targetMod, m[2]);
    return v === undefined ? placeholder(e) : render(tree, targetMod, v, depth + 1);
  }
  return placeholder(e);
}
