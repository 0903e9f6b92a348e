// Hostile input, as a user pasting a link or an embedder writing attributes would give it: a
// deterministic set of URLs (index.html and embed.html) and attribute sets. For each: no error
// panel, no uncaught error, no dialog, no prototype pollution, no markup from the input, the
// clock still runs, and every clearly invalid value gets a message naming its field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { shared, SHOTS } from './harness.mjs';

const env = shared();

const enc = encodeURIComponent;
const j = (v) => enc(JSON.stringify(v));

/** `[query, fields that must be named]`: run alternately on index.html and embed.html. */
const URLS = [
  ['seed=-1', ['seed']],
  ['seed=1e3', ['seed']],
  ['seed=9007199254740992', ['seed']],
  ['seed=NaN', ['seed']],
  [`seed=${enc('١٢٣')}`, ['seed']],
  ['speed=0', ['speed']],
  ['speed=-5', ['speed']],
  ['speed=Infinity', ['speed']],
  ['speed=1e9', ['speed']],
  ['speed=%00', ['speed']],
  ['t=-1', ['time']],
  ['t=abc', ['time']],
  ['t=1e99', ['time']],
  [`time=${enc('<script>window.__xss=1</script>')}`, ['time']],
  ['height=1e9', ['height']],
  ['height=12em', ['height']],
  ['height=-300', ['height']],
  [`controls=${enc('<img src=x onerror=window.__xss=1>')}`, ['controls']],
  ['controls=FULL', ['controls']],
  ['slow-motion=maybe', ['slow-motion']],
  ['autoplay=sometimes', ['autoplay']],
  ['scenario=skype-2099', ['scenario']],
  ['scenario=__proto__', ['scenario']],
  [`scenario=${'A'.repeat(5000)}`, ['scenario']],
  ['p.__proto__=x', ['params.__proto__']],
  ['p.constructor=1', ['params.constructor']],
  ['p.prototype=1', ['params.prototype']],
  ['p.__proto__.polluted=1', ['params.__proto__.polluted']],
  ['p.constructor.prototype.polluted=1', ['params.constructor.prototype.polluted']],
  ['p.mega.count=-4', ['params.mega.count']],
  ['p.mega.count=1e30', ['params.mega.count']],
  ['p.retry.policy=sometimes', ['params.retry.policy']],
  ['p.clients.buggy_fraction=NaN', ['params.clients.buggy_fraction']],
  ['p.retry.cap_s=0.5&p.retry.base_s=1', ['params.retry.cap_s']],
  ['actions=not-json', ['actions']],
  [`actions=${j([{ t: 1, a: 'do', k: '<unknown>' }])}`, ['actions[0]']],
  [`actions=${j([{ t: 9, a: 'do', k: 'fix' }, { t: 3, a: 'do', k: 'fix' }])}`, ['actions[1]']],
  [`actions=${j([{ t: 1, a: 'set', k: '__proto__', v: '1' }])}`, ['actions[0]']],
  [`actions=${enc('[{"t":1e30,"a":"do","k":"fix"}]')}`, ['actions[0]']],
  [`actions=${enc('{"__proto__":{"polluted":1}}')}`, ['actions']],
  ['bogus=1', ['bogus']],
  ['__proto__=1', ['__proto__']],
  [`${enc('<b>x</b>')}=1`, ['<b>x</b>']],
  ['seed=x&speed=y&t=z&height=q&controls=w', ['seed', 'speed', 'time', 'height', 'controls']],
  ['p.mega.count=3&utm_source=newsletter', []],
  ['seed=4&p.mega.count=200&slow-motion=off', []],
];

