// The app page and embed.html: read the run from the URL
// (?scenario=…&seed=…&speed=…&t=…&controls=…&slow-motion=…&p.<key>=…&actions=…) and hand it to the
// <supernode-sim> element, which checks every value and reports bad ones. URL text only ever
// reaches attributes, never markup.
import './supernode-sim.js';

const el = document.getElementById('sim');
const q = new URLSearchParams(location.search);
const attr = { scenario: 'scenario', seed: 'seed', speed: 'speed', t: 'time', time: 'time', controls: 'controls', actions: 'actions', height: 'height', 'slow-motion': 'slow-motion' };
for (const [k, a] of Object.entries(attr)) if (q.has(k)) el.setAttribute(a, q.get(k));
const params = {};
for (const [k, v] of q) if (k.startsWith('p.')) params[k.slice(2)] = v;
if (Object.keys(params).length) el.setAttribute('params', JSON.stringify(params));
if (q.has('autoplay') || !q.has('t')) el.setAttribute('autoplay', '');

// The embed view links back to the full page with the same run.
const full = document.getElementById('open-full');
if (full) {
  const u = new URL('index.html', location.href);
  u.search = location.search;
  full.href = u.toString();
}
