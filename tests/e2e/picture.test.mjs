// The picture's own tools in Chromium: zooming (Ctrl+wheel, keys on the focused picture, the
// buttons) until each client is drawn, following a supernode and reading its story (in a copied
// link too), the by-state view with its labelled groups, and a bad `follow` named without
// breaking the instance. Screenshots at 1280×720 and 375×812, zoomed out, zoomed in and by state,
// go to tests/e2e/screenshots for a person to look at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { shared, openPage, ready, snapshot, SHOTS } from './harness.mjs';

const env = shared();
/** The 2010 run at a fiftieth of its size (960 supernodes), at T+0:20, paused. */
const SMALL = '/?seed=1&scale=0.02&t=4800&autoplay=off';

/** Waits until the element has arrived at its time and drawn. */
async function arrived(page, t = 4800) {
  await ready(page);
  await page.waitForFunction((t) => document.querySelector('supernode-sim').snapshot()?.t_s >= t, t, { timeout: 60000 });
  await page.evaluate(() => document.querySelector('supernode-sim').settled());
}

const picture = (page) => page.evaluate(async () => {
  const el = document.querySelector('supernode-sim');
  await el.settled();
  return el.snapshot().picture;
});

async function shoot(page, name) {
  await page.waitForTimeout(400);
  await page.locator('supernode-sim >> .stage').screenshot({ path: join(SHOTS, name) });
}

test('wheel, keys and buttons zoom; each client appears close in; back to the whole overlay', async () => {
  for (const [w, h, tag] of [[1280, 720, '1280'], [375, 812, '375']]) {
    const { page, errors } = await openPage(env.ctx, `${env.server.base}${SMALL}`, { viewport: { width: w, height: h } });
    await arrived(page);
    await shoot(page, `zoom-out-${tag}.png`);
    const canvas = page.locator('supernode-sim >> canvas.overlay');
    const box = await canvas.boundingBox();
    // Without focus or Ctrl the wheel scrolls the page and a hint says how to zoom.
    await page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height, 300) / 2);
    await page.mouse.wheel(0, -200);
    await page.waitForTimeout(200);
    assert.equal((await picture(page)).zoom, 1);
    assert.ok(await page.locator('supernode-sim >> .zoom-hint').isVisible(), 'no hint for the wheel');
    // Ctrl+wheel zooms (over the picture, where the page scrolled it).
    const moved = await canvas.boundingBox();
    await page.mouse.move(moved.x + moved.width / 2, moved.y + Math.min(moved.height, 300) / 2);
    await page.keyboard.down('Control');
    for (let k = 0; k < 3; k++) await page.mouse.wheel(0, -200);
    await page.keyboard.up('Control');
    await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().picture.zoom > 1.5, null, { timeout: 10000 }).catch(() => assert.fail(`Ctrl+wheel did not zoom at ${tag} px`));
    const wheeled = (await picture(page)).zoom;
    // Keys on the focused picture zoom further, until each client is drawn.
    await canvas.focus();
    for (let k = 0; k < 12 && !(await picture(page)).clients_shown; k++) {
      await page.keyboard.press('+');
      await page.waitForTimeout(120);
    }
    const close = await picture(page);
    assert.ok(close.zoom > wheeled, `keys did not zoom (${wheeled} → ${close.zoom})`);
    assert.ok(close.clients_shown, `no clients at zoom ${close.zoom}`);
    assert.match(await page.locator('supernode-sim >> .zoom-level').textContent(), /clients/);
    await shoot(page, `zoom-in-${tag}.png`);
    // The button back to the whole overlay.
    await page.locator('supernode-sim >> button.zoom-whole').click();
    await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().picture.zoom === 1, null, { timeout: 10000 });
    assert.equal((await picture(page)).clients_shown, false);
    // Zooming never touched the run.
    assert.equal((await snapshot(page)).t_s, 4800);
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('two fingers pinch the picture: it zooms by their spread, about their middle', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/?seed=1&scale=0.02&t=600&autoplay=off`);
  await arrived(page, 600);
  const box = await page.locator('supernode-sim >> canvas.overlay').boundingBox();
  const cdp = await env.ctx.newCDPSession(page);
  const [cx, cy] = [box.x + box.width / 2, box.y + Math.min(box.height, 500) / 2];
  const fingers = (d) => [{ x: cx - d, y: cy, id: 1 }, { x: cx + d, y: cy, id: 2 }];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: fingers(20) });
  for (let d = 25; d <= 80; d += 5) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: fingers(d) });
    await page.waitForTimeout(16);
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().picture.zoom > 1, null, { timeout: 10000 });
  const z = (await picture(page)).zoom;
  assert.ok(Math.abs(z - 4) < 0.05, `pinching from 40 to 160 px apart zoomed ${z}×, not 4×`);
  assert.equal((await snapshot(page)).supernodes_crashed, 0, 'a pinch crashed a supernode');
  assert.deepEqual(errors, []);
  await page.close();
});

test('following a supernode tells its story, survives zooming out, and travels in the link', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/?seed=1&scale=0.02&t=3000&autoplay=off`);
  await arrived(page, 3000);
  // A serving supernode: followed by Shift+click.
  const pos = await page.evaluate(async () => {
    const el = document.querySelector('supernode-sim');
    const c = el.shadowRoot.querySelector('canvas.overlay');
    const dpr = c.width / c.getBoundingClientRect().width;
    for (let i = 0; ; i++) {
      const s = await el.sim.supernode(i);
      if (s.state === 'up' && s.y / dpr < 600) return { i, x: s.x / dpr, y: s.y / dpr };
    }
  });
  await page.locator('supernode-sim >> canvas.overlay').click({ position: { x: pos.x, y: pos.y }, modifiers: ['Shift'] });
  await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().picture.following !== null, null, { timeout: 10000 });
  let p = await picture(page);
  assert.equal(p.following, String(pos.i));
  assert.match(p.story[0], new RegExp(`^T[-−+]\\d+:\\d\\d Following supernode #${pos.i.toLocaleString('en')} `));
  // Not crashed by the click that followed it.
  assert.equal((await snapshot(page)).supernodes_crashed, 0);
  // Through the trigger: its story grows with what happens to it, each line at its time.
  await page.evaluate(() => document.querySelector('supernode-sim').seek(3600 + 3 * 3600));
  await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().picture.story.length > 1, null, { timeout: 60000 });
  p = await picture(page);
  assert.ok(p.story.slice(1).every((l) => /^T\+\d+:\d\d /.test(l)), p.story.join('\n'));
  assert.ok(await page.locator('supernode-sim >> .story').isVisible());
  // Zoomed in on it, then out: still followed.
  await page.locator('supernode-sim >> .story-zoom').click();
  await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().picture.clients_shown, null, { timeout: 10000 });
  await shoot(page, 'follow-zoomed-1280.png');
  await page.locator('supernode-sim >> button.zoom-whole').click();
  await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().picture.zoom === 1, null, { timeout: 10000 });
  assert.equal((await picture(page)).following, String(pos.i));
  await shoot(page, 'follow-whole-1280.png');
  // The link carries it; opened, the same supernode is followed with the same story.
  const link = await page.evaluate(() => document.querySelector('supernode-sim').shareLink());
  assert.match(link, new RegExp(`follow=${pos.i}\\b`));
  const { page: copy, errors: copyErrors } = await openPage(env.ctx, link);
  await arrived(copy, 3600 + 3 * 3600);
  const q = await picture(copy);
  assert.equal(q.following, String(pos.i));
  assert.deepEqual(q.story.slice(1), p.story.slice(1));
  // F stops following.
  await page.locator('supernode-sim >> canvas.overlay').focus();
  await page.keyboard.press('f');
  await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().picture.following === null, null, { timeout: 10000 });
  assert.ok(await page.locator('supernode-sim >> .story').isHidden());
  assert.deepEqual(errors, []);
  assert.deepEqual(copyErrors, []);
  await page.close();
  await copy.close();
});

