// The app page as a user meets it, in Debian's Chromium: it loads cleanly, draws, plays,
// shows the 2010 cascade, answers the keyboard, reports bad input and keeps running, and its
// run hashes the same as the CLI's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { shared, openPage, ready, snapshot, canvasColours, SHOTS, ROOT } from './harness.mjs';


const env = shared();

test('the page loads with no console errors and draws the network in several colours', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/?seed=2`);
  await ready(page);
  await page.waitForTimeout(1500);
  const colours = await canvasColours(page);
  assert.ok(colours >= 6, `only ${colours} colours on the canvas`);
  const s = await snapshot(page);
  assert.equal(s.scenario, 'skype-2010');
  assert.equal(s.seed, 2);
  assert.ok(s.supernodes_up > 40000, `supernodes up: ${s.supernodes_up}`);
  await page.screenshot({ path: join(SHOTS, 'page-start.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('Play advances simulated time and Pause stops it', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/?t=0&speed=600`);
  await ready(page);
  const t0 = (await snapshot(page)).t_s;
  const play = page.locator('supernode-sim >> button.play');
  assert.equal(await play.getAttribute('aria-pressed'), 'false');
  await play.click();
  await page.waitForTimeout(1500);
  const t1 = (await snapshot(page)).t_s;
  // How far it gets depends on the machine (speed is measured in `make bench-web`); that it moves does not.
  assert.ok(t1 > t0 + 10, `time went from ${t0} to ${t1}`);
  await play.click();
  const t2 = (await snapshot(page)).t_s;
  await page.waitForTimeout(700);
  assert.equal((await snapshot(page)).t_s, t2);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the 2010 scenario shows supernodes going down, the chart filling and the narration', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/?t=13000`);
  await ready(page);
  await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().t_s >= 13000, null, { timeout: 90000 });
  await page.waitForTimeout(400);
  const s = await snapshot(page);
  // The crashes stopped at T+1 h (some crashed supernodes are back); the failsafe took out many more.
  assert.ok(s.supernodes_crashed > 5000, `crashed: ${s.supernodes_crashed}`);
  assert.ok(s.supernodes_shut_down > s.supernodes_crashed, `shut down: ${s.supernodes_shut_down}, crashed: ${s.supernodes_crashed}`);
  assert.ok(s.samples >= 216, `samples: ${s.samples}`);
  // The chart has drawn lines (pixels in the series' colours, not just the background).
  const chartInk = await page.evaluate(() => {
    const c = document.querySelector('supernode-sim').shadowRoot.querySelector('canvas.chart');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) ink++;
    return ink;
  });
  assert.ok(chartInk > 2000, `chart ink: ${chartInk}`);
  const log = await page.locator('supernode-sim >> ol.log li').allTextContents();
  assert.ok(log.some((l) => l.includes('T+0:00') && l.includes('offline-message servers')), log.join('\n'));
  assert.ok(log.some((l) => /supernodes are down/.test(l)), log.join('\n'));
  assert.equal(await page.locator('supernode-sim >> ol.log').getAttribute('aria-live'), 'polite');
  await page.screenshot({ path: join(SHOTS, 'page-cascade.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('after a seek the clock shows the moment it arrived at, not an earlier frame', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/?t=0`);
  await ready(page);
  // Read-outs refresh every few frames; whichever frame a replay ends on, they must show its end.
  // Several seeks, so that ending on a frame that would not have refreshed is all but certain.
  for (const [t, clock] of [[4000, 'T+0:06'], [4500, 'T+0:15'], [5200, 'T+0:26'], [5900, 'T+0:38'], [6300, 'T+0:45']]) {
    await page.evaluate((t) => document.querySelector('supernode-sim').seek(t), t);
    await page.waitForFunction((t) => document.querySelector('supernode-sim').snapshot().t_s >= t, t, { timeout: 60000 });
    await page.waitForTimeout(300);
    assert.equal(await page.locator('supernode-sim >> .clock .big').textContent(), clock, `after seek(${t})`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('keyboard: space, arrow right, + and -, r and ?', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/?t=0&speed=60`);
  await ready(page);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  const pressed = () => page.locator('supernode-sim >> button.play').getAttribute('aria-pressed');
  await page.keyboard.press('Space');
  assert.equal(await pressed(), 'true');
  await page.keyboard.press('Space');
  assert.equal(await pressed(), 'false');
  const t0 = (await snapshot(page)).t_s;
  await page.keyboard.press('ArrowRight');
  assert.equal((await snapshot(page)).t_s, t0 + 60);
  const speed0 = (await snapshot(page)).speed;
  await page.keyboard.press('+');
  const speed1 = (await snapshot(page)).speed;
  assert.ok(speed1 > speed0, `${speed0} -> ${speed1}`);
  await page.keyboard.press('-');
  await page.keyboard.press('-');
  assert.ok((await snapshot(page)).speed < speed0);
  assert.equal(await page.locator('supernode-sim >> #speed').inputValue(), String((await snapshot(page)).speed));
  // From a speed the menu does not list (a link's), − goes to the listed one just slower and +
  // to the one just faster (− from 100 once chose 600).
  for (const [key, want] of [['-', 60], ['+', 600]]) {
    await page.evaluate(() => {
      const el = document.querySelector('supernode-sim');
      el.removeAttribute('speed');
      el.setAttribute('speed', '100');
    });
    await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().speed === 100);
    await page.keyboard.press(key);
    assert.equal((await snapshot(page)).speed, want, `${key} from 100`);
  }
  await page.keyboard.press('r');
  assert.equal((await snapshot(page)).t_s, 0);
  // The help opens at its top, in view (it once opened scrolled to its Close button, at its end,
  // past the shortcuts), from a page scrolled so that the element's top is off the screen.
  await page.evaluate(() => window.scrollTo(0, document.querySelector('supernode-sim').getBoundingClientRect().top + window.scrollY + 300));
  await page.keyboard.press('?');
  assert.ok(await page.locator('supernode-sim >> .help').isVisible());
  const title = await page.evaluate(() => {
    const h = document.querySelector('supernode-sim').shadowRoot.querySelector('#help-title');
    return { top: h.getBoundingClientRect().top, focused: h.getRootNode().activeElement === h };
  });
  assert.ok(title.top >= 0 && title.top < 300, `the help's title is at ${title.top} px`);
  assert.ok(title.focused, 'focus on the help title');
  await page.screenshot({ path: join(SHOTS, 'page-help.png') });
  await page.keyboard.press('Escape');
  assert.ok(!(await page.locator('supernode-sim >> .help').isVisible()));
  assert.deepEqual(errors, []);
  await page.close();
});

test('out-of-range input shows a message naming the field, and the page keeps running', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/?seed=-5&speed=99999&p.clients.buggy_fraction=1.7`);
  await ready(page);
  // The element names its attributes' problems; the page names the link's own (here: speed,
  // which index.html sets itself and keeps).
  const msgs = [
    ...(await page.locator('supernode-sim >> ul.errors li').allTextContents()),
    ...(await page.locator('#url-errors li').allTextContents()),
  ];
  assert.ok(msgs.some((m) => m.startsWith('seed:') && m.includes('whole number')), msgs.join('\n'));
  assert.ok(msgs.some((m) => m.startsWith('speed:') && m.includes('1440')), msgs.join('\n'));
  assert.ok(msgs.some((m) => m.includes('clients.buggy_fraction') && m.includes('from 0 to 1')), msgs.join('\n'));
  const t0 = (await snapshot(page)).t_s;
  await page.waitForTimeout(800);
  assert.ok((await snapshot(page)).t_s > t0, 'the simulation stopped');
  // A bad value through the API is refused with the field's range; the run goes on.
  const err = await page.evaluate(() => {
    try {
      document.querySelector('supernode-sim').setParams({ 'failsafe.threshold': 500 });
      return null;
    } catch (e) {
      return e.message;
    }
  });
  assert.match(err, /failsafe\.threshold.*from 0\.05 to 100/);
  // Typing a bad seed shows a message and keeps the old seed.
  const seed = page.locator('supernode-sim >> #seed');
  await seed.fill('1.5');
  await seed.press('Enter');
  await seed.blur();
  const after = await page.locator('supernode-sim >> ul.errors li').allTextContents();
  assert.ok(after.some((m) => m.includes("seed: '1.5'")), after.join('\n'));
  await page.screenshot({ path: join(SHOTS, 'page-bad-input.png') });
  const t1 = (await snapshot(page)).t_s;
  await page.waitForTimeout(800);
  assert.ok((await snapshot(page)).t_s > t1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('sliders and intervention buttons change the run', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/?t=14400&p.mega.count=0`);
  await ready(page);
  await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().t_s >= 14400, null, { timeout: 60000 });
  await page.locator('supernode-sim >> button.play').click(); // pause
  // The retry policy applies live.
  await page.locator('supernode-sim >> select[data-key="retry.policy"]').selectOption('exponential');
  assert.equal((await snapshot(page)).retry_policy, 'exponential');
  // Deploy mega-supernodes now: they come up and the narration says so.
  await page.locator('supernode-sim >> button[data-act="megas"]').click();
  await page.locator('supernode-sim >> button.step').click();
  await page.keyboard.press('ArrowRight');
  for (let i = 0; i < 20; i++) await page.locator('supernode-sim >> button.step').click();
  const s = await snapshot(page);
  assert.ok(s.mega_up > 0, `mega up: ${s.mega_up}`);
  const log = await page.locator('supernode-sim >> ol.log li').allTextContents();
  assert.ok(log.some((l) => l.includes('mega-supernodes')), log.join('\n'));
  assert.deepEqual(errors, []);
  await page.close();
});

test('clicking a supernode crashes it, clicking again restores it', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/?t=0&p.clients.total=20000&p.supernodes.count=40`);
  await ready(page);
  const pos = await page.evaluate(async () => {
    const el = document.querySelector('supernode-sim');
    const info = await el.sim.supernode(0);
    const c = el.shadowRoot.querySelector('canvas.overlay');
    const dpr = c.width / c.getBoundingClientRect().width;
    return { x: info.x / dpr, y: info.y / dpr };
  });
  const canvas = page.locator('supernode-sim >> canvas.overlay');
  // The tooltip says what a click will do (Rust decides: `Toggled::of`).
  const tip = page.locator('supernode-sim >> .tip');
  const hoverSays = async (text) => {
    await canvas.hover({ position: { x: pos.x + 1, y: pos.y } });
    await canvas.hover({ position: pos });
    await page.waitForFunction((t) => document.querySelector('supernode-sim').shadowRoot.querySelector('.tip').textContent.includes(t), text);
    assert.match(await tip.textContent(), /^Supernode #0 /);
  };
  await hoverSays('Click to crash it.');
  await canvas.click({ position: pos });
  let s = await snapshot(page);
  assert.equal(s.supernodes_crashed, 1);
  await hoverSays('Click to restore it.');
  await canvas.click({ position: pos });
  s = await snapshot(page);
  assert.equal(s.supernodes_crashed, 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('phone width: the page is usable at 375 px', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/?seed=1`, { viewport: { width: 375, height: 800 } });
  await ready(page);
  await page.waitForTimeout(1000);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `horizontal overflow of ${overflow}px`);
  assert.ok(await page.locator('supernode-sim >> button.play').isVisible());
  // The narration's caption keeps to two lines over the disc's rim (a five-line caption once
  // covered nearly half the disc); the log has the whole sentence.
  await page.evaluate(() => document.querySelector('supernode-sim').seek(5400));
  await page.waitForFunction(() => {
    const el = document.querySelector('supernode-sim');
    const cap = el.shadowRoot.querySelector('.caption');
    return el.snapshot().t_s === 5400 && cap.textContent.length > 80 && !cap.classList.contains('faded');
  });
  const cap = await page.evaluate(() => {
    const root = document.querySelector('supernode-sim').shadowRoot;
    const c = root.querySelector('.caption');
    const lineH = parseFloat(getComputedStyle(c).lineHeight) || 1.2 * parseFloat(getComputedStyle(c).fontSize);
    const pad = parseFloat(getComputedStyle(c).paddingTop) + parseFloat(getComputedStyle(c).paddingBottom);
    // The words as drawn (clipped), not as long as they would run.
    return { lines: (c.clientHeight - pad) / lineH, pic: root.querySelector('canvas.overlay').getBoundingClientRect().height, h: c.getBoundingClientRect().height };
  });
  assert.ok(cap.lines <= 2.1, `the caption takes ${cap.lines.toFixed(1)} lines`);
  assert.ok(cap.h < 0.15 * cap.pic, `the caption is ${cap.h} px tall over a ${cap.pic} px picture`);
  await page.screenshot({ path: join(SHOTS, 'page-phone.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a full instance in a narrow column of a wide window takes the one-column layout (its own width decides, not the window\'s)', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/www/blank.html`, { viewport: { width: 1280, height: 900 } });
  const boxes = await page.evaluate(async () => {
    await import('/www/supernode-sim.js');
    const res = {};
    for (const width of [375, 1200]) {
      const box = document.createElement('div');
      box.style.width = `${width}px`;
      const el = document.createElement('supernode-sim');
      el.setAttribute('scenario', 'lesson-jitter');
      el.setAttribute('loading', 'eager');
      box.append(el);
      document.body.append(box);
      await el.ready;
      await new Promise((r) => setTimeout(r, 300));
      const r = (s) => el.shadowRoot.querySelector(s).getBoundingClientRect();
      res[width] = { stage: r('.stage').toJSON(), side: r('.side').toJSON() };
      if (width === 375) box.id = 'narrow';
      else box.remove();
    }
    return res;
  });
  // In 375 px the chart and log go under the picture, each as wide as the element; in 1200 px
  // they stand beside it.
  assert.ok(boxes[375].side.top >= boxes[375].stage.bottom - 1, `375 px: side at ${boxes[375].side.top}, picture ends at ${boxes[375].stage.bottom}`);
  assert.ok(boxes[375].stage.width >= 370, `375 px: the picture is ${boxes[375].stage.width} px wide`);
  assert.ok(boxes[1200].side.left >= boxes[1200].stage.right - 1, `1200 px: side at ${boxes[1200].side.left}, picture ends at ${boxes[1200].stage.right}`);
  await page.locator('#narrow').screenshot({ path: join(SHOTS, 'narrow-column-full.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the browser run hashes the same as the CLI for the same scenario and seed', async () => {
  const cli = execFileSync('cargo', ['run', '--release', '--quiet', '--', 'run', '--scenario', 'skype-2010', '--seed', '3', '--hours', '4'], { cwd: ROOT, maxBuffer: 1 << 28 });
  const expected = JSON.parse(cli.toString()).hash;
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/www/blank.html`);
  const got = await page.evaluate(async () => {
    const m = await import('/pkg/supernode_sim.js');
    await m.default({ module_or_path: '/pkg/supernode_sim_bg.wasm' });
    return m.run_hash('skype-2010', 3, '', 4);
  });
  assert.equal(got, expected);
  assert.deepEqual(errors, []);
  await page.close();
});

