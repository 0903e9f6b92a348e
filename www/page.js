// The app page: reads the run from the URL (?scenario=…&seed=…&speed=…&t=…&p.<key>=…) and
// hands it to the <supernode-sim> element, which checks every value and reports bad ones.
import './supernode-sim.js';

const el = document.getElementById('sim');
const q = new URLSearchParams(location.search);
const attr = { scenario: 'scenario', seed: 'seed', speed: 'speed', t: 'time', time: 'time' };
for (const [k, a] of Object.entries(attr)) if (q.has(k)) el.setAttribute(a, q.get(k));
const params = {};
for (const [k, v] of q) if (k.startsWith('p.')) params[k.slice(2)] = v;
if (Object.keys(params).length) el.setAttribute('params', JSON.stringify(params));
if (q.has('autoplay') || !q.has('t')) el.setAttribute('autoplay', '');
