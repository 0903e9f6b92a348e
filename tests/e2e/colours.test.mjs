// Legible at a glance: the supernode states' colours (and the attempts') stay apart under
// simulated colour-vision deficiencies in both themes, and the legend never covers the picture:
// it sits outside the disc (in a corner on a wide picture, under a narrow one) and folds away.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { shared, openPage, ready, SHOTS } from './harness.mjs';

const env = shared();

const SMALL = 'p.clients.total=2300000&p.supernodes.count=4800&p.mega.count=100';

// Machado, Oliveira & Fernandes (2009), severity 1, on linear RGB.
const CVD = {
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]],
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  tritanopia: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.3039]],
  'normal vision': [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
};
const toLin = (c) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const toSrgb = (c) => 255 * (Math.min(1, Math.max(0, c)) <= 0.0031308 ? 12.92 * Math.max(0, c) : 1.055 * Math.min(1, c) ** (1 / 2.4) - 0.055);
const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
const simulate = (hex, m) => {
  const l = rgb(hex).map(toLin);
  return m.map((row) => toSrgb(row[0] * l[0] + row[1] * l[1] + row[2] * l[2]));
};
const lab = (c) => {
  const [r, g, b] = c.map(toLin);
  const f = (t) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
  const y = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
  const z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
};
/** CIE76 colour difference between two simulated colours. */
const deltaE = (a, b) => Math.hypot(...lab(a).map((v, i) => v - lab(b)[i]));

const STATES = ['--sn-up', '--sn-overloaded', '--sn-shut-down', '--sn-crashed', '--sn-mega'];

