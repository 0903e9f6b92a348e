// <supernode-sim>: the simulation as a custom element. The app page (index.html) is one of these
// with full controls; blog posts embed as many as they like.
//
// This is the module a page loads, and all it loads before an instance is revealed: it defines
// the element, which shows a poster (a still of its scenario's most telling moment, drawn at
// build time by the project's renderer: pkg/posters/<scenario>.png, or the `poster` attribute)
// with a play button. The element's code (element.js and what it imports) and the WebAssembly
// module are fetched when an instance is revealed:
//   - loading="lazy" (default): when it nears the viewport; loading="eager": at once;
//   - then, with reveal="auto" (default), the instance starts; with reveal="interaction" it
//     keeps its poster until a click (or Enter, Space) on it;
//   - and whenever a method is called (play, seek, …) or `reveal()`.
// Revealing turns the element into a working instance in place (element.js), so a page's
// references, attributes and listeners stay valid. Until then its methods wait for that, and
// `snapshot()`, `shareLink()` and `embedCode()` return null.
//
// Attributes (observed live): scenario, seed, speed, time, autoplay, controls, params, scale,
// height, actions, keyboard, slow-motion, theme, loading, reveal, poster. What each allows is
// defined once in Rust (src/inputs.rs; `supernode-sim inputs`) and checked when the instance
// starts (a bad value is named then); before, an unknown `loading` or `reveal` counts as its
// default. Types: supernode-sim.d.ts.

import { POSTERS } from '../pkg/posters/posters.js';

/** Every attribute the element observes (the revealed element handles them; see element.js). */
const OBSERVED = ['scenario', 'seed', 'speed', 'time', 'autoplay', 'controls', 'params', 'scale', 'height', 'actions',
  'slow-motion', 'keyboard', 'theme', 'loading', 'reveal', 'poster', 'follow', 'view'];
/** How near the viewport a lazy instance starts loading (CSS margin around the viewport). */
const NEAR = '300px 0px';
/** Attributes of the host page's root element that say its theme (see `hostTheme`). */
export const HOST_THEME_ATTRIBUTES = ['class', 'style', 'data-theme', 'data-bs-theme'];
/** Classes on the host page's root element that say it is dark: Tailwind's and many Hugo themes'
 * `dark`, mdBook's dark themes. */
const HOST_DARK_CLASSES = ['dark', 'coal', 'navy', 'ayu'];
/** Classes that say it is light: mdBook's light themes, and `light`. */
const HOST_LIGHT_CLASSES = ['light', 'rust'];

/** What the host page says its theme is, `'dark'`, `'light'` or null (it does not say): in order,
 * `data-theme` or `data-bs-theme` on its root element, a theme class there (Tailwind, mdBook,
 * many Hugo themes), or a single `color-scheme` (not "light dark", which leaves it to the
 * reader). The poster and the running element both read it. */
export function hostTheme() {
  const root = document.documentElement;
  const cls = root.classList;
  const scheme = getComputedStyle(root).colorScheme.trim();
  return [root.dataset.theme, root.dataset.bsTheme].find((v) => v === 'dark' || v === 'light')
    ?? (HOST_DARK_CLASSES.some((c) => cls.contains(c)) ? 'dark' : HOST_LIGHT_CLASSES.some((c) => cls.contains(c)) ? 'light' : null)
    ?? (scheme === 'dark' || scheme === 'light' ? scheme : null);
}

/** Where the posters `make pkg` draws are (one per scenario, listed in `POSTERS`). */
const POSTER_DIR = new URL('../pkg/posters/', import.meta.url);
/** The performance mark set when the page first shows a poster. */
const POSTER_MARK = 'supernode-sim:poster';
/** The picture's height when the `height` attribute does not say (as the element's stylesheet):
 * in an element wider than `NARROW_ELEMENT_PX`, and in one as narrow or narrower. */
const DEFAULT_HEIGHT_PX = 520;
const DEFAULT_HEIGHT_NARROW_PX = 360;
const NARROW_ELEMENT_PX = 760;
/** What the element adds to its picture's height with controls (toolbar and timeline), and in a
 * narrow column (its legend and the picture's tools, under the picture; its toolbar on two
 * lines): measured, and held by a browser test. */