test('A/B comparison: two runs in lockstep, side by side, summed up in words', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/?scenario=lesson-jitter&speed=1440`);
  await ready(page);
  // The lesson suggests its comparison: immediate retry against full jitter.
  assert.equal(await page.locator('supernode-sim >> .ab-key').inputValue(), 'retry.policy');
  assert.equal(await page.locator('supernode-sim >> #ab-a').inputValue(), 'immediate');
  assert.equal(await page.locator('supernode-sim >> #ab-b').inputValue(), 'full-jitter');
  await page.locator('supernode-sim >> button.ab-start').click();
  await page.evaluate(() => document.querySelector('supernode-sim').play());
  await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().t_s > 3 * 3600, null, { timeout: 60000 });
  const s = await snapshot(page);
  assert.equal(s.compare.key, 'retry.policy');
  assert.equal(s.retry_policy, 'immediate');
  assert.equal(s.compare.b_stats.retry_policy, 'full-jitter');
  assert.equal(Math.abs(s.compare.b_stats.t_s - s.t_s) <= 1, true, 'the runs are not in lockstep');
  assert.match(s.compare.words, /^full-jitter: .*fewer connection attempts/);
  assert.ok(await page.locator('supernode-sim >> canvas.overlay-b').isVisible());
  const words = await page.locator('supernode-sim >> .ab-words').textContent();
  assert.match(words, /full-jitter: .*fewer connection attempts/);
  await page.screenshot({ path: join(SHOTS, 'page-ab.png') });
  // A comparison started from the API shows in the form, so that "Restart A/B" restarts it.
  await page.evaluate(() => document.querySelector('supernode-sim').compare('retry.cap_s', 60, 600));
  assert.equal(await page.locator('supernode-sim >> .ab-key').inputValue(), 'retry.cap_s');
  assert.equal(await page.locator('supernode-sim >> #ab-a').inputValue(), '60');
  assert.equal(await page.locator('supernode-sim >> #ab-b').inputValue(), '600');
  assert.equal(await page.locator('supernode-sim >> button.ab-start').textContent(), 'Restart A/B');
  // Also a key the menu does not list; restarting from the form restarts that comparison.
  await page.evaluate(() => document.querySelector('supernode-sim').compare('failsafe.window_s', 30, 300));
  assert.equal(await page.locator('supernode-sim >> .ab-key').inputValue(), 'failsafe.window_s');
  await page.locator('supernode-sim >> button.ab-start').click();
  await page.evaluate(() => document.querySelector('supernode-sim').settled());
  const restarted = await snapshot(page);
  assert.equal(restarted.compare.key, 'failsafe.window_s');
  assert.ok(Math.abs(restarted.compare.b_stats.t_s - restarted.t_s) <= 1, "the restarted runs are not in lockstep");
  await page.locator('supernode-sim >> button.ab-stop').click();
  assert.ok(!(await page.locator('supernode-sim >> canvas.overlay-b').isVisible()));
  assert.equal((await snapshot(page)).compare, undefined);
  assert.deepEqual(errors, []);
  await page.close();
});

test('intervention buttons act on the run and are narrated', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/?scenario=skype-2015&t=7200`);
  await ready(page);
  await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().t_s >= 7200, null, { timeout: 60000 });
  await page.evaluate(() => document.querySelector('supernode-sim').pause());
  for (const act of ['rollback', 'rebalance', 'admission']) await page.locator(`supernode-sim >> button[data-act="${act}"]`).click();
  for (let i = 0; i < 3; i++) await page.locator('supernode-sim >> button.step').click();
  const s = await snapshot(page);
  assert.ok(s.overrides['trigger.end_s'] <= 7202, JSON.stringify(s.overrides));
  assert.ok(s.overrides['admission.logins_per_s'] > 0, JSON.stringify(s.overrides));
  assert.ok(s.overrides['rebalance.start_s'] <= 7202, JSON.stringify(s.overrides));
  const log = (await page.locator('supernode-sim >> ol.log li').allTextContents()).join('\n');
  assert.match(log, /rolled back/);
  assert.match(log, /Admission control/);
  assert.match(log, /re-balance/i);
  // Repurposing servers in 2010 takes offline IM and group video down.
  await page.goto(`${env.server.base}/?scenario=skype-2010&t=600&p.mega.count=0`);
  await ready(page);
  await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().t_s >= 600, null, { timeout: 60000 });
  await page.evaluate(() => document.querySelector('supernode-sim').pause());
  await page.locator('supernode-sim >> button[data-act="repurpose"]').click();
  for (let i = 0; i < 3; i++) await page.locator('supernode-sim >> button.step').click();
  const r = await snapshot(page);
  assert.ok(r.mega_up > 0, `mega up ${r.mega_up}`);
  assert.equal(r.availability.group_video, 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a failed WebAssembly load shows a readable error panel', async () => {
  const page = await env.ctx.newPage();
  await page.route('**/*.wasm', (route) => route.abort());
  await page.goto(`${env.server.base}/`);
  const fatal = page.locator('supernode-sim >> .fatal');
  await fatal.waitFor({ state: 'visible', timeout: 20000 });
  assert.match(await fatal.textContent(), /The simulation could not start.*Could not load the simulation/);
  assert.ok(await page.locator('supernode-sim >> .fatal button.reload').isVisible());
  // `ready` rejects with the same words, so an embedder's code learns it too.
  const why = await page.evaluate(() => document.querySelector('supernode-sim').ready.then(() => 'resolved', (e) => e.message));
  assert.match(why, /^The simulation could not start: Could not load the simulation/);
  await page.screenshot({ path: join(SHOTS, 'page-load-error.png') });
  await page.close();
});