test('the states\' colours stay apart under deuteranopia, protanopia and tritanopia, in both themes', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/embed.html?scenario=lesson-jitter&t=60&${SMALL}`);
  await ready(page);
  const report = [];
  for (const theme of ['light', 'dark']) {
    const vars = await page.evaluate(async ([t, names]) => {
      const el = document.querySelector('supernode-sim');
      el.setAttribute('theme', t);
      await el.settled();
      const cs = getComputedStyle(el);
      return Object.fromEntries(names.map((n) => [n, cs.getPropertyValue(n).trim()]));
    }, [theme, [...STATES, '--bg', '--attempt-ok', '--attempt-failed']]);
    for (const [vision, m] of Object.entries(CVD)) {
      const sim = (n) => simulate(vars[n], m);
      for (let i = 0; i < STATES.length; i++) {
        // Against the background, so that every state can be seen at all.
        const bg = deltaE(sim(STATES[i]), sim('--bg'));
        assert.ok(bg >= 30, `${theme}, ${vision}: ${STATES[i]} ${vars[STATES[i]]} on ${vars['--bg']}: ΔE ${bg.toFixed(1)} < 30`);
        for (let j = i + 1; j < STATES.length; j++) {
          const d = deltaE(sim(STATES[i]), sim(STATES[j]));
          report.push(d);
          assert.ok(d >= 25, `${theme}, ${vision}: ${STATES[i]} ${vars[STATES[i]]} and ${STATES[j]} ${vars[STATES[j]]}: ΔE ${d.toFixed(1)} < 25`);
        }
      }
      const att = deltaE(sim('--attempt-ok'), sim('--attempt-failed'));
      assert.ok(att >= 25, `${theme}, ${vision}: an attempt that succeeds and one that fails: ΔE ${att.toFixed(1)} < 25`);
    }
  }
  assert.ok(report.length === 2 * 4 * 10);
  assert.deepEqual(errors, []);
  await page.close();
});

/** Share of the picture's pixels under the legend that are not background (0 = covers nothing). */
function coveredShare(page) {
  return page.evaluate(async () => {
    const el = document.querySelector('supernode-sim');
    await el.settled();
    const root = el.shadowRoot;
    const c = root.querySelector('canvas.overlay');
    const cr = c.getBoundingClientRect();
    const lr = root.querySelector('.legend').getBoundingClientRect();
    const x0 = Math.max(lr.left, cr.left), x1 = Math.min(lr.right, cr.right);
    const y0 = Math.max(lr.top, cr.top), y1 = Math.min(lr.bottom, cr.bottom);
    if (x1 <= x0 || y1 <= y0) return { share: 0, overlap: false };
    const k = c.width / cr.width;
    const [sx, sy] = [Math.floor((x0 - cr.left) * k), Math.floor((y0 - cr.top) * k)];
    const [sw, sh] = [Math.max(1, Math.floor((x1 - x0) * k)), Math.max(1, Math.floor((y1 - y0) * k))];
    const d = c.getContext('2d').getImageData(sx, sy, sw, sh).data;
    const bg = c.getContext('2d').getImageData(1, 1, 1, 1).data;
    let other = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - bg[0]) + Math.abs(d[i + 1] - bg[1]) + Math.abs(d[i + 2] - bg[2]) > 24) other++;
    return { share: other / (d.length / 4), overlap: true };
  });
}

test('the legend never covers the picture: in a corner outside the disc, under a narrow picture, and it folds away', async () => {
  const url = `${env.server.base}/?scenario=skype-2010&t=5400&${SMALL}`;
  // 640 px: one column, a picture wider than tall, where the corner would cover the disc.
  for (const [w, h, name] of [[1280, 720, 'legend-1280.png'], [640, 720, 'legend-640.png'], [375, 812, 'legend-375.png']]) {
    const { page, errors } = await openPage(env.ctx, url, { viewport: { width: w, height: h } });
    await ready(page);
    await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().t_s >= 5400, null, { timeout: 60000 });
    const covered = await coveredShare(page);
    assert.ok(covered.share < 0.005, `${w} px: the legend covers ${(covered.share * 100).toFixed(1)}% drawn pixels`);
    // In two columns the picture is taller than wide: the legend stays in its corner.
    const below = await page.evaluate(() => document.querySelector('supernode-sim').shadowRoot.querySelector('.stage').classList.contains('legend-below'));
    assert.equal(below, w === 640, `${w} px: legend under the picture: ${below}`);
    if (w < 1000) {
      // Under the picture, not over it.
      const pos = await page.evaluate(() => {
        const root = document.querySelector('supernode-sim').shadowRoot;
        return { legendTop: root.querySelector('.legend').getBoundingClientRect().top, canvasBottom: root.querySelector('canvas.overlay').getBoundingClientRect().bottom };
      });
      assert.ok(pos.legendTop >= pos.canvasBottom - 1, `${w} px: legend at ${pos.legendTop}, picture ends at ${pos.canvasBottom}`);
      assert.equal(covered.overlap, false);
    }
    await page.locator('supernode-sim').screenshot({ path: join(SHOTS, name) });
    // It folds away and opens again.
    const summary = page.locator('supernode-sim >> .legend summary');
    await summary.click();
    assert.equal(await page.evaluate(() => document.querySelector('supernode-sim').shadowRoot.querySelector('.legend ul').checkVisibility()), false);
    await summary.click();
    assert.equal(await page.evaluate(() => document.querySelector('supernode-sim').shadowRoot.querySelector('.legend ul').checkVisibility()), true);
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('printed, the element shows its picture at its moment, the legend and the chart, and no controls', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/?scenario=lesson-jitter&t=600&${SMALL}`);
  await ready(page);
  await page.emulateMedia({ media: 'print' });
  const shown = await page.evaluate(() => {
    const root = document.querySelector('supernode-sim').shadowRoot;
    const vis = (sel) => root.querySelector(sel).checkVisibility();
    return { picture: vis('canvas.overlay'), chart: vis('canvas.chart'), legend: vis('.legend ul'), clock: vis('.stage-clock'),
      toolbar: vis('.toolbar'), timeline: vis('.timeline'), controls: vis('.controls') };
  });
  assert.deepEqual(shown, { picture: true, chart: true, legend: true, clock: true, toolbar: false, timeline: false, controls: false });
  await page.pdf({ path: join(SHOTS, 'printed.pdf'), format: 'A4' }).catch(() => {});
  assert.deepEqual(errors, []);
  await page.close();
});
