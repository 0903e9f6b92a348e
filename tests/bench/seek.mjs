// Seeking in the browser at real scale: the real page in headless Chromium opens a copied link
// at T+hours (timed until that moment is on screen, with the long tasks meanwhile; it opens from
// the mark shipped with the page before that moment), waits while the hours before it are
// computed in the background, then seeks back and forth within what it computed, each timed until
// the moment is on screen. Prints the
// saved marks' count and memory. A measurement, not a test: it prints, it does not assert.
//
//   node tests/bench/seek.mjs [hours after the trigger]      (part of make bench-web)
import { numberArg, benchPage } from './common.mjs';

const hours = numberArg(2, 20, 47, 'hours');
const { server, page, close } = await benchPage();
// A copied link at T+hours: the time from navigation until that moment is on screen.
const target = 3600 + hours * 3600;
// The shipped marks fetched (file names), to say which seeks fetched one.
const fetched = [];
page.on('request', (r) => {
  const p = new URL(r.url()).pathname;
  if (p.endsWith('.mark')) fetched.push(p.split('/').pop());
});
await page.goto(`${server.base}/?scenario=skype-2010&seed=1&t=${target}`);
await page.waitForFunction((t) => {
  const el = document.querySelector('supernode-sim');
  return el?.snapshot()?.t_s === t && el.shadowRoot.querySelector('.progress').hidden;
}, target, { timeout: 900000, polling: 200 });
const opened = await page.evaluate(() => ({ ms: performance.now(), long: window.__longTasks, first: document.querySelector('supernode-sim').firstFrameMs }));
const trigger_s = await page.evaluate(() => {
  const el = document.querySelector('supernode-sim');
  el.pause();
  return el.sim.trigger_s();
});
// The link opened from a mark shipped with the page (pkg/marks/): the hours before it get their
// marks while the page is idle, then the seeks below start from them.
const filledMs = await page.evaluate(async () => {
  const el = document.querySelector('supernode-sim');
  const t0 = performance.now();
  while (JSON.parse(el.sim.history_stats()).hole_s > 0) await new Promise((r) => setTimeout(r, 200));
  return performance.now() - t0;
});
const stats = await page.evaluate(() => JSON.parse(document.querySelector('supernode-sim').sim.history_stats()));
const clock = (t_s) => {
  const rel = Math.round((t_s - trigger_s) / 60);
  const m = Math.abs(rel);
  return `T${rel < 0 ? '−' : '+'}${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}`;
};
// Long tasks while loading (before the first frame: the module, the element's markup) and while
// replaying to the moment (after it).
const longs = (list) => `${list.length}${list.length ? ` (longest ${Math.max(...list.map(([, d]) => d)).toFixed(0)} ms)` : ''}`;
const atLoad = opened.long.filter(([t]) => t < opened.first);
const replaying = opened.long.filter(([t]) => t >= opened.first);
console.log(`a link at ${clock(target)}: on screen after ${(opened.ms / 1000).toFixed(1)} s, progress shown meanwhile; long tasks: ${longs(atLoad)} while loading, ${longs(replaying)} while replaying`);
console.log(`the hours before it computed in the background in ${(filledMs / 1000).toFixed(1)} s more (the page responsive meanwhile)`);
const marksLine = (st) => `${st.marks}, one every ${(st.mean_spacing_s / 60).toFixed(0)} simulated minutes on average, at most ${(st.max_gap_s / 60).toFixed(0)} (from ${clock(st.max_gap_at_s)}), ${(st.bytes / 2 ** 20).toFixed(1)} MB`;
console.log(`saved marks: ${marksLine(stats)}`);

// Seeks within what was computed: back into the collapse, forward, back to the start, to the end.
const targets = [trigger_s + 1.3 * 3600, trigger_s + 0.5 * 3600, trigger_s + 5 * 3600, 1800, trigger_s + 12 * 3600, target - 60];
const lat = [];
const before = await page.evaluate(() => window.__longTasks.length);
for (const t of targets) {
  const had = fetched.length;
  const ms = await page.evaluate(async (t) => {
    const el = document.querySelector('supernode-sim');
    const t0 = performance.now();
    el.seek(t);
    await new Promise((resolve) => {
      const check = () => (el.snapshot().t_s === t && el.shadowRoot.querySelector('.progress').hidden ? resolve() : requestAnimationFrame(check));
      check();
    });
    return performance.now() - t0;
  }, Math.round(t));
  lat.push(ms);
  const got = fetched.slice(had);
  console.log(`seek to ${clock(t)}: ${ms.toFixed(0)} ms${got.length ? ` (fetched the shipped ${got.join(', ')})` : ''}`);
}
console.log(`saved marks after the seeks: ${marksLine(await page.evaluate(() => JSON.parse(document.querySelector('supernode-sim').sim.history_stats())))}`);
const seekLong = await page.evaluate((n) => window.__longTasks.slice(n), before);
console.log(`long tasks while seeking: ${longs(seekLong)}`);
lat.sort((a, b) => a - b);
console.log(`seek latency: median ${lat[Math.floor(lat.length / 2)].toFixed(0)} ms, worst ${lat[lat.length - 1].toFixed(0)} ms`);
await close();
