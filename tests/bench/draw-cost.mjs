// What drawing the picture costs in the browser, and whether zooming keeps the display's rate.
//
// 1. A blank page in headless Chromium loads the module, runs `skype-2010` at real scale (48,000
//    supernodes, 23 M clients) to a moment, and times the Rust renderer drawing a 1280×720 frame
//    (the worker's share of a frame before it becomes a bitmap): the overview, zoomed in to the
//    clients (each client, its link, load bars, failsafe rings, host-cache walks), and grouped by
//    state. Prints the median and p95 of 60 frames each, with particles moving.
// 2. The real page at 1280×720, paused at that moment: 120 wheel steps (Ctrl+wheel, one per
//    display frame) zoom in and out; prints the frames per second the page showed meanwhile and
//    its long tasks (the page moves the last frame at once; the worker's frame follows).
//
// A measurement, not a test: it prints, it does not assert.
//
//   node tests/bench/draw-cost.mjs [t_s]      (part of make bench-web)
import { numberArg, benchPage } from './common.mjs';

const tS = numberArg(2, 3600 + 20 * 60, 49 * 3600, 't_s');

const { server, page, close } = await benchPage();
await page.goto(`${server.base}/www/blank.html`);
await page.evaluate(async (tS) => {
  const m = await import('/pkg/supernode_sim.js');
  await m.default({ module_or_path: '/pkg/supernode_sim_bg.wasm' });
  const sim = new m.Sim('skype-2010', 1, '');
  sim.resize(1280, 720, 1);
  // An hour per call is too long for one task; go in slices.
  while (sim.time_s() < tS) sim.step(Math.min(600, tS - sim.time_s()));
  window.__sim = sim;
}, tS);
const timeDraws = (setup) => page.evaluate((setup) => {
  const sim = window.__sim;
  if (setup.view) sim.set_view(1, 0.5, 0.5, !!setup.view.by_state, false);
  if (setup.to !== undefined) sim.zoom_to(setup.to);
  const ms = [];
  for (let k = 0; k < 70; k++) {
    const t0 = performance.now();
    sim.render(1 / 60, true, true);
    if (k >= 10) ms.push(performance.now() - t0);
  }
  const v = JSON.parse(sim.view());
  sim.set_view(1, 0.5, 0.5, false, false);
  ms.sort((a, b) => a - b);
  return { median: ms[ms.length >> 1], p95: ms[Math.floor(ms.length * 0.95)], zoom: v.zoom, clients: v.clients_shown };
}, setup);
const overview = await timeDraws({ view: {} });
// A serving supernode near the middle of the overlay.
const middle = await page.evaluate(() => {
  const sim = window.__sim;
  let best = 0;
  let bd = Infinity;
  for (let i = 0; i < 48000; i++) {
    const s = JSON.parse(sim.supernode(i));
    if (!s || s.state !== 'up') continue;
    const d = Math.hypot(s.x - 640, s.y - 360);
    if (d < bd) [best, bd] = [i, d];
  }
  return best;
});
const zoomed = await timeDraws({ view: {}, to: middle });
const grouped = await timeDraws({ view: { by_state: true } });

// 2. Zooming on the real page.
await page.goto(`${server.base}/?seed=1&t=${tS}&autoplay=off`);
await page.waitForFunction((t) => {
  const el = document.querySelector('supernode-sim');
  return el?.framesDrawn > 0 && el.snapshot()?.t_s >= t;
}, tS, { timeout: 120000 });
await page.waitForTimeout(500);
const canvas = page.locator('supernode-sim >> canvas.overlay');
const box = await canvas.boundingBox();
await page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height, 600) / 2);
const startWall = await page.evaluate(() => {
  window.__rafs = [];
  const tick = (t) => {
    window.__rafs.push(t);
    if (window.__rafs.length < 100000) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  return performance.now();
});
await page.keyboard.down('Control');
for (let k = 0; k < 120; k++) {
  await page.mouse.wheel(0, k < 60 ? -60 : 60);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
}
await page.keyboard.up('Control');
const zoomRun = await page.evaluate((startWall) => {
  const r = window.__rafs.filter((t) => t >= startWall);
  const gaps = r.slice(1).map((t, i) => t - r[i]).sort((a, b) => a - b);
  return {
    fps: (r.length - 1) / ((r.at(-1) - r[0]) / 1000),
    p95gap: gaps[Math.floor(gaps.length * 0.95)],
    long: window.__longTasks.filter(([t]) => t >= startWall).map(([, d]) => d),
    zoomLabel: document.querySelector('supernode-sim').shadowRoot.querySelector('.zoom-level').textContent,
  };
}, startWall);
await close();

const f = (d) => `median ${d.median.toFixed(2)} ms, p95 ${d.p95.toFixed(2)} ms`;
const rows = [
  ['moment', `skype-2010, seed 1, real scale, t = ${tS} s`],
  ['overview draw (1280×720)', f(overview)],
  ['zoomed-in draw (clients shown)', `${f(zoomed)} (zoom ${zoomed.zoom.toFixed(1)}×, clients ${zoomed.clients ? 'shown' : 'not shown'})`],
  ['by-state draw', f(grouped)],
  ['page while zooming (120 wheel steps)', `${zoomRun.fps.toFixed(1)} fps, p95 frame gap ${zoomRun.p95gap.toFixed(1)} ms`],
  ['long tasks while zooming', zoomRun.long.length ? zoomRun.long.map((d) => `${d.toFixed(0)} ms`).join(', ') : 'none'],
];
for (const [k, v] of rows) console.log(`${k.padEnd(38)} ${v}`);
