#!/usr/bin/env node
// `make size`: what a page that embeds <supernode-sim> downloads, gzipped (level 9), against the
// budgets the project set itself. A figure over its budget is called out, never hidden; the exit
// code stays 0 (this reports, CI's tests judge).
//
// The JavaScript is followed from the element's module through its static imports (what the
// browser fetches at once) and from the worker's script (fetched when the runs start; modules the
// page already has come from its cache). The element has no lazy loading yet, so everything is
// fetched before an instance is revealed; posters are not built yet.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const KB = 1024;

/** Gzipped size of a file, in bytes. */
const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;

/** Every module a module imports statically, itself included, as repository paths. */
function graph(entry, seen = new Set()) {
  const file = normalize(entry);
  if (seen.has(file)) return seen;
  seen.add(file);
  const src = readFileSync(join(ROOT, file), 'utf8');
  for (const m of src.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"](\.{1,2}\/[\w./-]+\.js)['"]/gm)) {
    graph(join(dirname(file), m[1]), seen);
  }
  return seen;
}

if (!existsSync(join(ROOT, 'pkg', 'supernode_sim_bg.wasm'))) {
  console.error('size: pkg/ is missing; run `make pkg` first (`make size` does).');
  process.exit(2);
}

const page = graph('www/supernode-sim.js');
const worker = [...graph('www/run-worker.js')].filter((f) => !page.has(f));
const sum = (files) => [...files].reduce((a, f) => a + gz(join(ROOT, f)), 0);

const rows = [
  { what: 'JavaScript fetched before an instance is revealed', bytes: sum(page), budget: 15 * KB, files: page.size,
    note: 'no lazy loading yet: the whole element loads at once' },
  { what: 'JavaScript fetched after (the runs\' worker)', bytes: sum(worker), budget: null, files: worker.length, note: 'no budget set' },
  { what: 'WebAssembly module', bytes: gz(join(ROOT, 'pkg', 'supernode_sim_bg.wasm')), budget: 160 * KB, files: 1, note: '' },
  { what: 'Posters', bytes: 0, budget: null, files: 0, note: 'none built yet' },
];

const kb = (b) => `${(b / KB).toFixed(1)} KB`;
const width = Math.max(...rows.map((r) => r.what.length));
console.log(`${'what (gzipped, level 9)'.padEnd(width)}  ${'size'.padStart(9)}  ${'budget'.padStart(9)}  verdict`);
let over = 0;
for (const r of rows) {
  const verdict = r.budget === null ? '–' : r.bytes <= r.budget ? 'within' : `OVER by ${kb(r.bytes - r.budget)}`;
  if (r.budget !== null && r.bytes > r.budget) over++;
  const note = [r.files ? `${r.files} file${r.files > 1 ? 's' : ''}` : '', r.note].filter(Boolean).join('; ');
  console.log(`${r.what.padEnd(width)}  ${kb(r.bytes).padStart(9)}  ${(r.budget === null ? '–' : kb(r.budget)).padStart(9)}  ${verdict}${note ? `  (${note})` : ''}`);
}
console.log(over ? `\n${over} figure${over > 1 ? 's' : ''} over budget.` : '\nAll figures within budget.');
console.log(`Modules before reveal: ${[...page].map((f) => relative('www', f)).join(', ')}`);
