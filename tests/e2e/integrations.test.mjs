// The ready-made integrations, each tried in the real tool: a Hugo site built by Debian's `hugo`
// with the shortcode, and the lecture deck (reveal.js from npm) with the reveal.js plugin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shared, serve, openPage, ready, ROOT, SHOTS } from './harness.mjs';

const env = shared();

/** A Hugo site using the shortcode from www/integrations/hugo as a theme component, built into
 * a folder this test makes (and removes). Returns the folder and the built post's HTML. */
function hugoSite(elementSrc, unsafe) {
  const dir = mkdtempSync(join(tmpdir(), 'snsim-hugo-'));
  mkdirSync(join(dir, 'content', 'posts'), { recursive: true });
  mkdirSync(join(dir, 'layouts', '_default'), { recursive: true });
  writeFileSync(join(dir, 'hugo.toml'), [
    'baseURL = "http://127.0.0.1/"',
    'title = "A blog"',
    '[params.supernodeSim]',
    `src = "${elementSrc}"`,
    '[markup.goldmark.renderer]',
    `unsafe = ${unsafe}`,
  ].join('\n'));
  writeFileSync(join(dir, 'layouts', '_default', 'single.html'),
    '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>{{ .Title }}</title></head><body><main>{{ .Content }}</main></body></html>');
  writeFileSync(join(dir, 'layouts', '_default', 'list.html'), '<!doctype html><html><body>{{ range .Pages }}{{ .Title }}{{ end }}</body></html>');
  writeFileSync(join(dir, 'content', 'posts', 'outage.md'), [
    '---', 'title: "The day Skype fell over"', '---',
    'Before the first simulation.', '',
    '{{< supernode-sim id="first" scenario="skype-2010" scale="0.1" time="3900" controls="minimal" caption="December 2010 at a tenth of its size" >}}',
    '', 'Between them.', '',
    '{{< supernode-sim id="second" scenario="lesson-jitter" params=`{"retry.policy": "immediate", "failsafe": {"threshold": 3.5}}` controls="none" height="240" >}}',
    '', 'A raw snippet:', '',
    '<supernode-sim id="raw" scenario="baseline" scale="0.01" controls="none" height="200"></supernode-sim>',
  ].join('\n'));
  execFileSync('hugo', ['--quiet', '--source', dir, '--themesDir', join(ROOT, 'www'), '--theme', 'integrations/hugo', '--destination', join(dir, 'public')]);
  return { dir, html: readFileSync(join(dir, 'public', 'posts', 'outage', 'index.html'), 'utf8') };
}

