// Embedding: shareable runs replay bit for bit, instances off-screen or in a hidden tab cost
// nothing, the element is safe in other people's pages (CSP, sandboxed iframe, no outside
// requests, no markup from attributes, one bad instance does not stop the others), the npm
// package loads in a bundler-free page, and the blog-post example works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shared, serve, openPage, ready, snapshot, SHOTS, ROOT } from './harness.mjs';


const env = shared();

const SMALL = 'p.clients.total=2300000&p.supernodes.count=4800&p.mega.count=100';

test('a copied link reproduces the run at the same simulated time, bit for bit', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/?scenario=skype-2010&seed=5&speed=1440&${SMALL}`);
  await ready(page);
  await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().t_s > 2.5 * 3600, null, { timeout: 60000 });
  await page.evaluate(() => document.querySelector('supernode-sim').pause());
  // What a user does mid-run: a live parameter, an intervention, a click on a supernode.
  await page.evaluate(() => document.querySelector('supernode-sim').setParams({ 'failsafe.threshold': 3 }));
  await page.locator('supernode-sim >> button.step').click();
  await page.locator('supernode-sim >> button[data-act="fix"]').click();
  await page.locator('supernode-sim >> button.step').click();
  const pos = await page.evaluate(async () => {
    const el = document.querySelector('supernode-sim');
    await el.settled();
    let i = 0;
    while ((await el.sim.supernode(i)).state === 'crashed') i++;
    const info = await el.sim.supernode(i);
    const c = el.shadowRoot.querySelector('canvas.overlay');
    const dpr = c.width / c.getBoundingClientRect().width;
    return { x: info.x / dpr, y: info.y / dpr };
  });
  await page.locator('supernode-sim >> canvas.overlay').click({ position: pos });
  for (let i = 0; i < 5; i++) await page.locator('supernode-sim >> button.step').click();
  const original = await snapshot(page);
  assert.equal(original.overrides['failsafe.threshold'], 3);
  const link = await page.evaluate(() => document.querySelector('supernode-sim').shareLink());
  assert.match(link, /actions=/);
  assert.match(link, new RegExp(`t=${original.t_s}`));
  // The link in a fresh page: it replays to the same second and gives the same series.
  const { page: copy, errors: copyErrors } = await openPage(env.ctx, link);
  await ready(copy);
  await copy.waitForFunction((t) => document.querySelector('supernode-sim').snapshot().t_s >= t, original.t_s, { timeout: 120000 });
  const replayed = await snapshot(copy);
  assert.equal(replayed.t_s, original.t_s);
  assert.equal(replayed.hash, original.hash);
  assert.equal(replayed.clients_online, original.clients_online);
  assert.equal(replayed.supernodes_crashed, original.supernodes_crashed);
  assert.equal(replayed.playing, false, 'a link opens paused at its moment');
  // The embed code names the same run.
  const code = await page.evaluate(() => document.querySelector('supernode-sim').embedCode());
  assert.match(code.iframe, /^<iframe src="[^"]*embed\.html\?scenario=skype-2010&amp;seed=5/);
  assert.match(code.element, /<supernode-sim scenario="skype-2010" seed="5" time="\d+" params='\{/);
  assert.deepEqual(errors, []);
  assert.deepEqual(copyErrors, []);
  await page.close();
  await copy.close();
});

test('off-screen and hidden-tab instances run zero ticks and draw nothing, then resume', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/tests/e2e/fixtures/offscreen.html`);
  await page.waitForFunction(() => document.getElementById('top').framesDrawn > 5, null, { timeout: 30000 });
  const state = () =>
    page.evaluate(() => ['top', 'below'].map((id) => {
      const el = document.getElementById(id);
      return { t: el.snapshot()?.t_s ?? 0, frames: el.framesDrawn };
    }));
  const [, below0] = await state();
  await page.waitForTimeout(1500);
  const [top1, below1] = await state();
  assert.equal(below1.frames, 0, 'the off-screen instance drew');
  assert.equal(below1.t, below0.t, 'the off-screen instance ticked');
  assert.ok(top1.t > 0);
  // Scrolled into view: it starts; the other one, now off-screen, stops where it was.
  await page.evaluate(() => document.getElementById('below').scrollIntoView());
  await page.waitForTimeout(1500);
  const [top2, below2] = await state();
  assert.ok(below2.t > below1.t && below2.frames > 0, 'it did not start when scrolled into view');
  await page.waitForTimeout(800);
  const [top3] = await state();
  assert.equal(top3.t, top2.t, 'the instance scrolled away kept ticking');
  // A hidden tab: nothing at all; visible again: it resumes where it was.
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  // A frame already asked of the worker still arrives; nothing after it.
  await page.evaluate(() => document.getElementById('below').settled());
  const [, hidden0] = await state();
  await page.waitForTimeout(1200);
  const [, hidden1] = await state();
  assert.equal(hidden1.t, hidden0.t, 'it ticked in a hidden tab');
  assert.equal(hidden1.frames, hidden0.frames, 'it drew in a hidden tab');
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await page.waitForTimeout(1200);
  const [, back] = await state();
  assert.ok(back.t > hidden1.t, 'it did not resume');
  assert.ok(back.t - hidden1.t < 2 * 600, 'it jumped instead of resuming');
  assert.deepEqual(errors, []);
  await page.close();
});

