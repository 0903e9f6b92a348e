// What a tick costs in the browser over a whole run: a blank page in headless Chromium loads the
// module and steps one of its simulations one simulated minute at a time, timed (the element's
// runs are in a worker; this times the same module on the page's thread, where nothing else
// runs). Prints the mean cost per tick, the dearest minute and the dearest ten minutes (with when
// they happen, relative to the trigger), and the share of minutes dearer than a day per real
// minute allows (0.69 ms a tick). A measurement, not a test: it prints, it does not assert.
//
//   node tests/bench/tick-cost.mjs [scenario] [hours]      (make bench-ticks)
import { numberArg, benchPage } from './common.mjs';

const scenario = process.argv[2] || 'skype-2010';
const hours = numberArg(3, 49, 720, 'hours');

const { server, page, close } = await benchPage();
await page.goto(`${server.base}/www/blank.html`);
const trigger_s = await page.evaluate(async (scenario) => {
  const m = await import('/pkg/supernode_sim.js');
  await m.default({ module_or_path: '/pkg/supernode_sim_bg.wasm' });
  window.__sim = new m.Sim(scenario, 1, '');
  return window.__sim.trigger_s();
}, scenario);
// Minute by minute, an hour per call into the page so that no call runs for long.
const minutes = [];
for (let h = 0; h < hours; h++) {
  const chunk = await page.evaluate(() => {
    const sim = window.__sim;
    const out = [];
    for (let m = 0; m < 60; m++) {
      const t0 = performance.now();
      sim.step(60);
      out.push([sim.time_s(), (performance.now() - t0) / 60]);
    }
    return out;
  });
  minutes.push(...chunk);
}
await close();

const clock = (t_s) => {
  const rel = Math.round((t_s - trigger_s) / 60);
  const sign = rel < 0 ? '−' : '+';
  const m = Math.abs(rel);
  return `T${sign}${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}`;
};
const mean = minutes.reduce((s, [, ms]) => s + ms, 0) / minutes.length;
const dearest = minutes.reduce((a, b) => (b[1] > a[1] ? b : a));
let worst10 = { ms: 0, at: 0 };
for (let i = 0; i + 10 <= minutes.length; i++) {
  const ms = minutes.slice(i, i + 10).reduce((s, [, x]) => s + x, 0) / 10;
  if (ms > worst10.ms) worst10 = { ms, at: minutes[i][0] - 60 };
}
const budget = 1000 / 1440;
const over = minutes.filter(([, ms]) => ms > budget).length;
const rows = [
  ['scenario, seed', `${scenario}, 1`],
  ['minutes timed', `${minutes.length}, ${clock(minutes[0][0] - 60)} → ${clock(minutes[minutes.length - 1][0])}`],
  ['mean cost per tick', `${mean.toFixed(3)} ms`],
  ['dearest minute', `${dearest[1].toFixed(3)} ms a tick, the minute before ${clock(dearest[0])}`],
  ['dearest ten minutes', `${worst10.ms.toFixed(3)} ms a tick, from ${clock(worst10.at)}`],
  ['minutes over 0.69 ms a tick', `${over} of ${minutes.length} (a day per real minute needs 0.69 ms)`],
];
for (const [k, v] of rows) console.log(`${k.padEnd(30)} ${v}`);
