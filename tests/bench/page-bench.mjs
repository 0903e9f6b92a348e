// Measures the real page in headless Chromium at 1280×720, at real scale (23 M clients, 48,000
// supernodes) while replaying a simulated day per real minute: frame time (step + draw) median
// and p95, ticks per second sustained, the wasm module's size raw and gzipped, and time from
// navigation to the first drawn frame, and the page's long tasks (Long Tasks API: main-thread
// tasks over 50 ms) while it plays. A measurement, not a test: it prints, it does not assert.
//
//   node tests/bench/page-bench.mjs [seconds]      (make bench-web)
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { ROOT } from '../e2e/harness.mjs';
import { numberArg, benchPage } from './common.mjs';

const seconds = numberArg(2, 30, 3600, 'seconds');
const wasm = readFileSync(join(ROOT, 'pkg', 'supernode_sim_bg.wasm'));
const gz = gzipSync(wasm, { level: 9 });

const { server, page, close } = await benchPage();
await page.goto(`${server.base}/?seed=1&speed=1440&slow-motion=off`);
await page.waitForFunction(() => document.querySelector('supernode-sim')?.firstFrameMs !== undefined, null, { timeout: 60000 });
const firstFrame = await page.evaluate(() => document.querySelector('supernode-sim').firstFrameMs);
const nav = await page.evaluate(() => {
  const e = performance.getEntriesByType('navigation')[0];
  return { domContentLoaded: e.domContentLoadedEventEnd, load: e.loadEventEnd };
});
// Measure over a steady window, after the first seconds.
await page.waitForTimeout(2000);
const start = await page.evaluate(() => ({ t: document.querySelector('supernode-sim').snapshot().t_s, wall: performance.now(), n: document.querySelector('supernode-sim').perfSamples().length, frames: document.querySelector('supernode-sim').framesDrawn }));
await page.waitForTimeout(seconds * 1000);
const end = await page.evaluate(() => ({ t: document.querySelector('supernode-sim').snapshot().t_s, wall: performance.now(), samples: document.querySelector('supernode-sim').perfSamples(), frames: document.querySelector('supernode-sim').framesDrawn, long: window.__longTasks, marks: JSON.parse(document.querySelector('supernode-sim').sim.history_stats()) }));
await close();

const frames = end.frames - start.frames;
const samples = end.samples.slice(-Math.min(frames, end.samples.length)).sort((a, b) => a - b);
const q = (p) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))];
const wall = (end.wall - start.wall) / 1000;
const ticksPerS = (end.t - start.t) / wall;
const long = end.long.filter(([t]) => t >= start.wall && t <= end.wall).map(([, d]) => d);
const rows = [
  ['frames measured', `${samples.length} over ${wall.toFixed(1)} s (${(frames / wall).toFixed(1)} fps)`],
  ['frame time (step + draw), median', `${q(0.5).toFixed(2)} ms`],
  ['frame time (step + draw), p95', `${q(0.95).toFixed(2)} ms`],
  ['ticks per second sustained', `${ticksPerS.toFixed(0)} (a day per minute is 1440)`],
  ['long tasks (over 50 ms) while playing', `${long.length}${long.length ? `, longest ${Math.max(...long).toFixed(0)} ms` : ''}`],
  ['saved marks at the end', `${end.marks.marks}, ${(end.marks.bytes / 2 ** 20).toFixed(1)} MB`],
  ['simulated time covered', `${(start.t / 3600).toFixed(2)} h → ${(end.t / 3600).toFixed(2)} h`],
  ['wasm size', `${(wasm.length / 1024).toFixed(1)} KiB raw, ${(gz.length / 1024).toFixed(1)} KiB gzipped`],
  ['navigation → first drawn frame', `${firstFrame.toFixed(0)} ms (DOMContentLoaded ${nav.domContentLoaded.toFixed(0)} ms)`],
];
for (const [k, v] of rows) console.log(`${k.padEnd(36)} ${v}`);