test('under a strict CSP: works, loads nothing from elsewhere, shows bad attributes as text, other instances run on', async () => {
  const requests = [];
  const page = await env.ctx.newPage();
  page.on('request', (r) => requests.push(r.url()));
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${env.server.base}/tests/e2e/fixtures/csp.html`);
  const violations = await page.evaluate(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    return window.__violations;
  });
  await page.waitForFunction(() => document.getElementById('good').framesDrawn > 5 && document.getElementById('bad').framesDrawn > 5, null, { timeout: 30000 });
  await page.waitForTimeout(1000);
  const good = await page.evaluate(() => document.getElementById('good').snapshot());
  assert.ok(good.t_s > 0, 'the good instance does not run');
  const bad = await page.evaluate(() => {
    const el = document.getElementById('bad');
    return {
      messages: [...el.shadowRoot.querySelectorAll('ul.errors li')].map((li) => li.textContent),
      imgs: el.shadowRoot.querySelectorAll('img').length,
      t: el.snapshot().t_s,
      xss: window.__xss ?? null,
    };
  });
  assert.equal(bad.xss, null, 'attribute text ran as script');
  assert.equal(bad.imgs, 0, 'attribute text became markup');
  assert.ok(bad.messages.some((m) => m.startsWith('scenario:') && m.includes('<img src=x')), bad.messages.join('\n'));
  assert.ok(bad.messages.some((m) => m.startsWith('seed:')), bad.messages.join('\n'));
  assert.ok(bad.messages.some((m) => m.startsWith('params.') && m.includes('not a parameter')), bad.messages.join('\n'));
  assert.ok(bad.t > 0, 'the bad instance stopped instead of falling back to defaults');
  assert.deepEqual(await page.evaluate(() => window.__violations), violations.length ? violations : []);
  const outside = requests.filter((u) => !u.startsWith(env.server.base) && !u.startsWith('blob:') && !u.startsWith('data:'));
  assert.deepEqual(outside, [], 'requests outside its own files');
  await page.screenshot({ path: join(SHOTS, 'embed-csp.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('under a CSP that allows no worker: the runs move to the page\'s thread, the element says so and works', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/tests/e2e/fixtures/csp-no-worker.html`);
  // The blocked worker is reported by the browser itself; nothing else may go wrong.
  const own = () => errors.filter((e) => !/worker-src|Content Security Policy/i.test(e));
  await page.waitForFunction(() => document.getElementById('sim').framesDrawn > 5, null, { timeout: 30000 });
  await page.waitForTimeout(800);
  const s = await snapshot(page, '#sim');
  assert.equal(s.runs_in, 'page');
  assert.ok(s.t_s > 0, 'it does not run');
  const note = page.locator('#sim >> .runs-note');
  assert.equal(await note.isVisible(), true);
  assert.match(await note.textContent(), /page's own thread, not in a Web Worker: .*worker-src/);
  await page.screenshot({ path: join(SHOTS, 'embed-no-worker.png') });
  // The same run, bit for bit, on the page's thread and in a worker.
  const onPage = await page.evaluate(async () => {
    const el = document.getElementById('sim');
    el.pause();
    el.seek(1800);
    await el.settled();
    while (el.snapshot().t_s !== 1800 || !el.shadowRoot.querySelector('.progress').hidden) await new Promise((r) => setTimeout(r, 100));
    return el.snapshot();
  });
  const w = await openPage(env.ctx, `${env.server.base}/?scenario=lesson-jitter&t=1800&autoplay=off`);
  await w.page.waitForFunction(() => document.querySelector('supernode-sim')?.snapshot()?.t_s === 1800, null, { timeout: 30000 });
  const inWorker = await snapshot(w.page);
  assert.equal(inWorker.runs_in, 'worker');
  assert.equal(onPage.hash, inWorker.hash, 'the page thread and the worker ran different runs');
  await w.page.close();
  assert.deepEqual(own(), []);
  await page.close();
});