/** `[attributes, fields that must be named]`, on an element an embedder writes. */
const ATTRS = [
  [{ scenario: '<img src=x onerror=window.__xss=1>' }, ['scenario']],
  [{ seed: '1.5' }, ['seed']],
  [{ params: '{"__proto__": {"polluted": 1}}' }, ['params.__proto__']],
  [{ params: '{"constructor": {"prototype": {"polluted": 1}}}' }, ['params.constructor']],
  [{ params: 'not json' }, ['params']],
  [{ params: '[1,2]' }, ['params']],
  [{ params: '"x"' }, ['params']],
  [{ params: '{"mega.count": "7", "toString": 1}' }, ['params.toString']],
  [{ actions: JSON.stringify(Array.from({ length: 10001 }, () => ({ t: 1, a: 'do', k: 'fix' }))) }, ['actions']],
  [{ actions: '[{"t":1,"a":"toggle","k":"99999999999"}]' }, ['actions[0]']],
  [{ keyboard: 'everywhere' }, ['keyboard']],
  [{ height: '0' }, ['height']],
  [{ speed: ' ' }, ['speed']],
  [{ time: 'Infinity' }, ['time']],
  [{ 'slow-motion': 'ON' }, ['slow-motion']],
  [{ controls: 'none ', seed: '0x10' }, ['controls', 'seed']],
  [{ autoplay: 'off', speed: '600', 'slow-motion': '' }, []],
  [{ autoplay: 'false' }, ['autoplay']],
];

/** Checks one opened page: returns what went wrong, in words (empty when all is well). */
async function inspect(page, fields, label) {
  const problems = [];
  await page.waitForFunction(() => {
    const el = document.querySelector('supernode-sim');
    return el?.sim && el.framesDrawn > 0;
  }, null, { timeout: 30000 });
  const state = await page.evaluate(() => {
    const el = document.querySelector('supernode-sim');
    const fatal = el.shadowRoot.querySelector('.fatal');
    return {
      messages: [
        ...[...el.shadowRoot.querySelectorAll('ul.errors li')].map((li) => li.textContent),
        ...[...document.querySelectorAll('#url-errors li')].map((li) => li.textContent),
      ],
      fatal: fatal && !fatal.hidden ? fatal.textContent : null,
      imgs: el.shadowRoot.querySelectorAll('img, script').length,
      playing: el.snapshot().playing,
    };
  });
  if (state.fatal) problems.push(`error panel: ${state.fatal}`);
  if (state.imgs) problems.push('input became markup');
  for (const f of fields) {
    if (!state.messages.some((m) => m.startsWith(`${f}:`) || m.startsWith(`${f.slice(0, 40)}`) || m.includes(`${f}:`))) {
      problems.push(`no message names ${f} (messages: ${JSON.stringify(state.messages)})`);
    }
  }
  if (!fields.length && state.messages.length) problems.push(`messages for valid input: ${JSON.stringify(state.messages)}`);
  // The clock still runs (played by hand where the input opens it paused).
  const t0 = await page.evaluate(() => {
    const el = document.querySelector('supernode-sim');
    el.play();
    return el.snapshot().t_s;
  });
  const ran = await page
    .waitForFunction((t) => document.querySelector('supernode-sim').snapshot().t_s > t, t0, { timeout: 15000 })
    .then(() => true, () => false);
  if (!ran) problems.push('the clock does not run');
  const polluted = await page.evaluate(() => {
    const out = [];
    for (const [name, proto] of [['Object', Object.prototype], ['Array', Array.prototype], ['Function', Function.prototype]]) {
      for (const k of ['polluted', 'x', '1', 'count']) if (Object.prototype.hasOwnProperty.call(proto, k)) out.push(`${name}.prototype.${k}`);
    }
    if ({}.polluted !== undefined) out.push('({}).polluted');
    if (window.__xss !== undefined) out.push('window.__xss: input ran as script');
    return out;
  });
  problems.push(...polluted);
  return problems.map((p) => `${label}: ${p}`);
}

function watch(page) {
  const seen = { errors: [], dialogs: [] };
  page.on('pageerror', (e) => seen.errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') seen.errors.push(m.text());
  });
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  return seen;
}

