// Memory of several instances on one page: a blank page with three <supernode-sim> elements (the
// 2010 and 2015 incidents at real scale, the jitter lesson), each taken to a late moment so that
// its saved marks fill up, then the WebAssembly memory they share is read. A measurement, not a
// test: it prints, it does not assert.
//
//   node tests/bench/memory.mjs [hours]      (part of make bench-web)
import { numberArg, benchPage } from './common.mjs';

const hours = numberArg(2, 6, 48, 'hours');
const { server, page, close } = await benchPage(1280, 2400);
await page.goto(`${server.base}/www/blank.html`);
const read = () => page.evaluate(async () => {
  const m = await import('/www/element.js');
  const els = [...document.querySelectorAll('supernode-sim')];
  return { bytes: await m.wasmMemoryBytes(), marks: els.map((e) => JSON.parse(e.sim?.history_stats() ?? '{"bytes":0}').bytes) };
});
const rows = [];
for (const [i, scenario] of ['skype-2010', 'skype-2015', 'lesson-jitter'].entries()) {
  await page.evaluate(async ([scenario, t]) => {
    await import('/www/supernode-sim.js');
    const el = document.createElement('supernode-sim');
    el.setAttribute('scenario', scenario);
    el.setAttribute('controls', 'none');
    el.setAttribute('loading', 'eager');
    el.setAttribute('height', '300');
    el.setAttribute('time', String(t));
    document.body.append(el);
  }, [scenario, hours * 3600]);
  await page.waitForFunction(([n, t]) => {
    const el = document.querySelectorAll('supernode-sim')[n];
    return el?.snapshot()?.t_s >= t && el.shadowRoot.querySelector('.progress').hidden;
  }, [i, hours * 3600], { timeout: 1800000, polling: 500 });
  const r = await read();
  rows.push([`${i + 1} instance${i ? 's' : ''} (+ ${scenario} at ${hours} h)`, r]);
}
await close();
const mb = (b) => `${(b / 2 ** 20).toFixed(1)} MB`;
for (const [k, r] of rows) console.log(`${k.padEnd(44)} wasm memory ${mb(r.bytes)}; marks ${r.marks.map(mb).join(' + ')}`);
