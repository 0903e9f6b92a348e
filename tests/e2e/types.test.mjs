// The element's type declarations (www/supernode-sim.d.ts) keep up with its code: every public
// method and getter of the class is declared, every observed attribute documented, every event
// it emits has a detail type, and the tag is in HTMLElementTagNameMap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { manifestText } from '../../tools/custom-elements.mjs';

const shellJs = readFileSync(join(ROOT, 'www', 'supernode-sim.js'), 'utf8');
const implJs = readFileSync(join(ROOT, 'www', 'element.js'), 'utf8');
const dts = readFileSync(join(ROOT, 'www', 'supernode-sim.d.ts'), 'utf8');
/** The text of the class declared as `export class <name>` in `js`. */
function classText(js, name) {
  const body = js.slice(js.indexOf(`export class ${name}`));
  return body.slice(0, body.search(/^}/m));
}
/** The defined element (the poster until revealed) and the revealed instance's class. */
const shell = classText(shellJs, 'SupernodeSim ');
const cls = classText(implJs, 'SupernodeSimElement');
/** Public methods and getters declared in a class's text. */
function members(text) {
  const names = new Set();
  for (const m of text.matchAll(/^ {2}(?:async |get |static )?([a-zA-Z]\w*)\s*(?:\(|=)/gm)) names.add(m[1]);
  return names;
}
/** The attributes the defined element observes. */
function observed() {
  const list = shellJs.match(/const OBSERVED = (\[[^\]]*\])/)[1];
  return JSON.parse(list.replace(/'/g, '"').replace(/\s+/g, ' ').replace(/, \]/, ']'));
}
/** Internal members kept public for tests and benchmarks, not for embedders. */
const INTERNAL = new Set(['sim', 'constructor', 'connectedCallback', 'disconnectedCallback', 'attributeChangedCallback']);

test('every public method and getter of the element is declared, and answered before it is revealed', () => {
  const names = members(cls);
  for (const n of members(shell)) names.add(n);
  const early = members(shell);
  const unanswered = [...members(cls)].filter((n) => !INTERNAL.has(n) && !early.has(n));
  assert.deepEqual(unanswered, [], `the poster (supernode-sim.js) lacks: ${unanswered.join(', ')}`);
  const missing = [...names].filter((n) => !INTERNAL.has(n) && !new RegExp(`\\b${n}\\b[?]?[(:]`).test(dts));
  assert.ok(names.size > 10, [...names].join(', '));
  assert.deepEqual(missing, [], `not declared in supernode-sim.d.ts: ${missing.join(', ')}`);
});

test('every observed attribute is documented, every emitted event has a detail type, and the tag is mapped', () => {
  const attrs = observed();
  for (const a of attrs) assert.match(dts, new RegExp('`' + a + '`'), `attribute ${a}`);
  const events = new Set([...cls.matchAll(/#emit\('(\w+)'/g)].map((m) => m[1]));
  assert.ok(events.size >= 3);
  for (const e of events) assert.match(dts, new RegExp(`^\\s*${e}: CustomEvent<\\w+>;`, 'm'), `event ${e}`);
  assert.match(dts, /interface HTMLElementTagNameMap \{\s*'supernode-sim': SupernodeSimElement;/);
});

test('custom-elements.json is what tools/custom-elements.mjs writes, and lists every observed attribute', async () => {
  const committed = readFileSync(join(ROOT, 'custom-elements.json'), 'utf8');
  assert.equal(committed, await manifestText(), 'custom-elements.json is stale: run `make manifest`');
  const el = JSON.parse(committed).modules[0].declarations[0];
  assert.equal(el.tagName, 'supernode-sim');
  const attrs = observed();
  assert.deepEqual(el.attributes.map((a) => a.name).sort(), [...attrs].sort());
  for (const m of ['play', 'seek', 'setParams', 'snapshot', 'ready']) assert.ok(el.members.some((x) => x.name === m), m);
  assert.deepEqual(el.events.map((e) => e.name).sort(), ['narration', 'statechange', 'tick']);
  assert.ok(el.cssParts.length >= 2);
});
