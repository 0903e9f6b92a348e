// The app page and embed.html: read the run from the URL
// (?scenario=…&seed=…&speed=…&t=…&controls=…&slow-motion=…&height=…&autoplay=…&p.<key>=…&actions=…)
// and hand it to the <supernode-sim> element, which checks every value and reports bad ones.
// What each URL parameter means is defined once in Rust (src/inputs.rs); URL text only ever
// reaches attributes, never markup, and its keys never become object paths. The attributes are
// set as soon as the module is loaded, before the element builds its first run (it builds a task
// later), so the run is built once, with them.
import { readQuery } from './supernode-sim.js';

const el = document.getElementById('sim');
const box = document.getElementById('url-errors');

try {
  const { attributes, errors } = await readQuery(location.search, el);
  for (const [name, value] of attributes) el.setAttribute(name, value);
  if (box && errors.length) {
    for (const m of errors) {
      const li = document.createElement('li');
      li.textContent = m;
      box.append(li);
    }
    box.hidden = false;
  }
} catch {
  // The module could not load: the element says why in its own panel.
}

// The embed view links back to the full page with the same run.
const full = document.getElementById('open-full');
if (full) {
  const u = new URL('index.html', location.href);
  u.search = location.search;
  full.href = u.toString();
}
