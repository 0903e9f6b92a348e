// Embeds that cost nothing until read: an instance shows a poster, and fetches the element's code
// and the WebAssembly module only when it nears the viewport (loading="lazy", the default), at
// once (loading="eager"), or when the reader starts it (reveal="interaction"), or a method is
// called.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { shared, openPage, SHOTS } from './harness.mjs';
import { join } from 'node:path';

const env = shared();

/** Opens `path`, recording every request (paths only) and the gzipped bytes of JavaScript
 * (`jsGz()`: once every response so far has been read and counted). */
async function openRecording(path) {
  const page = await env.ctx.newPage();
  const requests = [];
  const errors = [];
  let jsGz = 0;
  const reading = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  page.on('response', (r) => {
    if (!new URL(r.url()).pathname.endsWith('.js')) return;
    reading.push(r.body().then((b) => {
      jsGz += gzipSync(b, { level: 9 }).length;
    }));
  });
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${env.server.base}${path}`);
  const counted = async () => {
    for (let n = -1; n !== reading.length;) {
      n = reading.length;
      await Promise.all(reading);
    }
    return jsGz;
  };
  return { page, requests, errors, jsGz: counted };
}

test('an instance far down the page fetches only its poster and the small module, until it nears the viewport', async () => {
  const { page, requests, errors, jsGz } = await openRecording('/tests/e2e/fixtures/lazy-below.html');
  await page.waitForLoadState('networkidle');
  const js = requests.filter((p) => p.endsWith('.js'));
  assert.deepEqual(js, ['/www/supernode-sim.js', '/pkg/posters/posters.js'], `before any instance is revealed: ${js.join(', ')}`);
  const gzBefore = await jsGz();
  assert.ok(gzBefore <= 15 * 1024, `${gzBefore} bytes of JavaScript (gzipped) before any instance is revealed`);
  assert.ok(!requests.some((p) => p.endsWith('.wasm')), 'no WebAssembly before an instance starts');
  assert.equal(await page.evaluate(() => document.getElementById('far').snapshot()), null);
  const before = await page.evaluate(() => ({ poster: !!document.getElementById('far').shadowRoot.querySelector('.poster'), ready: document.getElementById('far').runsIn }));
  assert.deepEqual(before, { poster: true, ready: null });
  // Scrolled near: it starts.
  await page.evaluate(() => document.getElementById('far').scrollIntoView());
  await page.waitForFunction(() => document.getElementById('far').framesDrawn > 0, null, { timeout: 30000 });
  assert.ok(requests.some((p) => p.endsWith('.wasm')));
  assert.ok((await jsGz()) > 15 * 1024, 'the element itself came after the poster');
  assert.deepEqual(errors, []);
  await page.close();
});

test('three lazy instances: the first poster shows at once, each starts as it is reached, and reveal="interaction" waits for the reader', async () => {
  const { page, errors } = await openRecording('/tests/e2e/fixtures/lazy.html');
  await page.waitForFunction(() => performance.getEntriesByName('supernode-sim:poster').length > 0, null, { timeout: 10000 });
  const firstPosterMs = await page.evaluate(() => performance.getEntriesByName('supernode-sim:poster')[0].startTime);
  console.log(`# first poster shown ${firstPosterMs.toFixed(0)} ms after navigation (three lazy instances)`);
  assert.ok(firstPosterMs < 5000, `${firstPosterMs} ms`);
  // The one on screen starts by itself.
  await page.waitForFunction(() => document.getElementById('a').framesDrawn > 0, null, { timeout: 30000 });
  assert.equal(await page.evaluate(() => document.getElementById('b').snapshot()), null, 'b is far below: still a poster');
  // b starts when reached, and plays (autoplay).
  await page.evaluate(() => document.getElementById('b').scrollIntoView());
  await page.waitForFunction(() => document.getElementById('b').snapshot()?.t_s > 0, null, { timeout: 30000 });
  // c waits for the reader, however near it is…
  await page.evaluate(() => document.getElementById('c').scrollIntoView());
  await page.waitForTimeout(1000);
  assert.equal(await page.evaluate(() => document.getElementById('c').snapshot()), null);
  await page.screenshot({ path: join(SHOTS, 'lazy-poster.png') });
  // In a dark theme, the dark poster.
  const dark = await page.evaluate(() => {
    const el = document.getElementById('c');
    el.setAttribute('theme', 'dark');
    return el.shadowRoot.querySelector('.poster img').src;
  });
  assert.match(dark, /\/pkg\/posters\/lesson-jitter-dark\.png$/);
  // …then Enter on its poster (a button) starts it, playing.
  await page.evaluate(() => document.getElementById('c').shadowRoot.querySelector('.poster').focus());
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('c').snapshot()?.playing === true, null, { timeout: 30000 });
  assert.deepEqual(errors, []);
  await page.close();
});

