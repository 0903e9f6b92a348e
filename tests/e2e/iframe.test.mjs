// The iframe view for other people's pages: it tells its host how tall it is (and the README's
// few lines size the iframe to fit), it takes a theme that overrides the reader's system, and
// `static=1` shows one moment as a still picture with nothing left running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { shared, openPage, ready, SHOTS } from './harness.mjs';

const env = shared();

const SMALL = 'p.clients.total=2300000&p.supernodes.count=4800&p.mega.count=100';

test('embed.html reports its height and the README snippet sizes the iframe to fit, also when it changes', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/tests/e2e/fixtures/iframe-host.html`);
  const frame = page.frameLocator('#frame');
  await frame.locator('supernode-sim').waitFor();
  const inner = page.frames().find((f) => f.url().includes('embed.html'));
  await ready(inner);
  // The host's iframe grows from 120 px to the content's height: no scrollbar, no gap.
  const fits = async () => {
    const outer = await page.evaluate(() => document.getElementById('frame').getBoundingClientRect().height);
    const content = await inner.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
    return { outer, content };
  };
  await page.waitForFunction(() => document.getElementById('frame').getBoundingClientRect().height > 200, null, { timeout: 20000 });
  let f = await fits();
  assert.ok(Math.abs(f.outer - f.content) <= 1, `iframe ${f.outer} px, content ${f.content} px`);
  assert.ok(await inner.evaluate(() => document.documentElement.scrollHeight <= innerHeight + 1), 'the frame scrolls');
  // The content grows (a taller picture): the iframe follows.
  await inner.evaluate(() => document.querySelector('supernode-sim').setAttribute('height', '400'));
  await page.waitForFunction((h) => document.getElementById('frame').getBoundingClientRect().height > h + 100, f.outer, { timeout: 20000 });
  f = await fits();
  assert.ok(Math.abs(f.outer - f.content) <= 1, `after the change: iframe ${f.outer} px, content ${f.content} px`);
  await page.screenshot({ path: join(SHOTS, 'iframe-sized.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('theme=dark and theme=light override the reader\'s system, in the element, its picture and the page around it', async () => {
  const bg = (p) => p.evaluate(async () => {
    const el = document.querySelector('supernode-sim');
    await el.settled();
    const c = el.shadowRoot.querySelector('canvas.overlay');
    const d = c.getContext('2d').getImageData(1, 1, 1, 1).data;
    return { css: getComputedStyle(el).getPropertyValue('--bg').trim(), pixel: [d[0], d[1], d[2]], page: document.documentElement.dataset.theme ?? null };
  });
  const dark = (rgb) => rgb.every((v) => v < 60);
  const light = (rgb) => rgb.every((v) => v > 200);
  // A light system, a dark link.
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/embed.html?scenario=lesson-jitter&theme=dark&t=60&${SMALL}`);
  await page.emulateMedia({ colorScheme: 'light' });
  await ready(page);
  let b = await bg(page);
  assert.equal(b.page, 'dark');
  assert.ok(dark(b.pixel), `picture background ${b.pixel} (css ${b.css})`);
  // Changed live to light: the picture follows.
  await page.evaluate(() => document.querySelector('supernode-sim').setAttribute('theme', 'light'));
  await page.waitForFunction(() => {
    const c = document.querySelector('supernode-sim').shadowRoot.querySelector('canvas.overlay');
    return c.getContext('2d').getImageData(1, 1, 1, 1).data[0] > 200;
  }, null, { timeout: 10000 });
  b = await bg(page);
  assert.ok(light(b.pixel), `after theme=light: ${b.pixel}`);
  assert.deepEqual(errors, []);
  await page.close();
  // A dark system, a light link.
  const { page: p2, errors: e2 } = await openPage(env.ctx, 'about:blank');
  await p2.emulateMedia({ colorScheme: 'dark' });
  await p2.goto(`${env.server.base}/embed.html?scenario=lesson-jitter&theme=light&t=60&${SMALL}`);
  await ready(p2);
  b = await bg(p2);
  assert.equal(b.page, 'light');
  assert.ok(light(b.pixel), `dark system, theme=light: ${b.pixel}`);
  // And a bad value is named, with the default in force: auto, which follows the page around
  // the element where it says its theme (here embed.html's, light from the link) over the system.
  await p2.evaluate(() => document.querySelector('supernode-sim').setAttribute('theme', 'blue'));
  const msg = await p2.evaluate(async () => {
    const el = document.querySelector('supernode-sim');
    await el.settled();
    return el.shadowRoot.querySelector('.errors')?.textContent ?? '';
  });
  assert.match(msg, /theme: 'blue'.*allowed: one of auto, light, dark/);
  await p2.waitForTimeout(300);
  b = await bg(p2);
  assert.ok(light(b.pixel), `theme=blue in a light page on a dark system: ${b.pixel}`);
  // Without the page's word, auto is the system's: dark.
  await p2.evaluate(() => delete document.documentElement.dataset.theme);
  await p2.waitForFunction(() => {
    const c = document.querySelector('supernode-sim').shadowRoot.querySelector('canvas.overlay');
    return c.getContext('2d').getImageData(1, 1, 1, 1).data[0] < 60;
  }, null, { timeout: 10000 });
  assert.deepEqual(e2, []);
  await p2.close();
});