test('the element\'s module from another origin (a CDN): its worker starts through a same-origin bootstrap', async () => {
  const other = await serve();
  try {
    const src = `${other.base}/www/supernode-sim.js`;
    assert.notEqual(new URL(other.base).origin, new URL(env.server.base).origin);
    const { page, errors } = await openPage(env.ctx, `${env.server.base}/tests/e2e/fixtures/cross-origin.html?src=${encodeURIComponent(src)}`);
    await page.waitForFunction(() => document.getElementById('sim').framesDrawn > 5, null, { timeout: 30000 });
    await page.waitForTimeout(800);
    const s = await snapshot(page, '#sim');
    assert.equal(s.runs_in, 'worker');
    assert.equal(s.seed, 4);
    assert.ok(s.t_s > 0);
    assert.equal(await page.locator('#sim >> .runs-note').isVisible(), false);
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    other.stop();
  }
});

test('an instance out of the page ends its worker after a while, and back in the page runs the same run from the same moment', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/www/blank.html`);
  const atMoment = () => page.evaluate(async () => {
    const el = window.__el;
    await el.ready;
    while (el.snapshot()?.t_s !== 900 || !el.shadowRoot.querySelector('.progress').hidden) await new Promise((r) => setTimeout(r, 100));
    await el.settled();
    return { hash: el.snapshot().hash, runsIn: el.runsIn, clean: el.shadowRoot.querySelector('.errors').hidden, acted: JSON.parse(el.sim.actions()).length };
  });
  await page.evaluate(async () => {
    await import('/www/supernode-sim.js');
    const el = document.createElement('supernode-sim');
    window.__el = el;
    el.setAttribute('scenario', 'lesson-jitter');
    el.setAttribute('seed', '5');
    el.setAttribute('height', '200');
    el.setAttribute('controls', 'minimal');
    el.setAttribute('actions', '[{"t":300,"a":"do","k":"admission"}]');
    el.setAttribute('time', '900');
    document.body.append(el);
  });
  const before = await atMoment();
  assert.equal(before.runsIn, 'worker');
  assert.equal(before.clean, true);
  assert.equal(before.acted, 1, 'the action log was not taken');
  // Out of the page for longer than it keeps its runs: they end.
  await page.evaluate(() => window.__el.remove());
  await page.waitForTimeout(11000);
  assert.equal(await page.evaluate(() => window.__el.runsIn), null, 'its worker did not end');
  // Back: the same run (start parameters and action log) at the same moment.
  await page.evaluate(() => document.body.append(window.__el));
  const back = await atMoment();
  assert.equal(back.runsIn, 'worker');
  assert.equal(back.hash, before.hash, 'back in the page, it is another run');
  assert.deepEqual(errors, []);
  await page.close();
});

test('inside <iframe sandbox="allow-scripts">', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/tests/e2e/fixtures/sandbox.html`);
  const frame = page.frames().find((f) => f.url().includes('embed.html'));
  assert.ok(frame, 'no embed frame');
  await frame.waitForFunction(() => document.querySelector('supernode-sim')?.framesDrawn > 5, null, { timeout: 30000 });
  await page.waitForTimeout(1000);
  const s = await frame.evaluate(() => document.querySelector('supernode-sim').snapshot());
  assert.equal(s.scenario, 'lesson-jitter');
  assert.equal(s.seed, 3);
  assert.ok(s.t_s > 0);
  // An opaque origin: the worker starts through the same bootstrap as from another origin.
  assert.equal(s.runs_in, 'worker');
  // No clipboard in a sandbox: "Copy link" shows the link to copy by hand.
  await frame.locator('supernode-sim >> details.controls').evaluate((d) => (d.open = true));
  await page.screenshot({ path: join(SHOTS, 'embed-sandbox.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the npm package loads in a blank, bundler-free page', async () => {
  const tgz = execFileSync('node', ['tools/npm-package.mjs'], { cwd: ROOT }).toString().trim().split('\n').pop();
  const site = mkdtempSync(join(tmpdir(), 'snsim-site-'));
  mkdirSync(join(site, 'node_modules', 'supernode-sim'), { recursive: true });
  execFileSync('tar', ['-xzf', join(ROOT, tgz), '-C', join(site, 'node_modules', 'supernode-sim'), '--strip-components=1']);
  writeFileSync(
    join(site, 'index.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>blank</title><link rel="icon" href="data:,">
<script type="module" src="node_modules/supernode-sim/www/supernode-sim.js"></script></head>
<body><supernode-sim scenario="lesson-jitter" controls="minimal" autoplay></supernode-sim></body></html>`,
  );
  const other = await serve([], site);
  try {
    const { page, errors } = await openPage(env.ctx, `${other.base}/index.html`);
    await page.waitForFunction(() => document.querySelector('supernode-sim')?.framesDrawn > 5, null, { timeout: 30000 });
    assert.ok((await page.evaluate(() => document.querySelector('supernode-sim').snapshot().t_s)) > 0);
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    other.stop();
  }
});

test('the blog-post example: three embeds driven by scrolling', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/www/examples/blog-post.html`);
  // The embeds are lazy: the first one starts; the one at the end of the post shows its poster
  // and has fetched nothing.
  await page.waitForFunction(() => document.getElementById('e2010').sim, null, { timeout: 30000 });
  assert.equal(await page.evaluate(() => document.getElementById('ejitter').snapshot()), null);
  assert.ok(await page.evaluate(() => !!document.getElementById('ejitter').shadowRoot.querySelector('.poster')));
  await page.locator('section.step').nth(1).scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, 200));
  await page.waitForFunction(() => document.getElementById('e2010').snapshot()?.t_s >= 3540, null, { timeout: 30000 });
  await page.screenshot({ path: join(SHOTS, 'blog-post.png') });
  await page.locator('section.step').nth(7).scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, 200));
  await page.waitForFunction(() => document.getElementById('ejitter').snapshot()?.compare, null, { timeout: 30000 });
  const c = await page.evaluate(() => document.getElementById('ejitter').snapshot().compare);
  assert.equal(c.a, 'exponential');
  assert.equal(c.b, 'full-jitter');
  assert.deepEqual(errors, []);
  await page.close();
});

