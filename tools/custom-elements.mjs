#!/usr/bin/env node
// Writes custom-elements.json, the Custom Elements Manifest (schema 2.1.0) of <supernode-sim>,
// from the sources that already define each part, so that nothing is typed twice:
// - attributes: the description of the inputs in Rust (src/inputs.rs), read through the
//   WebAssembly module (pkg/, `make pkg`): name, what is allowed, default, meaning;
// - properties and methods: the class's declarations and doc comments in www/supernode-sim.d.ts;
// - events: its SupernodeSimEventMap, with the doc comments of their detail types;
// - CSS parts: the `part` attributes of the element's template (www/element-template.js), each
//   with a line below saying what it is.
// `make manifest` (or `node tools/custom-elements.mjs --write`) writes it; without --write it
// prints it. A browser-test file checks that the committed file is what this writes.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What each CSS part of the element's template is (a part missing here is an error). */
const PART_DOCS = {
  toolbar: 'The bar of buttons, menus and read-outs above the picture (hidden with controls="none").',
  timeline: 'The time slider under the picture, with the incident\'s chapters.',
  poster: 'The still picture with a play button shown until the element starts (see loading, reveal).',
  'view-tools': 'The picture\'s own buttons in its top-right corner: zoom in and out, the whole overlay, the by-state view, follow.',
};

/** The text of a doc comment, without its stars. */
function docText(comment) {
  return comment
    .split('\n')
    .map((l) => l.replace(/^\s*\/?\*+\/?\s?/, '').replace(/\*\/\s*$/, ''))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A parameter list split at its top-level commas (not those inside `<…>` or `{…}`). */
function topLevel(list) {
  const out = [];
  let [depth, cur] = [0, ''];
  for (const ch of list) {
    if ('<({['.includes(ch)) depth++;
    if ('>)}]'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((p) => p.trim()).filter(Boolean);
}

/** The manifest, as an object. */
export async function manifest() {
  const { initSync, inputs_json } = await import(join(ROOT, 'pkg', 'supernode_sim.js'));
  initSync({ module: readFileSync(join(ROOT, 'pkg', 'supernode_sim_bg.wasm')) });
  const inputs = JSON.parse(inputs_json());
  const dts = readFileSync(join(ROOT, 'www', 'supernode-sim.d.ts'), 'utf8');
  // The revealed element's template, and the poster's part (set from supernode-sim.js).
  const template = readFileSync(join(ROOT, 'www', 'element-template.js'), 'utf8')
    + readFileSync(join(ROOT, 'www', 'supernode-sim.js'), 'utf8').replace(/setAttribute\('part', '([\w-]+)'\)/g, 'part="$1"');

  const attributes = inputs
    .filter((i) => i.attribute)
    .map((i) => ({
      name: i.attribute,
      description: `${i.doc} Allowed: ${i.allowed}.`,
      type: { text: 'string' },
      default: JSON.stringify(i.default),
    }));

  // The class's members: each doc comment and the declaration after it.
  const classStart = dts.indexOf('export declare class SupernodeSimElement');
  const classDoc = docText(dts.slice(dts.lastIndexOf('/**', classStart), dts.lastIndexOf('*/', classStart) + 2));
  const body = dts.slice(dts.indexOf('{', classStart) + 1, dts.indexOf('\n}', classStart));
  const members = [];
  for (const m of body.matchAll(/\/\*\*([\s\S]*?)\*\/\s*\n\s*(readonly\s+)?(\w+)(\?)?(\(([^)]*)\))?\s*:\s*([^;]+);/g)) {
    const [, doc, readonly, name, , call, params, type] = m;
    if (call !== undefined) {
      members.push({
        kind: 'method',
        name,
        description: docText(doc),
        parameters: topLevel(params)
          .map((p) => {
            const [, pn, opt, pt] = p.match(/^(\w+)(\?)?\s*:\s*(.+)$/);
            return { name: pn, type: { text: pt }, ...(opt ? { optional: true } : {}) };
          }),
        return: { type: { text: type.trim() } },
      });
    } else {
      members.push({ kind: 'field', name, description: docText(doc), type: { text: type.trim() }, ...(readonly ? { readonly: true } : {}) });
    }
  }

  // Events: the event map's entries, described by their detail type's doc comment.
  const map = dts.slice(dts.indexOf('interface SupernodeSimEventMap'), dts.indexOf('}', dts.indexOf('interface SupernodeSimEventMap')));
  const events = [...map.matchAll(/^\s*(\w+): CustomEvent<(\w+)>;/gm)].map(([, name, detail]) => {
    const at = dts.indexOf(`export interface ${detail}`);
    const doc = docText(dts.slice(dts.lastIndexOf('/**', at), dts.lastIndexOf('*/', at) + 2));
    return { name, type: { text: `CustomEvent<${detail}>` }, description: doc };
  });

  const cssParts = [...template.matchAll(/\bpart="([\w-]+)"/g)].map(([, name]) => {
    if (!PART_DOCS[name]) throw new Error(`tools/custom-elements.mjs: the CSS part '${name}' has no description in PART_DOCS`);
    return { name, description: PART_DOCS[name] };
  });

  const declaration = {
    kind: 'class',
    name: 'SupernodeSim',
    tagName: 'supernode-sim',
    customElement: true,
    description: classDoc,
    superclass: { name: 'HTMLElement' },
    attributes,
    members,
    events,
    cssParts,
  };
  return {
    schemaVersion: '2.1.0',
    readme: 'README.md',
    modules: [
      {
        kind: 'javascript-module',
        path: 'www/supernode-sim.js',
        declarations: [declaration],
        exports: [
          { kind: 'js', name: 'SupernodeSim', declaration: { name: 'SupernodeSim', module: 'www/supernode-sim.js' } },
          { kind: 'custom-element-definition', name: 'supernode-sim', declaration: { name: 'SupernodeSim', module: 'www/supernode-sim.js' } },
        ],
      },
    ],
  };
}

/** The manifest as the file holds it. */
export async function manifestText() {
  return JSON.stringify(await manifest(), null, 2) + '\n';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = await manifestText();
  if (process.argv.includes('--write')) {
    writeFileSync(join(ROOT, 'custom-elements.json'), text);
    console.log('custom-elements.json');
  } else {
    process.stdout.write(text);
  }
}
