#!/usr/bin/env node
// `make size`: what a page that embeds <supernode-sim> downloads, gzipped (level 9), against the
// budgets the project set itself. A figure over its budget is called out, never hidden; the exit
// code stays 0 (this reports, CI's tests judge).
//
// The JavaScript is followed through static imports: from the element's module (what a page
// fetches before any instance is revealed: the poster), from the implementation it imports when
// an instance is revealed (element.js), and from the worker's script (fetched when the runs start;
// modules the page already has come from its cache). The posters are those `make pkg` draws.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const KB = 1024;
const kb = (b) => `${(b / KB).toFixed(1)} KB`;

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

const before = graph('www/supernode-sim.js');
const after = [...graph('www/element.js')].filter((f) => !before.has(f));
const worker = [...graph('www/run-worker.js')].filter((f) => !before.has(f) && !after.includes(f));
const sum = (files) => [...files].reduce((a, f) => a + gz(join(ROOT, f)), 0);
const postersDir = join(ROOT, 'pkg', 'posters');
const posters = existsSync(postersDir) ? readdirSync(postersDir).filter((f) => f.endsWith('.png')).map((f) => join(postersDir, f)) : [];
// A PNG is compressed already: its bytes are what is fetched.
const largest = posters.reduce((a, f) => Math.max(a, statSync(f).size), 0);

const rows = [
  { what: 'JavaScript fetched before an instance is revealed', bytes: sum(before), budget: 15 * KB, files: before.size, note: 'the poster' },
  { what: 'JavaScript fetched on reveal (the element)', bytes: sum(after), budget: null, files: after.length, note: 'no budget set' },
  { what: 'JavaScript fetched when its runs start (worker)', bytes: sum(worker), budget: null, files: worker.length, note: 'no budget set' },
  { what: 'WebAssembly module', bytes: gz(join(ROOT, 'pkg', 'supernode_sim_bg.wasm')), budget: 160 * KB, files: 1, note: '' },
  { what: 'Largest poster (one per instance, PNG)', bytes: largest, budget: 150 * KB, files: posters.length,
    note: posters.length ? `light and dark for each scenario, ${kb(posters.reduce((a, f) => a + statSync(f).size, 0))} in all` : 'none: run `make pkg`' },
];

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
console.log(`Modules before reveal: ${[...before].map((f) => relative('www', f)).join(', ')}`);