test('export: PNG of picture and chart, CSV and JSON of the series, a WebM clip', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/?scenario=lesson-jitter&seed=2&speed=600`);
  await ready(page);
  await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().t_s > 1800, null, { timeout: 30000 });
  const out = await page.evaluate(async () => {
    const el = document.querySelector('supernode-sim');
    el.pause();
    const png = await el.exportPng();
    const csv = await el.exportCsv();
    const json = JSON.parse(await el.exportJson());
    const snapHash = el.snapshot().hash;
    const webm = await el.recordClip(1);
    const head = new Uint8Array(await webm.slice(0, 4).arrayBuffer());
    return {
      pngType: png.type, pngSize: png.size, csvHead: csv.split('\n')[0], csvRows: csv.trim().split('\n').length,
      keys: Object.keys(json), hash: json.hash, snapHash, samples: json.series.t_s.length,
      webmSize: webm.size, webmMagic: Array.from(head),
    };
  });
  assert.equal(out.pngType, 'image/png');
  assert.ok(out.pngSize > 10000, `PNG of ${out.pngSize} bytes`);
  assert.match(out.csvHead, /^t_s,clients_online,clients_total,/);
  assert.equal(out.csvRows, out.samples + 1);
  assert.deepEqual(out.keys, ['scenario', 'seed', 'params', 'series', 'events', 'summary', 'hash']);
  assert.equal(out.hash, out.snapHash);
  assert.ok(out.webmSize > 1000, `WebM of ${out.webmSize} bytes`);
  assert.deepEqual(out.webmMagic, [0x1a, 0x45, 0xdf, 0xa3], 'not a WebM (EBML) file');
  assert.deepEqual(errors, []);
  await page.close();
});

test('attributes are observed live, and several instances share one module', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/tests/e2e/fixtures/offscreen.html`);
  await page.waitForFunction(() => document.getElementById('top').framesDrawn > 2, null, { timeout: 30000 });
  const s = await page.evaluate(async () => {
    const el = document.getElementById('top');
    el.setAttribute('scenario', 'lesson-bulkhead');
    el.setAttribute('seed', '7');
    el.setAttribute('speed', '60');
    el.setAttribute('controls', 'full');
    await new Promise((r) => setTimeout(r, 300));
    const snap = el.snapshot();
    const wasm = performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.wasm')).length;
    return { scenario: snap.scenario, seed: snap.seed, speed: snap.speed, toolbar: getComputedStyle(el.shadowRoot.querySelector('.toolbar')).display, wasm };
  });
  assert.deepEqual(s, { scenario: 'lesson-bulkhead', seed: 7, speed: 60, toolbar: 'flex', wasm: 1 });
  assert.deepEqual(errors, []);
  await page.close();
});
