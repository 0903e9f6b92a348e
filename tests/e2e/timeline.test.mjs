// Going back and forth in time, as a reader does it: seeks back start from the run's saved marks
// and give the same run as the CLI, the timeline answers the keyboard and drags and marks the
// incident's chapters with their sources, and a click on the chart goes to that moment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { shared, openPage, ready, snapshot, SHOTS, ROOT } from './harness.mjs';

const env = shared();

/** Seeks and waits until the moment is on screen (no replay in progress); returns the ms it took. */
async function seekAndWait(page, t) {
  return page.evaluate(async (t) => {
    const el = document.querySelector('supernode-sim');
    const t0 = performance.now();
    el.seek(t);
    await new Promise((resolve) => {
      const check = () => (el.snapshot().t_s === t && el.shadowRoot.querySelector('.progress').hidden ? resolve() : requestAnimationFrame(check));
      check();
    });
    return performance.now() - t0;
  }, t);
}

const onScreen = (page) => page.waitForFunction(() => document.querySelector('supernode-sim').shadowRoot.querySelector('.progress').hidden, null, { timeout: 60000 });

test('seeking back starts from a saved mark, and the run then continues as the CLI computes it', async () => {
  const cli = execFileSync('cargo', ['run', '--release', '--quiet', '--', 'run', '--scenario', 'skype-2010', '--seed', '4', '--hours', '3'], { cwd: ROOT, maxBuffer: 1 << 28 });
  const expected = JSON.parse(cli.toString()).hash;
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/?seed=4&t=0`);
  await ready(page);
  await page.evaluate(() => document.querySelector('supernode-sim').pause());
  await seekAndWait(page, 10800);
  assert.equal((await snapshot(page)).hash, expected, 'straight to T+2:00');
  // Back to T+0:30, a mark's time: no replay at all. Then back into the collapse between marks.
  const back = await seekAndWait(page, 5400);
  const between = await seekAndWait(page, 4630);
  const stats = await page.evaluate(() => JSON.parse(document.querySelector('supernode-sim').sim.history_stats()));
  console.log(`seek back to a mark ${back.toFixed(0)} ms, between marks ${between.toFixed(0)} ms; ${stats.marks} marks, ${(stats.bytes / 2 ** 20).toFixed(1)} MB`);
  // Generous floors (this is a shared 2-core machine); a replay from zero took seconds.
  assert.ok(back < 3000, `seek back to a mark took ${back} ms`);
  assert.ok(stats.marks >= 15 && stats.bytes < 64 * 2 ** 20, JSON.stringify(stats));
  // On again to T+2:00: the same bits as the uninterrupted run.
  await seekAndWait(page, 10800);
  assert.equal((await snapshot(page)).hash, expected, 'back and forth, then to T+2:00');
  assert.deepEqual(errors, []);
  await page.close();
});

/** Opens `url` recording the shipped marks the page fetches (their file names) and its errors. */
async function openRecordingMarks(url) {
  const page = await env.ctx.newPage();
  const marks = [];
  const errors = [];
  page.on('request', (r) => {
    const p = new URL(r.url()).pathname;
    if (p.endsWith('.mark')) marks.push(p.split('/').pop());
  });
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  return { page, marks, errors };
}

const atMoment = (page, t) => page.waitForFunction((t) => {
  const el = document.querySelector('supernode-sim');
  return el?.snapshot()?.t_s === t && el.shadowRoot.querySelector('.progress').hidden;
}, t, { timeout: 300000, polling: 100 });

test('a link far into an incident opens from the mark shipped with the page: the same run, bit for bit, as the CLI computes', async () => {
  // Five hours into the 2015 storm at real scale, and a quarter of an hour past that.
  const cli = (hours) => JSON.parse(execFileSync('cargo', ['run', '--release', '--quiet', '--', 'run', '--scenario', 'skype-2015', '--seed', '1', '--hours', String(hours)], { cwd: ROOT, maxBuffer: 1 << 28 }).toString()).hash;
  const at5 = cli(5);
  const past = cli(5.25);
  const t0 = Date.now();
  const { page, marks, errors } = await openRecordingMarks(`${env.server.base}/?scenario=skype-2015&seed=1&t=${5 * 3600}`);
  await atMoment(page, 5 * 3600);
  const ms = Date.now() - t0;
  console.log(`# a link at 5 h into skype-2015 (real scale) on screen ${ms} ms after navigation, from the shipped mark`);
  assert.deepEqual(marks, ['18000.mark'], 'it fetched the mark at 5 h, and only that');
  assert.equal((await snapshot(page)).hash, at5, 'the run at 5 h is the CLI\'s');
  // On from there: the same run as computed straight.
  await seekAndWait(page, 5.25 * 3600);
  assert.equal((await snapshot(page)).hash, past, 'a quarter of an hour later');
  assert.ok(ms < 60000, `${ms} ms (computing 5 h would take far longer here)`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('shipped marks are only for the plain run: a link that changed the run before its moment computes it, and a page without the marks works as before', async () => {
  // A parameter changed from the start: another run, whose marks are not shipped.
  const other = await openRecordingMarks(`${env.server.base}/?scenario=skype-2015&seed=1&t=9000&p.failsafe.threshold=25`);
  await atMoment(other.page, 9000);
  assert.deepEqual(other.marks, [], 'another run fetches no mark');
  assert.deepEqual(other.errors, []);
  await other.page.close();
  // No marks where the page is served (an npm install without them): the run computes its way.
  const page = await env.ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route('**/pkg/marks/**', (r) => r.fulfill({ status: 200, contentType: 'application/json', body: '{}' }));
  await page.goto(`${env.server.base}/?scenario=skype-2015&seed=1&t=9000`);
  await atMoment(page, 9000);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the timeline: an ARIA slider with the time as text, keyboard steps, chapters with their sources', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/?seed=1&t=12000`);
  await ready(page);
  await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().t_s >= 12000, null, { timeout: 60000 });
  await onScreen(page);
  const scrub = page.locator('supernode-sim >> .timeline .scrub');
  assert.equal(await scrub.getAttribute('type'), 'range');
  assert.equal(await scrub.getAttribute('aria-label'), 'Simulated time');
  await scrub.focus();
  assert.match(await scrub.getAttribute('aria-valuetext'), /^T\+2:20/);
  await page.keyboard.press('Shift+ArrowLeft');
  await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().t_s === 8400, null, { timeout: 30000 });
  await onScreen(page);
  assert.match(await scrub.getAttribute('aria-valuetext'), /^T\+1:20/);
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().t_s === 8460, null, { timeout: 30000 });
  await page.keyboard.press('Home');
  await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().t_s === 0, null, { timeout: 30000 });
  // Chapters: the run's narrated moments and the record's published figures, each with a source.
  const chapters = await page.evaluate(() =>
    [...document.querySelector('supernode-sim').shadowRoot.querySelectorAll('.timeline .chap')].map((b) => ({ t: Number(b.dataset.t), kind: b.className, title: b.title })),
  );
  assert.ok(chapters.filter((c) => c.kind.includes('event')).length >= 5, JSON.stringify(chapters));
  const record = chapters.filter((c) => c.kind.includes('record'));
  assert.ok(record.length >= 3 && record.every((c) => /source: \S/.test(c.title)), JSON.stringify(record));
  // ] goes to the first chapter after now, [ back to the one before.
  await page.keyboard.press(']');
  const first = Math.min(...chapters.map((c) => c.t).filter((t) => t > 1));
  await page.waitForFunction((t) => document.querySelector('supernode-sim').snapshot().t_s === t, first, { timeout: 30000 });
  await page.keyboard.press(']');
  const second = Math.min(...chapters.map((c) => c.t).filter((t) => t > first + 1));
  await page.waitForFunction((t) => document.querySelector('supernode-sim').snapshot().t_s === t, second, { timeout: 30000 });
  await page.keyboard.press('[');
  await page.waitForFunction((t) => document.querySelector('supernode-sim').snapshot().t_s === t, first, { timeout: 30000 });
  await onScreen(page);
  await page.locator('supernode-sim >> .timeline').screenshot({ path: join(SHOTS, 'timeline.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('dragging the timeline shows saved moments live and lands where it is released; a click on the chart goes there', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/?seed=1&t=14400`);
  await ready(page);
  await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().t_s >= 14400, null, { timeout: 60000 });
  await onScreen(page);
  // The link opened from the mark shipped for 4 h; the hours before it get their marks while the
  // page is idle.
  await page.waitForFunction(() => JSON.parse(document.querySelector('supernode-sim').sim.history_stats()).hole_s === 0, null, { timeout: 120000 });
  await page.locator('supernode-sim >> .timeline .scrub').scrollIntoViewIfNeeded();
  const box = await page.locator('supernode-sim >> .timeline .scrub').boundingBox();
  const xAt = (t) => box.x + 8 + ((box.width - 16) * t) / 172800;
  await page.mouse.move(xAt(14400), box.y + 12);
  await page.mouse.down();
  const seen = [];
  for (const t of [12000, 9000, 6000]) {
    await page.mouse.move(xAt(t), box.y + 12, { steps: 4 });
    await page.waitForTimeout(250);
    seen.push((await snapshot(page)).t_s);
  }
  // While dragging, the picture shows saved marks at or before the pointer (no replay yet).
  assert.ok(seen[2] < seen[0] && seen.every((t) => t % 300 === 0), `times shown while dragging: ${seen}`);
  await page.mouse.up();
  await onScreen(page);
  const landed = (await snapshot(page)).t_s;
  const value = Number(await page.locator('supernode-sim >> .timeline .scrub').inputValue());
  assert.equal(landed, value);
  assert.ok(Math.abs(landed - 6000) < 900, `landed at ${landed}`);
  // A click on the chart's time axis area goes to that moment.
  await page.locator('supernode-sim >> canvas.chart').scrollIntoViewIfNeeded();
  const chart = await page.locator('supernode-sim >> canvas.chart').boundingBox();
  await page.mouse.click(chart.x + 44 + (chart.width - 88) * (10800 / 172800), chart.y + chart.height / 2);
  await page.waitForFunction(() => Math.abs(document.querySelector('supernode-sim').snapshot().t_s - 10800) <= 900, null, { timeout: 60000 });
  // A drag along the chart shows saved moments as it goes, and goes to the exact one on release.
  const chartX = (t) => chart.x + 44 + (chart.width - 88) * (t / 172800);
  await page.mouse.move(chartX(9000), chart.y + chart.height / 2);
  await page.mouse.down();
  const dragged = [];
  for (const t of [7000, 4000]) {
    await page.mouse.move(chartX(t), chart.y + chart.height / 2, { steps: 3 });
    await page.waitForTimeout(300);
    dragged.push((await snapshot(page)).t_s);
  }
  assert.ok(dragged[1] < dragged[0] && dragged.every((t) => t % 300 === 0), `times shown while dragging the chart: ${dragged}`);
  await page.mouse.up();
  await page.waitForFunction(() => Math.abs(document.querySelector('supernode-sim').snapshot().t_s - 4000) <= 900 && document.querySelector('supernode-sim').shadowRoot.querySelector('.progress').hidden, null, { timeout: 60000 });
  assert.deepEqual(errors, []);
  await page.close();
});

test('dragging back over hours a link skipped shows the marks shipped for them, not the run\'s start', async () => {
  // A link at T+20 h opens from the mark shipped for that hour; the 20 h before it are not
  // computed yet (the idle worker fills them in over a minute or so). A drag back into them at
  // once fetches the shipped mark before the pointer and shows it.
  const { page, marks, errors } = await openRecordingMarks(`${env.server.base}/?seed=1&t=75600`);
  await atMoment(page, 75600);
  const hole = JSON.parse(await page.evaluate(() => document.querySelector('supernode-sim').sim.history_stats())).hole_s;
  assert.ok(hole > 3600 * 10, `the hours before the link are still to compute (hole ${hole} s)`);
  await page.locator('supernode-sim >> .timeline .scrub').scrollIntoViewIfNeeded();
  const box = await page.locator('supernode-sim >> .timeline .scrub').boundingBox();
  const xAt = (t) => box.x + 8 + ((box.width - 16) * t) / 172800;
  await page.mouse.move(xAt(75600), box.y + 12);
  await page.mouse.down();
  await page.mouse.move(xAt(59400), box.y + 12, { steps: 6 });
  const value = Number(await page.locator('supernode-sim >> .timeline .scrub').inputValue());
  // The hour's mark before the pointer, fetched and shown while the button is still down.
  const hour = Math.floor(value / 3600) * 3600;
  await page.waitForFunction((h) => document.querySelector('supernode-sim').snapshot().t_s === h, hour, { timeout: 30000, polling: 100 });
  assert.ok(marks.includes(`${hour}.mark`), `fetched ${marks}`);
  const stillHole = JSON.parse(await page.evaluate(() => document.querySelector('supernode-sim').sim.history_stats())).hole_s;
  assert.ok(stillHole > 0, 'shown before the worker computed those hours itself');
  await page.mouse.up();
  await atMoment(page, value);
  assert.deepEqual(errors, []);
  await page.close();
});

test('an action after going back starts a branch: the chart keeps the run as it happened, and the CLI reproduces the branch from the link', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/?seed=2&t=14400`);
  await ready(page);
  await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().t_s >= 14400, null, { timeout: 60000 });
  await onScreen(page);
  const before = (await snapshot(page)).hash;
  await seekAndWait(page, 6000);
  assert.equal(await page.evaluate(() => document.querySelector('supernode-sim').sim.as_happened_s()), -1, 'going back alone is no branch');
  await page.locator('supernode-sim >> button[data-act="megas"]').click();
  await page.waitForFunction(() => document.querySelector('supernode-sim').sim.as_happened_s() === 6000, null, { timeout: 10000 });
  await seekAndWait(page, 14400);
  const s = await snapshot(page);
  assert.notEqual(s.hash, before, 'the branch is another run');
  const key = page.locator('supernode-sim >> .chart-legend .ghost-key');
  assert.equal(await key.isVisible(), true);
  assert.match(await key.textContent(), /as it happened, before your change at T\+0:40/);
  // The branch against the run as it happened, in words, as the A/B view says it.
  const words = page.locator('supernode-sim >> .branch-words');
  await words.waitFor({ state: 'visible', timeout: 10000 });
  assert.match(await words.textContent(), /^To T\+3:00, against the run as it happened \(dotted\): this branch: .*connection attempts/);
  assert.match((await snapshot(page)).branch.words, /^this branch: /);
  await page.locator('supernode-sim >> canvas.chart').screenshot({ path: join(SHOTS, 'chart-branch.png') });
  // The link carries the branch: its action log, replayed by the CLI, gives the same run.
  const link = new URL(await page.evaluate(() => document.querySelector('supernode-sim').shareLink()));
  const log = link.searchParams.get('actions');
  assert.deepEqual(JSON.parse(log), [{ t: 6001, a: 'do', k: 'megas' }]);
  const dir = mkdtempSync(join(tmpdir(), 'snsim-branch-'));
  try {
    writeFileSync(join(dir, 'actions.json'), log);
    const cli = execFileSync('cargo', ['run', '--release', '--quiet', '--', 'run', '--scenario', 'skype-2010', '--seed', '2', '--hours', '4', '--actions', join(dir, 'actions.json')], { cwd: ROOT, maxBuffer: 1 << 28 });
    assert.equal(JSON.parse(cli.toString()).hash, s.hash);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('slow motion: the clock eases to a simulated minute per second through the cascade, says so, and S turns it off', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/?seed=1&t=3600&speed=1440`);
  await ready(page);
  await page.waitForFunction(() => document.querySelector('supernode-sim').snapshot().t_s >= 3600, null, { timeout: 60000 });
  await onScreen(page);
  await page.evaluate(() => document.querySelector('supernode-sim').play());
  // The first burst (supernodes lost, clients online falling) comes within minutes of the trigger.
  await page.waitForFunction(() => /slow motion/.test(document.querySelector('supernode-sim').shadowRoot.querySelector('.clock .small').textContent), null, { timeout: 60000 });
  const small = () => page.locator('supernode-sim >> .clock .small').textContent();
  const rate = async () => {
    const a = await page.evaluate(() => [document.querySelector('supernode-sim').snapshot().t_s, performance.now()]);
    await page.waitForTimeout(1500);
    const b = await page.evaluate(() => [document.querySelector('supernode-sim').snapshot().t_s, performance.now()]);
    return (b[0] - a[0]) / ((b[1] - a[1]) / 1000);
  };
  await page.waitForTimeout(1000); // eased in
  const slow = await rate();
  assert.match(await small(), /slow motion through the cascade/, 'still in slow motion');
  // A simulated minute per second, give or take the easing and frame timing.
  assert.ok(slow > 20 && slow < 120, `slow motion ran ${slow.toFixed(0)} simulated s per s`);
  await page.locator('supernode-sim >> canvas.overlay').focus();
  await page.keyboard.press('s');
  assert.equal(await page.locator('supernode-sim >> .slowmo-box').isChecked(), false);
  await page.waitForTimeout(1000);
  const fast = await rate();
  // Off, the clock asks for a day per minute again: faster than slow motion allows, unless the
  // machine cannot keep up through the collapse, which the clock then says (how fast it gets
  // is a benchmark's business, not this test's).
  const text = await small();
  assert.doesNotMatch(text, /slow motion/);
  assert.ok(fast > 120 || /slowed to \d+%/.test(text), `without slow motion ${fast.toFixed(0)} s/s, with it ${slow.toFixed(0)} s/s; clock: ${text}`);
  assert.deepEqual(errors, []);
  await page.close();
});
