#!/usr/bin/env node
/**
 * Checks that the folders under src/ import in one direction: builds the graph "folder A
 * imports folder B" from every relative import (static, dynamic and `export ... from`,
 * type-only included: a type import still ties the two folders together), then reports
 * each strongly connected set of folders (a cycle) with one import edge that closes it.
 * A file directly in src/ (gateway.ts, errors.ts, ...) is a node of its own.
 *
 *   node scripts/check-folder-cycles.mjs [srcDir]     exit 0: no cycle; 1: cycles listed
 *   node scripts/check-folder-cycles.mjs --graph       also prints the folder graph
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const args = process.argv.slice(2);
const showGraph = args.includes('--graph');
const root = path.resolve(args.find((a) => !a.startsWith('--')) ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src'));
/** Generated code (Prisma clients) imports only itself. */
const SKIP = new Set(['generated']);

function* sourceFiles(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(full);
    else if (/\.(m|c)?tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield full;
  }
}

/** The folder node a file belongs to: its first folder under src/, or the file itself. */
function nodeOf(file) {
  const parts = path.relative(root, file).split(path.sep);
  return parts.length === 1 ? parts[0].replace(/\.(m|c)?tsx?$/, '.ts') : parts[0];
}

/** folder -> folder -> one example "file imports specifier" */
const edges = new Map();
for (const file of sourceFiles(root)) {
  const from = nodeOf(file);
  const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  for (const { fileName } of importedFiles) {
    if (!fileName.startsWith('.')) continue;
    const target = path.resolve(path.dirname(file), fileName);
    if (path.relative(root, target).startsWith('..')) continue;
    const to = nodeOf(target);
    if (to === from) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    const out = edges.get(from);
    if (!out.has(to)) out.set(to, `${path.relative(root, file)} imports ${fileName}`);
  }
}

// Tarjan's strongly connected components.
const nodes = [...new Set([...edges.keys(), ...[...edges.values()].flatMap((m) => [...m.keys()])])].sort();
let counter = 0;
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const components = [];
function connect(v) {
  index.set(v, counter);
  low.set(v, counter++);
  stack.push(v);
  onStack.add(v);
  for (const w of [...(edges.get(v)?.keys() ?? [])].sort()) {
    if (!index.has(w)) {
      connect(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
  }
  if (low.get(v) === index.get(v)) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) components.push(component.sort());
  }
}
for (const v of nodes) if (!index.has(v)) connect(v);

if (showGraph) {
  for (const v of nodes) {
    const out = [...(edges.get(v)?.keys() ?? [])].sort();
    if (out.length) console.log(`${v} -> ${out.join(', ')}`);
  }
  console.log('');
}

if (components.length === 0) {
  console.log(`No import cycle between the ${nodes.length} folders and top-level files of ${path.relative(process.cwd(), root) || '.'}.`);
  process.exit(0);
}
console.log(`${components.length} import cycle(s) between folders of ${path.relative(process.cwd(), root) || '.'}:`);
for (const component of components) {
  const members = new Set(component);
  console.log(`\n  ${component.join(' <-> ')}`);
  for (const v of component) {
    for (const [w, example] of edges.get(v) ?? []) if (members.has(w)) console.log(`    ${v} -> ${w}: ${example}`);
  }
}
process.exit(1);
