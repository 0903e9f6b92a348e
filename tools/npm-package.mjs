#!/usr/bin/env node
// Builds the npm package a bundler-free page can load: the wasm-pack output (pkg/) and the
// element's files (www/), in the same layout as the repository, so the element's relative
// imports keep working. `make npm-package` runs it after `make pkg`; it writes
// dist/supernode-sim-<version>.tgz with `npm pack`.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manifest } from './custom-elements.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const version = readFileSync(join(root, 'Cargo.toml'), 'utf8').match(/^version = "([^"]+)"/m)[1];
const out = join(root, 'dist', 'npm');
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'pkg'), { recursive: true });
mkdirSync(join(out, 'www'), { recursive: true });
for (const f of ['supernode_sim.js', 'supernode_sim_bg.wasm', 'supernode_sim.d.ts', 'supernode_sim_bg.wasm.d.ts']) {
  cpSync(join(root, 'pkg', f), join(out, 'pkg', f));
}
// The posters a lazy element shows until it starts (drawn by `make pkg`).
cpSync(join(root, 'pkg', 'posters'), join(out, 'pkg', 'posters'), { recursive: true });
// The shipped marks (tens of megabytes) stay out of the package: an empty index says there are
// none, so a link far into a run computes its way there. A site that wants them copies
// pkg/marks/ from a build of the same version (`make pkg`).
mkdirSync(join(out, 'pkg', 'marks'), { recursive: true });
writeFileSync(join(out, 'pkg', 'marks', 'index.json'), '{}\n');
// The element and every module it imports from www/ (followed from its import lines and the
// worker's `new URL(…, import.meta.url)`, so a new module is packed without a list to keep up to
// date).
const modules = new Set();
const follow = (f) => {
  if (modules.has(f)) return;
  modules.add(f);
  const src = readFileSync(join(root, 'www', f), 'utf8');
  for (const m of src.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]\.\/([\w.-]+\.js)['"]/gm)) follow(m[1]);
  // Modules imported when needed: the element's code, when an instance is revealed.
  for (const m of src.matchAll(/\bimport\(\s*['"]\.\/([\w.-]+\.js)['"]\s*\)/g)) follow(m[1]);
  // Modules started by URL rather than imported: the runs' Web Worker.
  for (const m of src.matchAll(/new URL\(\s*['"]\.\/([\w.-]+\.js)['"]\s*,\s*import\.meta\.url\s*\)/g)) follow(m[1]);
};
follow('supernode-sim.js');
for (const f of modules) cpSync(join(root, 'www', f), join(out, 'www', f));
cpSync(join(root, 'www', 'supernode-sim.d.ts'), join(out, 'www', 'supernode-sim.d.ts'));
// The Custom Elements Manifest, written afresh (the same as the repository's, which a test keeps
// current), and the package's README from it.
const cem = await manifest();
writeFileSync(join(out, 'custom-elements.json'), JSON.stringify(cem, null, 2) + '\n');
const el = cem.modules[0].declarations[0];
writeFileSync(
  join(out, 'package.json'),
  JSON.stringify(
    {
      name: 'supernode-sim',
      version,
      description: 'A <supernode-sim> web component: Skype\'s supernode network falling over and coming back (December 2010, September 2015), simulated in WebAssembly.',
      license: 'MIT',
      type: 'module',
      main: 'www/supernode-sim.js',
      module: 'www/supernode-sim.js',
      types: 'www/supernode-sim.d.ts',
      exports: { '.': { types: './www/supernode-sim.d.ts', default: './www/supernode-sim.js' }, './pkg/*': './pkg/*' },
      customElements: 'custom-elements.json',
      files: ['www/', 'pkg/', 'README.md', 'custom-elements.json'],
      sideEffects: ['./www/supernode-sim.js'],
      keywords: ['web-component', 'simulation', 'p2p', 'skype', 'webassembly', 'resilience'],
    },
    null,
    2,
  ) + '\n',
);
const rows = (list, f) => list.map(f).join('\n');
writeFileSync(
  join(out, 'README.md'),
  `# supernode-sim (web component)

Skype's supernode network falling over and coming back (December 2010, September 2015),
simulated in WebAssembly, as a \`<supernode-sim>\` element. Load the module, then use it:

\`\`\`html
<script type="module" src="node_modules/supernode-sim/www/supernode-sim.js"></script>
<supernode-sim scenario="skype-2010" controls="minimal" autoplay></supernode-sim>
\`\`\`

Serve the files over HTTP (WebAssembly does not load from \`file://\`). The runs compute in a Web
Worker; a page whose Content-Security-Policy allows no worker gets them on its own thread, with a
notice. Types: \`www/supernode-sim.d.ts\`; every attribute, member, event and CSS part:
\`custom-elements.json\`.

A link far into the 2010 or 2015 replay computes its way there (about a simulated hour a second
or two). To have it open at once, copy \`pkg/marks/\` from a build of the same version (\`make pkg\`
in the repository): the marks of the incident scenarios' default runs, every simulated hour.

## Attributes

| attribute | meaning |
|---|---|
${rows(el.attributes, (a) => `| \`${a.name}\` | ${a.description.replace(/\|/g, '\\|')} |`)}

## Methods and properties

${rows(el.members, (m) => `- \`${m.name}${m.kind === 'method' ? `(${m.parameters.map((p) => p.name).join(', ')})` : ''}\`: ${m.description}`)}

## Events

${rows(el.events, (e) => `- \`${e.name}\` (${e.type.text}): ${e.description}`)}

## CSS parts

${rows(el.cssParts, (p) => `- \`::part(${p.name})\`: ${p.description}`)}
`,
);
const tgz = execFileSync('npm', ['pack', '--pack-destination', join(root, 'dist')], { cwd: out }).toString().trim().split('\n').pop();
console.log(join('dist', tgz));