test('static=1 shows the moment at t as a still picture, with nothing left running', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/embed.html?scenario=lesson-jitter&seed=3&t=900&static=1&${SMALL}`);
  await page.waitForFunction(() => document.documentElement.dataset.still === 'ready', null, { timeout: 60000 });
  const still = await page.evaluate(() => {
    const img = document.querySelector('figure.still img');
    const caption = document.querySelector('figure.still figcaption').textContent;
    return { w: img.naturalWidth, h: img.naturalHeight, alt: img.alt, caption, elements: document.querySelectorAll('supernode-sim').length };
  });
  assert.equal(still.elements, 0, 'the element is gone');
  assert.ok(still.w > 300 && still.h > 100, `picture ${still.w}×${still.h}`);
  // 900 s into lesson-jitter, whose trigger is at 3,600 s: the element's clock reads T−0:45.
  assert.match(still.alt, /lesson-jitter at T−0:45: \d+% of clients online/);
  assert.ok(still.alt.endsWith(still.caption), `caption ${still.caption}`);
  await page.screenshot({ path: join(SHOTS, 'embed-static.png') });
  // A bad value is named above and ignored (the element runs as usual).
  const { page: p2, errors: e2 } = await openPage(env.ctx, `${env.server.base}/embed.html?scenario=lesson-jitter&static=yes&t=60&${SMALL}`);
  await ready(p2);
  const shown = await p2.evaluate(() => document.getElementById('url-errors').textContent);
  assert.match(shown, /static: 'yes'.*Ignored/);
  assert.deepEqual(errors, []);
  assert.deepEqual(e2, []);
  await page.close();
  await p2.close();
});

test('with theme auto, the element follows a host page that says it is dark (a dark class, data-theme, mdBook\'s theme class or a single color-scheme on its root)', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/www/blank.html`);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.evaluate(async () => {
    await import('./supernode-sim.js');
    const el = document.createElement('supernode-sim');
    el.setAttribute('scenario', 'lesson-jitter');
    el.setAttribute('controls', 'none');
    el.setAttribute('params', JSON.stringify({ 'clients.total': 2300000, 'supernodes.count': 4800, 'mega.count': 100 }));
    document.body.append(el);
    await el.ready;
  });
  await ready(page);
  const corner = () => page.evaluate(async () => {
    const el = document.querySelector('supernode-sim');
    await el.settled();
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const c = el.shadowRoot.querySelector('canvas.overlay');
    return [...c.getContext('2d').getImageData(1, 1, 1, 1).data.slice(0, 3)];
  });
  const waitFor = (dark) => page.waitForFunction((d) => {
    const c = document.querySelector('supernode-sim').shadowRoot.querySelector('canvas.overlay');
    const r = c.getContext('2d').getImageData(1, 1, 1, 1).data[0];
    return d ? r < 60 : r > 200;
  }, dark, { timeout: 10000 });
  assert.ok((await corner())[0] > 200, 'light to begin with');
  for (const [how, dark] of [["document.documentElement.classList.add('dark')", true], ["document.documentElement.classList.remove('dark')", false],
    ["document.documentElement.dataset.theme = 'dark'", true], ["document.documentElement.dataset.theme = 'light'", false],
    ["delete document.documentElement.dataset.theme; document.documentElement.className = 'coal'", true], // mdBook's dark theme
    ["document.documentElement.className = 'rust'", false],
    ["document.documentElement.className = ''; document.documentElement.style.colorScheme = 'dark'", true],
    ["document.documentElement.style.colorScheme = 'light dark'", false]]) {
    await page.evaluate(how);
    await waitFor(dark);
  }
  // An explicit theme wins over the host's.
  await page.evaluate(() => {
    document.documentElement.style.colorScheme = '';
    document.documentElement.classList.add('dark');
    delete document.documentElement.dataset.theme;
    document.querySelector('supernode-sim').setAttribute('theme', 'light');
  });
  await page.waitForTimeout(300);
  assert.ok((await corner())[0] > 200, 'theme="light" over a dark host');
  assert.deepEqual(errors, []);
  await page.close();
});