test('zoomed in, Shift+click follows a client: it crashes, walks its host cache and comes back, told in time', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/?seed=1&scale=0.02&t=3000&autoplay=off`);
  await arrived(page, 3000);
  // Follow a supernode, zoom in on it, then Shift+click its middle: the client nearest to it.
  await page.evaluate(() => document.querySelector('supernode-sim').follow(40));
  await page.locator('supernode-sim >> .story-zoom').click();
  await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().picture.clients_shown, null, { timeout: 10000 });
  await page.waitForTimeout(300);
  const at = await page.evaluate(async () => {
    const el = document.querySelector('supernode-sim');
    const info = await el.sim.supernode(40);
    const c = el.shadowRoot.querySelector('canvas.overlay');
    const dpr = c.width / c.getBoundingClientRect().width;
    return { x: info.x / dpr, y: info.y / dpr };
  });
  await page.locator('supernode-sim >> canvas.overlay').click({ position: at, modifiers: ['Shift'] });
  await page.waitForFunction(() => /^40\.\d+$/.test(document.querySelector('supernode-sim').snapshot().picture.following ?? ''), null, { timeout: 10000 });
  let p = await picture(page);
  assert.match(p.story[0], /Following client 40\.\d+, attached to supernode #40/);
  assert.equal((await snapshot(page)).supernodes_crashed, 0, 'the click that followed crashed something');
  // Through the first hours of the outage, its story is told step by step.
  await page.evaluate(() => document.querySelector('supernode-sim').seek(3600 + 4 * 3600));
  await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().t_s >= 3600 + 4 * 3600, null, { timeout: 60000 });
  p = await picture(page);
  assert.ok(p.story.length >= 2, p.story.join('\n'));
  assert.ok(p.story.slice(1).every((l) => /^T\+\d+:\d\d (its supernode|crashed|relaunched|attempt \d+ failed|connected|tried|its user|disconnected)/.test(l)), p.story.join('\n'));
  await shoot(page, 'follow-client-1280.png');
  // The link carries the client.
  assert.match(await page.evaluate(() => document.querySelector('supernode-sim').shareLink()), /follow=40\.\d+/);
  // Following, zooming and drawing never touched the run: the same hash as a run nobody watched.
  const watched = await snapshot(page);
  const { page: plain, errors: plainErrors } = await openPage(env.ctx, `${env.server.base}/?seed=1&scale=0.02&t=${watched.t_s}&autoplay=off`);
  await arrived(plain, watched.t_s);
  assert.equal((await snapshot(plain)).hash, watched.hash);
  assert.deepEqual(errors, []);
  assert.deepEqual(plainErrors, []);
  await page.close();
  await plain.close();
});

test('the by-state view groups the supernodes in labelled columns that add up, and glides back', async () => {
  for (const [w, h, tag] of [[1280, 720, '1280'], [375, 812, '375']]) {
    const { page, errors } = await openPage(env.ctx, `${env.server.base}${SMALL}`, { viewport: { width: w, height: h } });
    await arrived(page);
    await page.locator('supernode-sim >> button.by-state').click();
    await page.waitForFunction(() => {
      const el = document.querySelector('supernode-sim');
      return el.snapshot().picture.by_state && el.shadowRoot.querySelectorAll('.groups .group').length === 5;
    }, null, { timeout: 10000 });
    await page.waitForTimeout(1200); // the glide
    const groups = await page.evaluate(() => [...document.querySelector('supernode-sim').shadowRoot.querySelectorAll('.groups .group')]
      .map((g) => ({ state: g.dataset.state, n: Number(g.querySelector('b').textContent.replace(/,/g, '')), visible: g.getBoundingClientRect().height > 0 })));
    const s = await snapshot(page);
    const byState = Object.fromEntries(groups.map((g) => [g.state, g.n]));
    assert.equal(byState.crashed, s.supernodes_crashed);
    assert.equal(byState.shutdown, s.supernodes_shut_down);
    assert.equal(byState.up + byState.overloaded + byState.mega, s.supernodes_up);
    assert.ok(groups.every((g) => g.visible));
    assert.equal(await page.locator('supernode-sim >> button.by-state').getAttribute('aria-pressed'), 'true');
    await shoot(page, `by-state-${tag}.png`);
    // The link carries the view.
    assert.match(await page.evaluate(() => document.querySelector('supernode-sim').shareLink()), /view=states/);
    // G toggles back to the map.
    await page.locator('supernode-sim >> canvas.overlay').focus();
    await page.keyboard.press('g');
    await page.waitForFunction(() => !document.querySelector('supernode-sim').snapshot().picture.by_state, null, { timeout: 10000 });
    await page.waitForFunction(() => document.querySelector('supernode-sim').shadowRoot.querySelector('.groups').hidden, null, { timeout: 10000 });
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('a bad follow or view is named, and the instance keeps working', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/?seed=1&scale=0.02&follow=99999&view=sideways&autoplay=off`);
  await ready(page);
  await page.waitForFunction(() => document.querySelector('supernode-sim').shadowRoot.querySelector('.errors').textContent.includes('follow'), null, { timeout: 10000 });
  const text = await page.evaluate(() => document.querySelector('supernode-sim').shadowRoot.querySelector('.errors').textContent);
  assert.match(text, /follow: 99999 is not a supernode of this run; allowed: 0 to 9\d\d/);
  const page2 = await page.evaluate(() => document.getElementById('query-errors')?.textContent ?? '');
  assert.match(page2 + text, /view/);
  await assert.rejects(page.evaluate(() => document.querySelector('supernode-sim').follow(-5)), /follow\(target\)/);
  // The attribute set, then removed: following starts, then stops.
  await page.evaluate(() => document.querySelector('supernode-sim').setAttribute('follow', '3'));
  await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().picture.following === '3', null, { timeout: 10000 });
  await page.evaluate(() => document.querySelector('supernode-sim').removeAttribute('follow'));
  await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().picture.following === null, null, { timeout: 10000 });
  await page.locator('supernode-sim >> button.step').click();
  assert.equal((await snapshot(page)).t_s, 60);
  assert.deepEqual(errors, []);
  await page.close();
});