test('loading="eager" with reveal="interaction" fetches the code at once and waits; a method called before an instance starts starts it; a bad loading value is named once it runs', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/www/blank.html`);
  const waiting = await page.evaluate(async () => {
    await import('/www/supernode-sim.js');
    const el = document.createElement('supernode-sim');
    el.setAttribute('scenario', 'lesson-bulkhead');
    el.setAttribute('loading', 'eager');
    el.setAttribute('reveal', 'interaction');
    document.body.append(el);
    for (let i = 0; i < 100 && !performance.getEntriesByType('resource').some((r) => r.name.endsWith('/www/element.js')); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 500));
    const out = { fetched: performance.getEntriesByType('resource').some((r) => r.name.endsWith('/www/element.js')), snapshot: el.snapshot() };
    el.remove();
    return out;
  });
  assert.deepEqual(waiting, { fetched: true, snapshot: null });
  const out = await page.evaluate(async () => {
    const el = document.createElement('supernode-sim');
    el.setAttribute('scenario', 'lesson-jitter');
    el.setAttribute('controls', 'none');
    el.setAttribute('reveal', 'interaction');
    el.setAttribute('loading', 'soon');
    document.body.append(el);
    const early = el.snapshot();
    el.seek(600);
    await el.ready;
    await el.settled();
    for (let i = 0; i < 100 && el.snapshot().t_s < 600; i++) await new Promise((r) => setTimeout(r, 100));
    return { early, t: el.snapshot().t_s, errors: el.shadowRoot.querySelector('.errors').textContent };
  });
  assert.equal(out.early, null);
  assert.equal(out.t, 600);
  assert.match(out.errors, /loading: 'soon' is not allowed; allowed: one of lazy, eager/);
  assert.deepEqual(errors, []);
  // A bad argument to a method called before the element ran is reported, not lost.
  await page.evaluate(async () => {
    const el = document.createElement('supernode-sim');
    el.setAttribute('scenario', 'lesson-jitter');
    el.setAttribute('reveal', 'interaction');
    document.body.append(el);
    el.seek(-5);
    await el.ready;
    await new Promise((r) => setTimeout(r, 200));
  });
  assert.equal(errors.length, 1, errors.join('\n'));
  assert.match(errors[0], /supernode-sim: seek\(\): seek\(t_s\): time: '-5' is not allowed/);
  await page.close();
});

test('the poster is as tall as the element it turns into (controls none and minimal; 1200, 700 and 375 px wide): the page does not move when it starts', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/www/blank.html`);
  const heights = await page.evaluate(async () => {
    await import('/www/supernode-sim.js');
    const res = {};
    for (const controls of ['none', 'minimal']) {
      for (const width of [1200, 700, 375]) {
        for (const height of ['300', null]) {
          const box = document.createElement('div');
          box.style.width = `${width}px`;
          const el = document.createElement('supernode-sim');
          el.setAttribute('controls', controls);
          if (height) el.setAttribute('height', height);
          el.setAttribute('scenario', 'lesson-jitter');
          el.setAttribute('reveal', 'interaction');
          box.append(el);
          document.body.append(box);
          await new Promise((r) => setTimeout(r, 100));
          const poster = el.getBoundingClientRect().height;
          await el.reveal();
          await new Promise((r) => setTimeout(r, 500));
          res[`controls=${controls}, ${width} px wide, height=${height}`] = [poster, el.getBoundingClientRect().height];
          box.remove();
        }
      }
    }
    return res;
  });
  for (const [what, [poster, running]] of Object.entries(heights)) {
    assert.ok(Math.abs(poster - running) <= 4, `${what}: poster ${poster} px, running ${running} px`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('when the element\'s code cannot load, the poster says so in its place and `ready` rejects', async () => {
  const page = await env.ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route('**/www/element.js', (route) => route.abort());
  await page.goto(`${env.server.base}/tests/e2e/fixtures/lazy.html`);
  const out = await page.evaluate(async () => {
    const el = document.getElementById('a');
    const ready = await el.ready.then(() => 'resolved', (e) => `rejected: ${e?.message ?? e}`);
    return { ready, shown: el.shadowRoot.querySelector('.failed')?.textContent ?? null };
  });
  assert.match(out.ready, /^rejected/);
  assert.match(out.shown, /Could not load the simulation's code/);
  assert.deepEqual(errors, [], 'no uncaught error');
  await page.close();
});

test('on a host page that says it is dark, the poster is already the dark one, as the element is once it runs', async () => {
  const { page, errors } = await openRecording('/tests/e2e/fixtures/lazy-dark-host.html');
  await page.waitForFunction(() => document.getElementById('sim').shadowRoot?.querySelector('.poster img')?.complete);
  const poster = await page.evaluate(() => {
    const b = document.getElementById('sim').shadowRoot.querySelector('.poster');
    return { dark: b.classList.contains('dark'), src: b.querySelector('img').getAttribute('src') };
  });
  assert.ok(poster.dark, 'the poster is not dark on a dark host page');
  assert.match(poster.src, /skype-2010-dark\.png$/);
  // Started, the element reads the same host theme.
  await page.evaluate(() => document.getElementById('sim').reveal());
  await page.waitForFunction(() => document.getElementById('sim').framesDrawn > 0, null, { timeout: 30000 });
  assert.equal(await page.evaluate(() => document.getElementById('sim').dataset.hostTheme), 'dark');
  // theme="light" on the element wins over the host page, before it starts too.
  await page.evaluate(() => {
    const el = document.createElement('supernode-sim');
    el.id = 'light';
    el.setAttribute('reveal', 'interaction');
    el.setAttribute('theme', 'light');
    document.body.append(el);
  });
  await page.waitForFunction(() => document.getElementById('light').shadowRoot?.querySelector('.poster img')?.getAttribute('src'));
  assert.equal(await page.evaluate(() => document.getElementById('light').shadowRoot.querySelector('.poster').classList.contains('dark')), false);
  assert.deepEqual(errors, []);
  await page.close();
});