test('an element made with document.createElement works (its constructor adds no attributes)', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/www/blank.html`);
  const got = await page.evaluate(async () => {
    await import('/www/supernode-sim.js');
    const el = document.createElement('supernode-sim');
    el.setAttribute('scenario', 'lesson-jitter');
    document.body.append(el);
    await el.ready;
    return { scenario: el.snapshot().scenario, tabindex: el.getAttribute('tabindex') };
  });
  assert.deepEqual(got, { scenario: 'lesson-jitter', tabindex: '0' });
  assert.deepEqual(errors, []);
  await page.close();
});

test('`ready` settles with the element once its first run is built', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/?seed=5`);
  const got = await page.evaluate(async () => {
    const el = document.querySelector('supernode-sim');
    const before = el.snapshot();
    const same = (await el.ready) === el;
    return { before, same, seed: el.snapshot().seed };
  });
  assert.equal(got.same, true);
  assert.equal(got.seed, 5);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a browser without WebAssembly SIMD is told so, not shown a broken instance', async () => {
  const page = await env.ctx.newPage();
  // Pretend the engine rejects SIMD: the element's probe module is the only one this small.
  await page.addInitScript(() => {
    const validate = WebAssembly.validate;
    WebAssembly.validate = (bytes) => (bytes.byteLength < 64 ? false : validate(bytes));
  });
  await page.goto(`${env.server.base}/`);
  const fatal = page.locator('supernode-sim >> .fatal');
  await fatal.waitFor({ state: 'visible', timeout: 20000 });
  const text = await fatal.textContent();
  assert.match(text, /The simulation could not start/);
  assert.match(text, /This browser cannot run the simulation/);
  assert.match(text, /lacks WebAssembly SIMD.*Safari 16\.4\+/);
  await page.screenshot({ path: join(SHOTS, 'page-no-simd.png') });
  await page.close();
});

