// Seeking in the browser at real scale: the real page in headless Chromium, its run computed to
// a time (marks are kept as it goes), then seeks back and forth timed until the moment is on
// screen. Prints each seek's latency, the cost of computing with marks, and the marks' memory.
// A measurement, not a test: it prints, it does not assert.
//
//   node tests/bench/seek.mjs [hours computed]      (make bench-seek)
import { serve, browser } from '../e2e/harness.mjs';

const hours = Number(process.argv[2] || 12);
if (!(hours > 0 && hours <= 48)) {
  console.error(`hours: expected a number more than 0 and at most 48, got ${process.argv[2]}`);
  process.exit(2);
}
const server = await serve();
const ctx = await browser();
const page = await ctx.newPage();
await page.setViewportSize({ width: 1280, height: 720 });
await page.goto(`${server.base}/?scenario=skype-2010&seed=1`);
await page.waitForFunction(() => document.querySelector('supernode-sim')?.firstFrameMs !== undefined, null, { timeout: 60000 });
const trigger_s = await page.evaluate(() => {
  const el = document.querySelector('supernode-sim');
  el.pause();
  return el.sim.trigger_s();
});
// Compute the run, a simulated hour per call, timing the calls that kept a mark.
let marked = [];
let plain = [];
for (let h = 0; h < hours; h++) {
  const chunk = await page.evaluate(() => {
    const sim = document.querySelector('supernode-sim').sim;
    const out = [];
    for (let m = 0; m < 60; m++) {
      const before = JSON.parse(sim.history_stats()).marks;
      const t0 = performance.now();
      sim.step(60);
      const ms = performance.now() - t0;
      out.push([ms, JSON.parse(sim.history_stats()).marks !== before || sim.time_s() % 300 === 0]);
    }
    return out;
  });
  for (const [ms, mark] of chunk) (mark ? marked : plain).push(ms);
}
const stats = await page.evaluate(() => JSON.parse(document.querySelector('supernode-sim').sim.history_stats()));
const mean = (a) => a.reduce((s, x) => s + x, 0) / Math.max(1, a.length);
const clock = (t_s) => {
  const rel = Math.round((t_s - trigger_s) / 60);
  const m = Math.abs(rel);
  return `T${rel < 0 ? '−' : '+'}${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}`;
};
console.log(`computed ${hours} h: a simulated minute with a mark ${mean(marked).toFixed(1)} ms, without ${mean(plain).toFixed(1)} ms; ` +
  `${stats.marks} marks, one every ${(stats.mean_spacing_s / 60).toFixed(0)} simulated minutes, ${(stats.bytes / 2 ** 20).toFixed(1)} MB`);

// Seeks: back into the collapse, forward within what was computed, back to the start.
const end = hours * 3600;
const targets = [trigger_s + 1.3 * 3600, trigger_s + 0.5 * 3600, Math.min(end - 600, trigger_s + 5 * 3600), 1800, end - 60];
for (const t of targets) {
  const ms = await page.evaluate(async (t) => {
    const el = document.querySelector('supernode-sim');
    const t0 = performance.now();
    el.seek(t);
    await new Promise((resolve) => {
      const check = () => (el.sim.time_s() >= t && el.shadowRoot.querySelector('.progress')?.hidden !== false ? requestAnimationFrame(() => resolve()) : requestAnimationFrame(check));
      check();
    });
    return performance.now() - t0;
  }, t);
  console.log(`seek to ${clock(t)}: ${ms.toFixed(0)} ms`);
}
await ctx.close();
server.stop();
