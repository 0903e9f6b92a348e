// The app page and embed.html: read the run from the URL
// (?scenario=…&seed=…&speed=…&t=…&controls=…&slow-motion=…&height=…&autoplay=…&theme=…&static=…
// &p.<key>=…&actions=…) and hand it to the <supernode-sim> element, which checks every value and
// reports bad ones. What each URL parameter means is defined once in Rust (src/inputs.rs); URL
// text only ever reaches attributes, never markup, and its keys never become object paths. The
// attributes are set as soon as the module is loaded, before the element builds its first run (it
// builds a task later), so the run is built once, with them.
//
// In a frame, the page tells its parent how tall its content is whenever that changes (see
// `HEIGHT_MESSAGE`), so that the host can size the iframe to fit.
import './supernode-sim.js';
import { readQuery } from './wasm.js';
import { formatClock } from './chart.js';

/** The `type` of the message a framed page posts to its parent: `{type, height}`, the content's
 * height in CSS pixels (a whole number). The README gives the few lines a host needs. */
export const HEIGHT_MESSAGE = 'supernode-sim:height';

const el = document.getElementById('sim');
const box = document.getElementById('url-errors');

/** Posts the content's height to the parent frame, once per change. */
function reportHeight() {
  if (window.parent === window) return;
  let last = -1;
  const send = () => {
    const h = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (h === last) return;
    last = h;
    window.parent.postMessage({ type: HEIGHT_MESSAGE, height: h }, '*');
  };
  new ResizeObserver(send).observe(document.documentElement);
  send();
}

/** Replaces the element with a still picture of its moment (the network as the element draws it,
 * with a caption of the time and the figures), once the run has reached it; the element's runs
 * end with it. */
async function showStill() {
  await el.ready;
  // The element computes its way to the moment in slices; wait until it is there, or until it
  // stops moving (a time the element refused leaves it at 0, named in its panel).
  const target = Number(el.getAttribute('time'));
  let [last, since] = [-1, performance.now()];
  for (;;) {
    await el.settled();
    const t = el.snapshot()?.t_s ?? 0;
    if (!(t < target)) break;
    if (t !== last) [last, since] = [t, performance.now()];
    else if (performance.now() - since > 3000) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const blob = await el.exportPng();
  const img = document.createElement('img');
  img.src = URL.createObjectURL(blob);
  const snap = el.snapshot();
  // The time as the element's clock reads it: from the scenario's trigger.
  const words = `${snap.scenario} at ${formatClock(snap.t_s, snap.trigger_s)}: `
    + `${Math.round((100 * snap.clients_online) / Math.max(1, snap.clients_total))}% of clients online, `
    + `${snap.supernodes_up.toLocaleString('en')} supernodes serving`;
  img.alt = `supernode-sim, ${words}`;
  // A page whose Content-Security-Policy has no `img-src blob:` refuses the picture: the live
  // element then stays, paused at its moment.
  await img.decode();
  const figure = document.createElement('figure');
  figure.className = 'still';
  const caption = document.createElement('figcaption');
  caption.textContent = words;
  figure.append(img, caption);
  el.replaceWith(figure);
  document.documentElement.dataset.still = 'ready';
}

try {
  const { attributes, errors } = await readQuery(location.search, el);
  let still = false;
  for (const [name, value] of attributes) {
    if (name === 'static') {
      // A page option, not the element's: checked here by the same description of the inputs.
      still = value === '1' || value === '';
      continue;
    }
    el.setAttribute(name, value);
  }
  // The page's own colours follow the element's theme.
  const theme = el.getAttribute('theme');
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
  if (still) {
    el.setAttribute('controls', 'none');
    el.setAttribute('autoplay', 'off');
    el.setAttribute('slow-motion', 'off');
    showStill().catch(() => {
      // The element stays (it says in its own panel if it could not start).
      document.documentElement.dataset.still = 'failed';
    });
  }
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

reportHeight();

// The embed view links back to the full page with the same run.
const full = document.getElementById('open-full');
if (full) {
  const u = new URL('index.html', location.href);
  u.search = location.search;
  full.href = u.toString();
}