test('Hugo: the shortcode puts running elements in a post, loading the module once, with a link for readers without JavaScript', async () => {
  const src = `${env.server.base}/www/supernode-sim.js`;
  // Without `unsafe`, Hugo's Markdown renderer drops a pasted raw snippet (the README says so);
  // the shortcode's output is kept either way.
  const strict = hugoSite(src, false);
  try {
    assert.match(strict.html, /raw HTML omitted/);
    assert.doesNotMatch(strict.html, /id="raw"/);
    assert.match(strict.html, /<supernode-sim [^>]*id="first"/);
  } finally {
    rmSync(strict.dir, { recursive: true, force: true });
  }
  const site = hugoSite(src, true);
  // The blog is on its own origin; the element comes from the project's host.
  const blog = await serve([], join(site.dir, 'public'));
  try {
    assert.equal(site.html.match(/<script type="module"/g).length, 1, 'the module is loaded once per page');
    assert.match(site.html, /params="\{&#34;retry.policy&#34;: &#34;immediate&#34;, &#34;failsafe&#34;: \{&#34;threshold&#34;: 3.5\}\}"/, 'a JSON value is escaped into the attribute');
    // The second's link for readers without JavaScript carries its parameters, as the page's URL
    // takes them, and opens the same run (checked in the page below).
    const secondLink = site.html.match(/id="second"[\s\S]*?<a href="([^"]*)">/)[1].replaceAll('&amp;', '&');
    assert.match(secondLink, /[?&]p\.retry\.policy=immediate(&|$)/, secondLink);
    assert.match(secondLink, /[?&]p\.failsafe\.threshold=3\.5(&|$)/, secondLink);
    assert.match(site.html, /<a href="[^"]*\?scale=0.1&amp;scenario=skype-2010&amp;t=3900">/, 'the fallback link opens the same moment');
    assert.match(site.html, /<img src="[^"]*\/pkg\/posters\/skype-2010.png"/, 'the fallback image is the scenario\'s poster');
    const { page, errors } = await openPage(env.ctx, `${blog.base}/posts/outage/`);
    for (const id of ['first', 'second', 'raw']) {
      // An instance draws once it is seen.
      await page.evaluate((i) => document.getElementById(i).scrollIntoView(), id);
      await page.waitForFunction((i) => document.getElementById(i)?.framesDrawn > 0, id, { timeout: 60000 });
    }
    await page.evaluate(() => document.getElementById('first').scrollIntoView());
    await page.waitForFunction(() => document.getElementById('first').snapshot()?.t_s === 3900, null, { timeout: 60000 });
    const first = await page.evaluate(async () => {
      const el = document.getElementById('first');
      await el.settled();
      const link = el.querySelector('a');
      return { snap: el.snapshot(), linkShown: link.getBoundingClientRect().height > 0, caption: el.closest('figure').querySelector('figcaption')?.textContent };
    });
    assert.equal(first.snap.t_s, 3900);
    assert.ok(first.snap.clients_total < 3e6, `scale 0.1: ${first.snap.clients_total} clients`);
    assert.equal(first.linkShown, false, 'the fallback link is not shown once the element runs');
    assert.equal(first.caption, 'December 2010 at a tenth of its size');
    const policy = await page.evaluate(() => new URL(document.getElementById('second').shareLink()).searchParams.get('p.retry.policy'));
    assert.equal(policy, 'immediate');
    await page.screenshot({ path: join(SHOTS, 'hugo-post.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
    // The fallback link opens the page with the same parameters.
    const linked = await openPage(env.ctx, secondLink);
    await ready(linked.page);
    const params = await linked.page.evaluate(() => {
      const q = new URL(document.querySelector('supernode-sim').shareLink()).searchParams;
      return [q.get('scenario'), q.get('p.retry.policy'), q.get('p.failsafe.threshold')];
    });
    assert.deepEqual(params, ['lesson-jitter', 'immediate', '3.5']);
    assert.deepEqual(linked.errors, []);
    await linked.page.close();
  } finally {
    blog.stop();
    rmSync(site.dir, { recursive: true, force: true });
  }
});

/** Where the deck and the named element stand. */
function state(page, id) {
  return page.evaluate(async (i) => {
    const el = document.getElementById(i);
    await el.settled();
    const s = el.snapshot();
    return { slide: window.deck.getCurrentSlide().id, in: el.closest('section')?.id, t: s.t_s, playing: s.playing, comparing: 'simComparing' in el.dataset };
  }, id);
}

test('reveal.js: the lecture deck steps through December 2010, each slide setting the simulation to its moment, playing it while shown and pausing it when left', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/www/examples/lecture.html`, { viewport: { width: 1920, height: 1080 } });
  await page.waitForFunction(() => window.deck?.isReady(), null, { timeout: 30000 });
  // A clicker sends Page Down; the keyboard's arrows do the same.
  await page.keyboard.press('PageDown');
  await page.waitForFunction(() => document.getElementById('sim2010').framesDrawn > 0, null, { timeout: 60000 });
  await page.waitForFunction(() => document.getElementById('sim2010').snapshot()?.t_s >= 1800, null, { timeout: 60000 });
  let s = await state(page, 'sim2010');
  assert.equal(s.slide, 'overlay');
  assert.equal(s.in, 'overlay');
  assert.ok(s.t >= 1800 && s.playing, JSON.stringify(s));
  // Clicking the element's own controls does not take the keyboard from the deck.
  await page.evaluate(() => document.getElementById('sim2010').shadowRoot.querySelector('button').focus());
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => window.deck.getCurrentSlide().id === 'trigger');
  await page.waitForFunction(() => document.getElementById('sim2010').snapshot()?.t_s >= 3540, null, { timeout: 60000 });
  s = await state(page, 'sim2010');
  assert.equal(s.in, 'trigger', 'the shared element moved to the slide shown');
  assert.ok(s.t >= 3540 && s.playing, JSON.stringify(s));
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => window.deck.getCurrentSlide().id === 'collapse');
  await page.waitForFunction(() => document.getElementById('sim2010').snapshot().t_s === 13200, null, { timeout: 60000 });
  s = await state(page, 'sim2010');
  assert.equal(s.in, 'collapse');
  assert.equal(s.playing, false, 'data-sim-play="off": the collapse is shown still');
  await page.screenshot({ path: join(SHOTS, 'lecture-1920.png') });
  // The lessons: an A/B comparison while shown; the 2010 element is paused meanwhile.
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => window.deck.getCurrentSlide().id === 'lessons');
  await page.waitForFunction(() => 'simComparing' in document.getElementById('simJitter').dataset, null, { timeout: 30000 });
  assert.equal((await state(page, 'sim2010')).playing, false, 'left behind: paused');
  s = await state(page, 'simJitter');
  assert.ok(s.playing && s.comparing, JSON.stringify(s));
  const ab = await page.evaluate(() => document.getElementById('simJitter').shadowRoot.querySelector('.overlay-b, canvas.b, [data-run="b"]') !== null || document.getElementById('simJitter').shareLink() !== null);
  assert.ok(ab);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(SHOTS, 'lecture-1280.png') });
  // Leaving ends the comparison and pauses it.
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => window.deck.getCurrentSlide().id === 'y2015');
  s = await state(page, 'simJitter');
  assert.equal(s.playing, false);
  assert.equal(s.comparing, false);
  // Every slide is reachable, the overview pauses everything, and nothing went wrong.
  await page.keyboard.press('End');
  await page.waitForFunction(() => window.deck.getCurrentSlide().id === 'end');
  await page.keyboard.press('Home');
  await page.waitForFunction(() => window.deck.getCurrentSlide().id === 'title');
  assert.deepEqual(errors, []);
  await page.close();
});

test('reveal.js plugin: a bad data attribute is reported in the console, naming the slide, and the deck goes on', async () => {
  const { page, errors } = await openPage(env.ctx, `${env.server.base}/www/examples/lecture.html#/overlay`);
  await page.waitForFunction(() => window.deck?.isReady(), null, { timeout: 30000 });
  await page.evaluate(() => document.getElementById('trigger').setAttribute('data-sim-time', 'soon'));
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => window.deck.getCurrentSlide().id === 'trigger');
  await page.waitForFunction(() => document.getElementById('sim2010').snapshot()?.playing === true, null, { timeout: 60000 });
  assert.equal(errors.length, 1, errors.join('\n'));
  assert.match(errors[0], /#trigger: data-sim-time="soon" is not a simulated second/);
  await page.close();
});