const CONTROLS_EXTRA_PX = 121;
const NARROW_LEGEND_PX = 95 + 41;
const NARROW_TOOLBAR_PX = 56;
/** In an element no wider than `NARROW_ELEMENT_PX`, the toolbar's clock goes on a line of its own
 * (in a narrow column, `NARROW_TOOLBAR_PX` includes it). */
const CLOCK_LINE_PX = 50;

const POSTER_CSS = `
:host { display: block; position: relative; font: 14px/1.4 system-ui, sans-serif; color: #1b1b1b; container-type: inline-size; }
.poster { all: unset; box-sizing: border-box; display: block; position: relative; width: 100%;
  height: calc(var(--poster-h, ${DEFAULT_HEIGHT_PX}px) + var(--poster-extra, 2px));
  border: 1px solid #d8d8d2; border-radius: 8px; background: #fbfbf8; overflow: hidden; cursor: pointer; }
.poster:focus-visible { outline: 3px solid #0d45ce; outline-offset: 2px; }
.poster img { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: contain; }
.play { position: absolute; left: 50%; top: 50%; width: 76px; height: 76px; margin: -38px 0 0 -38px; border-radius: 50%;
  background: #0d45ce; box-shadow: 0 2px 10px #0005; transition: transform .15s; }
.play::after { content: ''; position: absolute; left: 30px; top: 22px; border-style: solid; border-width: 16px 0 16px 26px;
  border-color: transparent transparent transparent #fff; }
.poster:hover .play, .poster:focus-visible .play { transform: scale(1.08); }
.label { position: absolute; left: 12px; bottom: 10px; padding: 4px 10px; border-radius: 6px; background: #fffe; color: #1b1b1b; }
.loading .play { animation: pulse 1s ease-in-out infinite alternate; }
@keyframes pulse { from { opacity: 1; } to { opacity: .45; } }
@media (prefers-reduced-motion: reduce) { .loading .play { animation: none; } }
.poster.dark { border-color: #2a313b; background: #0f1115; }
.poster.dark .play { background: #5682ef; }
.poster.dark .label { background: #161a20ee; color: #e6e8eb; }
/* Where the element will put its legend under the picture (a narrow column), the poster is as
   tall too, so the page does not move when the element starts (a test compares the heights). */
@container (max-width: ${NARROW_ELEMENT_PX}px) {
  .poster { height: calc(var(--poster-h, ${DEFAULT_HEIGHT_NARROW_PX}px) + var(--poster-extra, 2px) + var(--poster-clock, 0px)); }
}
@container (max-width: 500px) {
  .poster { height: calc(var(--poster-h, ${DEFAULT_HEIGHT_NARROW_PX}px) + var(--poster-extra, 2px) + var(--poster-narrow, 95px)); }
}
.failed { padding: 12px; border: 1px solid #d83e4a; border-radius: 8px; background: #fff5f5; }
`;

/** The implementation class, once element.js is loaded (shared by every instance). */
let Impl = null;
let loadingImpl = null;

function loadImpl() {
  loadingImpl ??= import('./element.js').then((m) => (Impl = m.SupernodeSimElement));
  return loadingImpl;
}

/** The defined element: a poster until revealed, then (same object) a working instance. */
export class SupernodeSim extends HTMLElement {
  static observedAttributes = OBSERVED;

  #upgraded = false;
  /** A promise of the reveal, once asked for. */
  #revealing = null;
  /** Resolves once the instance is revealed (its code loaded and it turned into an instance). */
  #upgradedSignal;
  #markUpgraded;
  #markFailed;
  #near = null;