test('through the collapse the runs step in a worker and the page thread stays free (speed and long tasks, with generous floors)', async () => {
  const page = await env.ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  });
  // From T−0:20, a day per minute, slow motion off, through the first half hour of the collapse.
  await page.goto(`${env.server.base}/?seed=1&speed=1440&slow-motion=off&t=2400&autoplay=off`);
  await page.waitForFunction(() => {
    const el = document.querySelector('supernode-sim');
    return el?.snapshot()?.t_s === 2400 && el.shadowRoot.querySelector('.progress').hidden;
  }, null, { timeout: 60000 });
  const start = await page.evaluate(() => {
    const el = document.querySelector('supernode-sim');
    el.play();
    return { wall: performance.now(), t: el.snapshot().t_s, runsIn: el.runsIn };
  });
  assert.equal(start.runsIn, 'worker');
  await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().t_s >= 5400, null, { timeout: 120000, polling: 250 });
  const end = await page.evaluate(() => ({ wall: performance.now(), t: document.querySelector('supernode-sim').snapshot().t_s, long: window.__longTasks }));
  const rate = (end.t - start.t) / ((end.wall - start.wall) / 1000);
  const long = end.long.filter(([t]) => t >= start.wall).map(([, d]) => d);
  console.log(`T−0:20 → T+0:30 at a day per minute: ${rate.toFixed(0)} ticks/s; page-thread long tasks: ${long.length}${long.length ? `, longest ${Math.max(...long).toFixed(0)} ms` : ''}`);
  // Measured: about 550 ticks/s and none (make bench-web); the floors allow a loaded machine.
  assert.ok(rate > 150, `the clock held only ${rate.toFixed(0)} ticks/s`);
  assert.ok(long.every((d) => d < 200), `page-thread tasks of ${long.map((d) => d.toFixed(0)).join(', ')} ms while playing`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('an error inside the simulation stops it with a readable panel, not a frozen canvas', async () => {
  const { page } = await openPage(env.ctx, `${env.server.base}/?speed=60`);
  await ready(page);
  // Free the wasm handle under the running element: its next call into wasm throws, as a Rust
  // panic would.
  await page.evaluate(() => document.querySelector('supernode-sim').sim.free());
  const fatal = page.locator('supernode-sim >> .fatal');
  await fatal.waitFor({ state: 'visible', timeout: 10000 });
  assert.match(await fatal.textContent(), /The simulation stopped.*internal error/);
  await page.close();
});

test('?scale=0.1 runs the scenario at a tenth of its size with its servers, so the incident still happens', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/?scale=0.1&t=4380`);
  await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot()?.t_s === 4380, null, { timeout: 60000 });
  const s = await snapshot(page);
  assert.equal(s.clients_total, 2300000);
  assert.ok(s.supernodes_crashed > 300, `${s.supernodes_crashed} supernodes crashed by T+0:13`);
  // The scale is carried by the link as the parameters it set.
  const link = await page.evaluate(() => document.querySelector('supernode-sim').shareLink());
  assert.match(link, /p\.clients\.total=2300000/);
  assert.deepEqual(errors, []);
  await page.close();
});