test(`${URLS.length} hostile URLs on index.html and embed.html`, { timeout: 900000 }, async () => {
  const all = [];
  for (const [i, [query, fields]] of URLS.entries()) {
    const path = i % 2 ? 'embed.html' : 'index.html';
    const page = await env.ctx.newPage();
    const seen = watch(page);
    await page.goto(`${env.server.base}/${path}?${query}`);
    const label = `${path}?${query.slice(0, 80)}`;
    const problems = await inspect(page, fields, label).catch((e) => [`${label}: ${e.message}`]);
    if (seen.errors.length) problems.push(`${label}: uncaught errors ${JSON.stringify(seen.errors)}`);
    if (seen.dialogs.length) problems.push(`${label}: dialogs ${JSON.stringify(seen.dialogs)}`);
    if (i === 43) await page.screenshot({ path: join(SHOTS, 'fuzz-bad-link.png') });
    all.push(...problems);
    await page.close();
  }
  assert.deepEqual(all, []);
});

test(`${ATTRS.length} hostile attribute sets, and hostile API calls`, { timeout: 600000 }, async () => {
  const all = [];
  for (const [attrs, fields] of ATTRS) {
    const page = await env.ctx.newPage();
    const seen = watch(page);
    await page.goto(`${env.server.base}/www/blank.html`);
    await page.evaluate(async (a) => {
      await import('/www/supernode-sim.js');
      const el = document.createElement('supernode-sim');
      for (const [k, v] of Object.entries(a)) el.setAttribute(k, v);
      el.setAttribute('height', a.height ?? '200');
      document.body.append(el);
    }, attrs);
    const label = JSON.stringify(attrs).slice(0, 80);
    const problems = await inspect(page, fields, label).catch((e) => [`${label}: ${e.message}`]);
    if (seen.errors.length) problems.push(`${label}: uncaught errors ${JSON.stringify(seen.errors)}`);
    if (seen.dialogs.length) problems.push(`${label}: dialogs ${JSON.stringify(seen.dialogs)}`);
    all.push(...problems);
    await page.close();
  }
  assert.deepEqual(all, []);

  // The API: keys are data, and every bad argument names its field.
  const page = await env.ctx.newPage();
  const seen = watch(page);
  await page.goto(`${env.server.base}/www/blank.html`);
  const out = await page.evaluate(async () => {
    await import('/www/supernode-sim.js');
    const el = document.createElement('supernode-sim');
    el.setAttribute('height', '200');
    document.body.append(el);
    await el.ready;
    const tryIt = (f) => {
      try {
        f();
        return null;
      } catch (e) {
        return e.message;
      }
    };
    return {
      proto: tryIt(() => el.setParams(JSON.parse('{"__proto__": {"polluted": 1}}'))),
      ctor: tryIt(() => el.setParams(JSON.parse('{"constructor": {"prototype": {"polluted": 1}}}'))),
      partial: tryIt(() => el.setParams({ 'mega.count': 9, 'failsafe.threshold': 1e9 })),
      megaAfter: JSON.parse(el.sim.params()).mega.count,
      seek: tryIt(() => el.seek('soon')),
      seekBig: tryIt(() => el.seek(1e12)),
      compare: tryIt(() => el.compare('__proto__', 1, 2)),
      polluted: {}.polluted,
    };
  });
  assert.match(out.proto, /__proto__/);
  assert.match(out.ctor, /constructor/);
  assert.match(out.partial, /failsafe\.threshold/);
  assert.notEqual(out.megaAfter, 9, 'a call with one bad key applied the others');
  assert.match(out.seek, /time: 'soon' is not allowed/);
  assert.match(out.seekBig, /time: '1000000000000' is not allowed/);
  assert.match(out.compare, /__proto__/);
  assert.equal(out.polluted, undefined);
  assert.deepEqual(seen.errors, []);
  await page.close();
});