  constructor() {
    super();
    this.#upgradedSignal = new Promise((resolve, reject) => {
      this.#markUpgraded = resolve;
      this.#markFailed = reject;
    });
    // Nobody has to wait for it: a failure is shown in place of the poster.
    this.#upgradedSignal.catch(() => {});
    const root = this.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = POSTER_CSS;
    const button = document.createElement('button');
    button.className = 'poster';
    button.setAttribute('part', 'poster');
    button.type = 'button';
    const img = document.createElement('img');
    img.alt = '';
    img.decoding = 'async';
    img.loading = 'lazy';
    // A poster that is missing (an unknown scenario, a poster never drawn) leaves the plain box.
    img.addEventListener('error', () => (img.hidden = true));
    // For measurements (make bench-web, the tests): when the page first showed a poster.
    img.addEventListener('load', () => {
      if (!performance.getEntriesByName(POSTER_MARK).length) performance.mark(POSTER_MARK);
    });
    const play = document.createElement('span');
    play.className = 'play';
    const label = document.createElement('span');
    label.className = 'label';
    button.append(img, play, label);
    button.addEventListener('click', () => this.#reveal(true));
    root.append(style, button);
  }

  // ---- lifecycle (the revealed element's, once revealed) ---------------------------------

  connectedCallback() {
    if (this.#upgraded) return Impl.prototype.connectedCallback.call(this);
    this.#drawPoster();
    // `loading` says when to fetch the code (eager: now; lazy: near the viewport), `reveal`
    // whether it then starts by itself (auto) or waits for the reader (interaction).
    const auto = this.getAttribute('reveal') !== 'interaction';
    // A failure to load shows in place of the poster (and rejects `ready`).
    const when = () => (auto ? this.#reveal(false) : loadImpl()).catch(() => {});
    if (this.getAttribute('loading') === 'eager') {
      when();
      return;
    }
    this.#near ??= new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        this.#near.disconnect();
        when();
      }
    }, { rootMargin: NEAR });
    this.#near.observe(this);
  }

  disconnectedCallback() {
    if (this.#upgraded) return Impl.prototype.disconnectedCallback.call(this);
    this.#near?.disconnect();
  }

  attributeChangedCallback(name, oldV, newV) {
    if (this.#upgraded) return Impl.prototype.attributeChangedCallback.call(this, name, oldV, newV);
    if (['scenario', 'poster', 'height', 'theme', 'controls'].includes(name)) this.#drawPoster();
    if ((name === 'loading' || name === 'reveal') && this.isConnected) {
      this.#near?.disconnect();
      this.connectedCallback();
    }
  }

  // ---- the poster ------------------------------------------------------------------------

  #drawPoster() {
    const button = this.shadowRoot?.querySelector('.poster');
    // Drawn once in the page (an element made by a script gets its attributes first).
    if (!button || !this.isConnected) return;
    const scenario = this.getAttribute('scenario') || 'skype-2010';
    // Only a known scenario has a poster (an unknown one is named when the element starts).
    const known = Object.hasOwn(POSTERS, scenario) ? POSTERS[scenario] : null;
    const given = this.getAttribute('poster')?.trim();
    const img = button.querySelector('img');
    // The theme as the attribute says, else as the host page says, else as the reader's system
    // asks (as the running element decides).
    const theme = this.getAttribute('theme');
    const auto = () => (hostTheme() ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light')) === 'dark';
    const dark = theme === 'dark' || (theme !== 'light' && auto());
    button.classList.toggle('dark', dark);
    const src = given || (known ? new URL(dark ? known.dark : known.file, POSTER_DIR).href : '');
    img.hidden = !src;
    if (src) img.src = src;
    else img.removeAttribute('src');
    img.alt = known ? `${known.title}: the network at its most telling moment` : '';
    const h = Number.parseFloat(this.getAttribute('height') ?? '');
    // Without a (valid) height, the stylesheet's default for the element's width.
    if (Number.isFinite(h) && h >= 120 && h <= 4000) button.style.setProperty('--poster-h', `${h}px`);
    else button.style.removeProperty('--poster-h');
    // What the element adds around its picture: the toolbar and the timeline with controls (for
    // `full`, the read-outs and the chart add more, which a poster does not guess).
    const bare = this.getAttribute('controls') === 'none';
    button.style.setProperty('--poster-extra', `${bare ? 2 : CONTROLS_EXTRA_PX}px`);
    button.style.setProperty('--poster-clock', `${bare ? 0 : CLOCK_LINE_PX}px`);
    button.style.setProperty('--poster-narrow', `${bare ? NARROW_LEGEND_PX : NARROW_LEGEND_PX + NARROW_TOOLBAR_PX}px`);
    const title = known ? known.title : scenario;
    button.setAttribute('aria-label', `Start the simulation: ${title}`);
    button.querySelector('.label').textContent = `▶ Run the simulation · ${title}`;
  }

  /** Loads the element's code and turns this poster into a working instance. `byReader`: the
   * reader asked (a click), so it plays at once. */
  #reveal(byReader) {
    this.#revealing ??= (async () => {
      this.#near?.disconnect();
      this.shadowRoot.querySelector('.poster')?.classList.add('loading');
      try {
        await loadImpl();
      } catch (e) {
        const box = document.createElement('div');
        box.className = 'failed';
        box.setAttribute('role', 'alert');
        box.textContent = `Could not load the simulation's code (${e?.message ?? e}).`;
        this.shadowRoot.querySelector('.poster')?.replaceWith(box);
        this.#markFailed(e);
        throw e;
      }
      Object.setPrototypeOf(this, Impl.prototype);
      new Impl(this); // adds the instance's fields to this element (see element.js)
      this.#upgraded = true;
      if (this.isConnected) Impl.prototype.connectedCallback.call(this);
      this.#markUpgraded();
    })();
    if (byReader) this.#revealing.then(() => this.ready).then(() => this.play(), () => {});
    return this.#revealing;
  }

  /** Calls `name` on the instance once it has started and built its first run, starting it if
   * need be: a promise of what it returns. */
  #after(name, args) {
    return this.#reveal(false).then(() => this.ready).then(() => this[name](...args));
  }

  /** The same for a method that returns nothing: a bad argument (which the running element would
   * have thrown at once) is reported in the console; a failure to start is shown in the element's
   * own panel. */
  #later(name, args) {
    this.#reveal(false).then(() => this.ready).then(
      () => {
        try {
          this[name](...args);
        } catch (e) {
          console.error(`supernode-sim: ${name}(): ${e?.message ?? e}`);
        }
      },
      () => {},
    );
  }

  // ---- the API before the instance is revealed (the revealed element's own replace these) --

  /** Starts the instance now if it still shows its poster; resolves as `ready` does. */
  reveal() {
    return this.#reveal(false).then(() => this.ready);
  }

  /** Settles once the instance is revealed and its first run is built (rejects if its code could
   * not load). It does not reveal it. */
  get ready() {
    return this.#upgradedSignal.then(() => this.ready);
  }

  /** Frames drawn so far: none before it is revealed. */
  get framesDrawn() {
    return 0;
  }

  /** Where its runs compute: nowhere yet. */
  get runsIn() {
    return null;
  }

  /** Bytes of WebAssembly memory its runs use: none yet. */
  get memoryBytes() {
    return 0;
  }

  play() {
    this.#later('play', []);
  }

  pause() {
    // Nothing plays before it is revealed.
  }

  reset() {
    this.#later('reset', []);
  }

  seek(tS) {
    this.#later('seek', [tS]);
  }

  setParams(obj) {
    return this.#after('setParams', [obj]);
  }

  settled() {
    return this.#revealing ? this.#revealing.then(() => this.settled()) : Promise.resolve();
  }

  snapshot() {
    return null;
  }

  compare(key, a, b) {
    return this.#after('compare', [key, a, b]);
  }

  stopCompare() {
    // No comparison before it is revealed.
  }

  follow(i) {
    return this.#after('follow', [i]);
  }

  setByState(on) {
    this.#later('setByState', [on]);
  }

  shareLink() {
    return null;
  }

  embedCode() {
    return null;
  }

  exportPng() {
    return this.#after('exportPng', []);
  }

  exportCsv() {
    return this.#after('exportCsv', []);
  }

  exportJson() {
    return this.#after('exportJson', []);
  }

  recordClip(seconds) {
    return this.#after('recordClip', [seconds]);
  }

  perfSamples() {
    return [];
  }
}

if (!customElements.get('supernode-sim')) customElements.define('supernode-sim', SupernodeSim);
