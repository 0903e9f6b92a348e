// Measures the real page in headless Chromium at 1280×720, at real scale (23 M clients, 48,000
// supernodes), asked for a simulated day per real minute (slow motion off) from the start until
// the end of the 2010 scenario's 48 h (or `seconds` of real time): the speed held over the whole
// run and through the collapse (T−0:40 to T+2:13), the page thread's time per frame (its share:
// asking, drawing the bitmap, the chart and the read-outs; the model steps in a worker) median
// and p95, the frames per second, the page's long tasks (Long Tasks API: page-thread tasks over
// 50 ms), the saved marks, the wasm module's size raw and gzipped, and the time from navigation
// to the first drawn frame. A measurement, not a test: it prints, it does not assert.
//
//   node tests/bench/page-bench.mjs [seconds]      (make bench-web)
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { ROOT } from '../e2e/harness.mjs';
import { numberArg, benchPage } from './common.mjs';

const seconds = numberArg(2, 300, 3600, 'seconds');
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
const END_S = 49 * 3600; // the trigger at 1 h, then 48 h
const COLLAPSE = [3600 - 40 * 60, 3600 + 133 * 60];
const read = () => page.evaluate(() => {
  const el = document.querySelector('supernode-sim');
  return { t: el.snapshot().t_s, wall: performance.now(), frames: el.framesDrawn, n: el.perfSamples().length };
});
const start = await read();
const track = [start];
while (track.at(-1).t < END_S && track.at(-1).wall - start.wall < seconds * 1000) {
  await page.waitForTimeout(1000);
  track.push(await read());
}
const end = await page.evaluate(() => {
  const el = document.querySelector('supernode-sim');
  return { samples: el.perfSamples(), long: window.__longTasks, marks: JSON.parse(el.sim.history_stats()), runsIn: el.runsIn, memory: el.memoryBytes };
});
await close();

/** When (wall ms) the run passed simulated time `t`, interpolated between the samples. */
const wallAt = (t) => {
  for (let i = 1; i < track.length; i++) {
    const [a, b] = [track[i - 1], track[i]];
    if (a.t <= t && b.t >= t) return b.t === a.t ? a.wall : a.wall + ((t - a.t) / (b.t - a.t)) * (b.wall - a.wall);
  }
  return null;
};
const last = track.at(-1);
const frames = last.frames - start.frames;
const samples = end.samples.slice(-Math.min(frames, end.samples.length)).sort((a, b) => a - b);
const q = (p) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))];
const wall = (last.wall - start.wall) / 1000;
const held = (t0, t1) => {
  const [w0, w1] = [wallAt(t0), wallAt(t1)];
  if (w0 === null || w1 === null) return 'not reached';
  const rate = (t1 - t0) / ((w1 - w0) / 1000);
  return `${rate.toFixed(0)} ticks/s, ${((100 * rate) / 1440).toFixed(0)}% of a day per minute`;
};
const long = end.long.filter(([t]) => t >= start.wall && t <= last.wall).map(([, d]) => d);
const rows = [
  ['runs compute in', end.runsIn === 'worker' ? 'a Web Worker' : "the page's thread"],
  ['speed held, whole run', `${held(start.t, last.t)} (${(start.t / 3600).toFixed(2)} h → ${(last.t / 3600).toFixed(2)} h in ${wall.toFixed(0)} s)`],
  ['speed held through the collapse', `${held(...COLLAPSE)} (T−0:40 → T+2:13)`],
  ['frames drawn', `${frames} (${(frames / wall).toFixed(1)} fps)`],
  ['page-thread time per frame, median', `${q(0.5).toFixed(2)} ms`],
  ['page-thread time per frame, p95', `${q(0.95).toFixed(2)} ms`],
  ['long tasks (over 50 ms) while playing', `${long.length}${long.length ? `, longest ${Math.max(...long).toFixed(0)} ms` : ''}`],
  ['saved marks at the end', `${end.marks.marks}, ${(end.marks.bytes / 2 ** 20).toFixed(1)} MB; the worker's memory ${(end.memory / 2 ** 20).toFixed(0)} MB`],
  ['wasm size', `${(wasm.length / 1024).toFixed(1)} KiB raw, ${(gz.length / 1024).toFixed(1)} KiB gzipped`],
  ['navigation → first drawn frame', `${firstFrame.toFixed(0)} ms (DOMContentLoaded ${nav.domContentLoaded.toFixed(0)} ms)`],
];
for (const [k, v] of rows) console.log(`${k.padEnd(38)} ${v}`);
