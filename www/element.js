// The <supernode-sim> element's implementation, loaded when an instance is revealed
// (supernode-sim.js, the small module a page loads, defines the element and shows a poster until
// then; see there). The page compiles the WebAssembly module once; each instance's runs (A, and B
// when comparing) step and draw in its own Web Worker (run-client.js, run-host.js,
// run-worker.js), or on the page's thread where no worker can start. This file is the element's
// lifecycle, public API, clock and controls: it owns the DOM and requestAnimationFrame, asks the
// runs for ticks one request at a time, and reads a mirror of where they stand. Its markup is
// element-template.js, its styles element-css.js.
//
// Revealing an instance turns it into one of these in place: its prototype becomes this class's
// and `new SupernodeSimElement(host)` gives it this class's fields (see `Stamp`), so the element
// keeps its identity, attributes, listeners and place in the page.
//
// Attributes (observed live): scenario, seed, speed, time, autoplay (on | off), controls (full |
// minimal | none), params (JSON of overrides), scale, height, actions (JSON of what a user did,
// from a shared link), keyboard (local | global: shortcuts work anywhere on the page),
// slow-motion (on | off), theme, loading, reveal, poster, follow (a supernode or a client), view
// (map | states). What each allows is defined once in Rust (src/inputs.rs; `supernode-sim
// inputs`) and checked there.
// Methods: play(), pause(), reset(), seek(t_s), setParams(object), settled(), snapshot(),
// compare(key, a, b), stopCompare(), shareLink(base?), embedCode(), exportPng(), exportCsv(),
// exportJson(), recordClip(seconds), reveal(), follow(target), setByState(on). Properties: ready
// (a promise of the element once its first run is built), runsIn ('worker' | 'page'),
// memoryBytes. Zoom, pan, the by-state view and following: element-view.js. Seeks and a drag's
// previews: element-seek.js. The clock: element-clock.js. The keyboard shortcuts (and the help
// panel's list of them): element-keys.js. The tooltip and a click on a supernode:
// element-pointer.js. Where the legend goes: element-legend.js.
// Events: tick, narration, statechange. Types: supernode-sim.d.ts.

import { check_param, scenario_compare, record_json, check_input, check_overrides, nudge_speed } from '../pkg/supernode_sim.js';
import { RunClient } from './run-client.js';
import { messageOf } from './run-host.js';
import { loadWasm, missingWasmFeature } from './wasm.js';
import { Chart, CHART_SERIES, formatClock, formatValue } from './chart.js';
import { CSS } from './element-css.js';
import { Timeline } from './timeline.js';
import { TEMPLATE } from './element-template.js';
import { hex, fmtInt, fmtClients, simulatedClock, flatPairs } from './element-util.js';
import { ParamPanel, abInputsFor, paramValue } from './element-controls.js';
import { PictureView } from './element-view.js';
import { Clock } from './element-clock.js';
import { Seeker } from './element-seek.js';
import { commandFor } from './element-keys.js';
import { LegendPlacer } from './element-legend.js';
import { PicturePointer } from './element-pointer.js';
import { linkTo, embedCodeOf, exportName, pngOf, recordCanvas, copyText, download } from './element-share.js';

import { wasmMemoryBytes as pageMemoryBytes } from './wasm.js';
import { SupernodeSim, hostTheme, HOST_THEME_ATTRIBUTES } from './supernode-sim.js';

/** Bytes of WebAssembly memory the page's instances use together: the page's module (shared by
 * all, and home of the runs of any instance on the page's thread) and each worker's. For
 * benchmarks. */
export async function wasmMemoryBytes() {
  const els = [...document.querySelectorAll('supernode-sim')].filter((el) => el.runsIn === 'worker');
  return (await pageMemoryBytes()) + els.reduce((n, el) => n + el.memoryBytes, 0);
}

// Every input's range and meaning (speeds, times, seeds, attribute values) is defined once in
// Rust (src/inputs.rs) and read from the module: `check_input` decides, this file keeps no copy.
const STEP_S = 60;
/** Room the picture's row keeps for the side column to grow by a few lines without moving the
 * picture (`#fitRow`), in CSS pixels. */
const ROW_SLACK_PX = 48;
/** Most ticks one frame may run; past that the simulation runs slower than asked. */
const MAX_TICKS_PER_FRAME = 96;
/** Time one frame may spend stepping on the page's thread (where no worker could start), in ms, so
 * that step + draw fit a 60 fps frame. When the simulation is heavy (the 2010 collapse), it then
 * runs slower than the speed asked for. */
const STEP_BUDGET_MS = 9;
/** Time one request may spend stepping in the worker, in ms. When the model cannot keep up with
 * the clock (the 2010 cascade at a day per minute), each request steps this long, then draws
 * (a few ms at 1280×720): about 18 frames a second, most of the worker's time stepping. Measured
 * with `make bench-web`: 60 ms held 98% of a day per minute over the 2010 run (and through the
 * collapse) at 18 frames a second, 40 ms 93% (95%) at 20. When it can keep up, a request asks only
 * for the ticks real time owes, and frames come at the display's rate. */
const WORKER_STEP_BUDGET_MS = 60;
/** Time one slice of a seek may take: on the page's thread, and in the worker. */
const PAGE_SEEK_SLICE_MS = 25;
const WORKER_SEEK_SLICE_MS = 50;
/** Memory for the saved marks of every run on the page together (each run gets an equal share,
 * at most the 56 MB one run may use), so that several instances share one budget. */
const PAGE_MARKS_BUDGET_BYTES = 128 * 2 ** 20;
/** An instance taken out of the page keeps its runs this long (ms), in case it comes back (a move
 * in the DOM); then its worker ends, and if it comes back it builds the same run again (its start
 * parameters and action log) and goes to the same moment. */
const PARK_AFTER_MS = 10000;

/** A base class whose constructor hands back the element it is given, so that
 * `new SupernodeSimElement(host)` adds this class's fields to an element that already exists (the
 * poster the page created) instead of making a new one. Its prototype's parent is the defined
 * element's, so a revealed instance is still a `SupernodeSim` and an `HTMLElement`. */
class Stamp {
  constructor(host) {
    return host;
  }
}
Object.setPrototypeOf(Stamp.prototype, SupernodeSim.prototype);

export class SupernodeSimElement extends Stamp {
  #root;
  #els = {};
  #meta = null;
  /** The runs (A, and B when comparing): in a worker, or on this thread where none can start. */
  #runs = null;
  /** Run A's and B's mirrors: where each stands, read without waiting. */
  get #a() {
    return this.#runs?.a ?? null;
  }
  get #b() {
    return this.#runs?.b ?? null;
  }
  /** A frame's request is out (one at a time). */
  #inFlight = false;
  /** Real time into ticks, slow motion, the speed held (element-clock.js). */
  #clock = new Clock();
  /** The run the chart and log show (a view with another epoch is a new run). */
  #epoch = -1;
  /** What the element is still doing for earlier calls (see `settled`). */
  #queue = Promise.resolve();
  /** Page-thread time of the frame being made (ms), for the benchmarks. */
  #frameMs = 0;
  /** Ending the runs of an instance out of the page (see `PARK_AFTER_MS`), and what rebuilds them. */
  #parkTimer = 0;
  #parked = null;
  /** What the runs were last told about this instance being seen (see `#tellSeen`). */
  #toldSeen = null;
  #ctx = null;
  #chart = null;
  /** The timeline under the picture. */
  #timeline = null;
  /** The record's published points for the scenario (the timeline's chapters with the run's events). */
  #record = [];
  /** Connected instances of the page, which share the marks' budget. */
  static #live = new Set();

  /** Gives each run on the page (runs A and B of every connected instance) an equal share of the
   * page's budget for saved marks. */
  static #shareBudget() {
    const els = [...SupernodeSimElement.#live].filter((el) => el.#runs);
    const runs = els.reduce((n, el) => n + (el.#ab ? 2 : 1), 0);
    for (const el of els) el.#runs.request({ type: 'budget', bytes: PAGE_MARKS_BUDGET_BYTES / Math.max(1, runs) }).catch(() => {});
  }
  #playing = false;
  #raf = 0;
  #connected = false;
  #started = false;
  #visible = false; // until the IntersectionObserver says otherwise
  #pageVisible = true;
  #captionTimer = 0;
  /** The tooltip and a click on the picture (element-pointer.js). */
  #pointer = null;
  /** Zoom, pan, the by-state view and the followed supernode (element-view.js). */
  #view = null;
  #perf = [];
  #uiTick = 0;
  #errors = new Map();
  /** Seeks and a drag's previews (element-seek.js). */
  #seeker = null;
  #reducedMotion = null;
  #darkQuery = null;
  /** Watches the host page's own theme (a `dark` class or `data-theme` on its root element). */
  #hostThemeObs = null;
  #resizeObs = null;
  /** The element's width when the picture's row was last fitted to the side column (`#fitRow`). */
  #fittedWidth = -1;
  /** Where the legend goes (element-legend.js). */
  #legend = null;
  #interObs = null;
  #stageSize = { w: 0, h: 0, dpr: 1 };
  /** The size each run's picture was last given ('a', 'b'). */
  #sizes = {};
  #framesDrawn = 0;
  #lastTickEvent = -1;
  #dead = false;
  /** The parameter panel (element-controls.js). */
  #panel = null;
  #markColour = '#222';
  #ctxB = null;
  #ab = null;

  /** Settles when the first run is built (or the module fails to load). */
  #ready;
  #readyResolve = null;
  #readyReject = null;

  /** Makes `host` (a `<supernode-sim>` showing its poster, whose prototype is already this
   * class's) a working instance: its fields, its markup in the shadow root it has. */
  constructor(host) {
    super(host);
    this.#ready = new Promise((resolve, reject) => {
      this.#readyResolve = resolve;
      this.#readyReject = reject;
    });
    // Nobody has to wait for it: an unobserved failure is shown in the panel, not logged twice.
    this.#ready.catch(() => {});
    this.#root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    this.#root.replaceChildren();
    const style = document.createElement('style');
    style.textContent = CSS;
    this.#root.append(style);
    const tpl = document.createElement('template');
    tpl.innerHTML = TEMPLATE; // static markup only: no attribute or URL text goes through innerHTML
    this.#root.append(tpl.content.cloneNode(true));
    const q = (s) => this.#root.querySelector(s);
    Object.assign(this.#els, {
      errors: q('.errors'), scenario: q('#scenario'), play: q('.play'), step: q('.step'), reset: q('.reset'),
      speed: q('#speed'), seed: q('#seed'), help: q('.help'), helpBtn: q('.help-btn'), clockBig: q('.clock .big'),
      clockSmall: q('.clock .small'), stage: q('.stage'), side: q('.side'), legend: q('.legend'), canvas: q('canvas.overlay'), caption: q('.caption'),
      tip: q('.tip'), progress: q('.progress'), chart: q('canvas.chart'), readout: q('.readout'), log: q('.log'),
      params: q('.params'), notice: q('.actions .notice'), fatal: q('.fatal'), chartLegend: q('.chart-legend'),
      helpScenarios: q('.help-scenarios'), canvasB: q('canvas.overlay-b'), tagA: q('.ab-tag.a'), tagB: q('.ab-tag.b'),
      abKey: q('.ab-key'), abASlot: q('.ab-a-slot'), abBSlot: q('.ab-b-slot'), abStart: q('.ab-start'), abStop: q('.ab-stop'),
      abWords: q('.ab-words'), stageClock: q('.stage-clock'), branchWords: q('.branch-words'), runsNote: q('.runs-note'),
      viewTools: q('.view-tools'), groups: q('.groups'), story: q('.story'),
    });
    this.#els.readouts = Object.fromEntries([...this.#root.querySelectorAll('[data-r]')].map((e) => [e.dataset.r, e]));
    for (const s of CHART_SERIES) {
      const li = document.createElement('li');
      const ln = document.createElement('span');
      ln.className = 'ln';
      ln.style.background = `var(${s.color})`;
      li.append(ln, document.createTextNode(`${s.label} (${s.unit}${s.log ? ', log' : ''})`));
      this.#els.chartLegend.append(li);
    }
    const rec = document.createElement('li');
    rec.className = 'record-key';
    rec.textContent = '◇ published figure (point at it for the source)';
    this.#els.chartLegend.append(rec);
    const ghost = document.createElement('li');
    ghost.className = 'ghost-key';
    ghost.hidden = true;
    this.#els.chartLegend.append(ghost);
    this.#seeker = new Seeker({
      runs: () => this.#runs,
      a: () => this.#a,
      b: () => this.#b,
      progress: this.#els.progress,
      kick: () => this.#kick(),
      track: (p) => this.#track(p),
      restart: (t) => this.#newRun(this.#a.overrides()).then(() => this.seek(t)),
    });
    this.#wire();
  }

  // ---- lifecycle -------------------------------------------------------------------------

  connectedCallback() {
    this.#connected = true;
    clearTimeout(this.#parkTimer);
    if (this.#parked) this.#unpark();
    // Here, not in the constructor: a custom element's constructor may not add attributes
    // (`document.createElement('supernode-sim')` would throw).
    if (!this.hasAttribute('tabindex')) this.tabIndex = 0;
    SupernodeSimElement.#live.add(this);
    SupernodeSimElement.#shareBudget();
    if (!this.#started) {
      this.#started = true;
      loadWasm()
        // A task later: a page that reads its URL through the same module (page.js) sets the
        // attributes first, so the first run is built once, with them.
        .then((meta) => new Promise((resolve) => setTimeout(() => resolve(meta), 0)))
        .then(async (meta) => {
          this.#runs = await this.#openRuns(meta);
          this.#meta = meta;
          this.#view.maxZoom = meta.limits.max_zoom;
          this.#tellSeen();
          if (this.#runs.mode !== 'worker') {
            // Still a working instance, on this thread: the clock slows while the network is busiest.
            this.#els.runsNote.hidden = false;
            this.#els.runsNote.textContent = `The simulation runs on the page's own thread, not in a Web Worker: ${this.#runs.reason}. It may slow down while the network is busiest.`;
          }
          this.#fillStatic();
          this.#applyHeight();
          this.#checkChoice('controls');
          this.#checkChoice('keyboard');
          this.#checkChoice('theme');
          // Read by the poster before the code came; checked here, so a bad value is named.
          this.#checkChoice('loading');
          this.#checkChoice('reveal');
          this.#attr('poster', null);
          this.#build();
        })
        .catch((e) => this.#fatal(missingWasmFeature()
          ? 'This browser cannot run the simulation.'
          : 'Could not load the simulation (its WebAssembly module failed to load).', e, 'The simulation could not start'));
    }
    this.#resizeObs ??= new ResizeObserver(() => {
      // A new width lays the columns out afresh; the side growing by a line does not.
      if (this.clientWidth !== this.#fittedWidth) this.#fitRow();
      this.#layout();
    });
    this.#resizeObs.observe(this.#els.stage);
    this.#resizeObs.observe(this);
    this.#interObs ??= new IntersectionObserver((entries) => {
      for (const e of entries) this.#visible = e.isIntersecting;
      this.#tellSeen();
      this.#kick();
    });
    this.#interObs.observe(this);
    this._onVisibility ??= () => {
      this.#pageVisible = document.visibilityState === 'visible';
      this.#clock.pauseCounting();
      this.#tellSeen();
      this.#kick();
    };
    document.addEventListener('visibilitychange', this._onVisibility);
    this._onKeyGlobal ??= (e) => {
      if (this.getAttribute('keyboard') === 'global' && !e.composedPath().includes(this)) this.#onKey(e);
    };
    document.addEventListener('keydown', this._onKeyGlobal);
    this.#reducedMotion ??= matchMedia('(prefers-reduced-motion: reduce)');
    this.#darkQuery ??= matchMedia('(prefers-color-scheme: dark)');
    this._onTheme ??= () => this.#readPalette();
    this.#darkQuery.addEventListener('change', this._onTheme);
    this.#hostThemeObs ??= new MutationObserver(() => this.#readHostTheme());
    this.#hostThemeObs.observe(document.documentElement, { attributes: true, attributeFilter: HOST_THEME_ATTRIBUTES });
    this.#readHostTheme();
    this.#kick();
  }

  disconnectedCallback() {
    this.#connected = false;
    this.#tellSeen();
    SupernodeSimElement.#live.delete(this);
    SupernodeSimElement.#shareBudget();
    this.#resizeObs?.disconnect();
    this.#interObs?.disconnect();
    document.removeEventListener('visibilitychange', this._onVisibility);
    document.removeEventListener('keydown', this._onKeyGlobal);
    this.#darkQuery?.removeEventListener('change', this._onTheme);
    this.#hostThemeObs?.disconnect();
    if (this.#raf) cancelAnimationFrame(this.#raf);
    this.#raf = 0;
    clearTimeout(this.#parkTimer);
    this.#parkTimer = setTimeout(() => this.#park(), PARK_AFTER_MS);
  }

  /** Out of the page for a while: ends the runs (and their worker), keeping what rebuilds them. */
  #park() {
    if (this.#connected || !this.#runs || this.#dead || !this.#meta) return;
    const a = this.#a;
    this.#parked = a ? { overrides: a.start_overrides(), actions: a.actions(), t: a.time_s() } : { overrides: '{}', actions: '[]', t: 0 };
    this.#ab = null;
    this.#playing = false;
    this.#runs.close();
    this.#runs = null;
    this.#epoch = -1;
    this.#inFlight = false;
  }

  /** Back in the page after `#park`: the same run again, at the same moment. */
  async #unpark() {
    const p = this.#parked;
    this.#parked = null;
    try {
      this.#runs = await this.#openRuns(this.#meta);
    } catch (e) {
      return this.#fatal('The simulation could not start again.', e);
    }
    this.#sizes = {};
    this.#toldSeen = null;
    this.#tellSeen();
    if (p.rebuild) return this.#build();
    this.#newRun(p.overrides === '{}' ? '' : p.overrides, false, p.actions === '[]' ? null : p.actions);
    if (p.t > 0) this.seek(p.t);
  }

  /** Starts this instance's runs (a worker, or the page's thread). */
  #openRuns(meta) {
    return RunClient.open(meta, {
      onView: (v, reply) => this.#onView(v, reply),
      onFatal: (m) => this.#fatal('The simulation hit an internal error and cannot continue.', m),
    });
  }

  attributeChangedCallback(name, oldV, newV) {
    if (oldV === newV) return;
    if (!this.#meta) return; // every attribute is checked when the module is ready
    if (name === 'height') return this.#applyHeight();
    if (name === 'controls' || name === 'keyboard') {
      this.#checkChoice(name);
      return this.#layout();
    }
    if (name === 'loading' || name === 'reveal' || name === 'poster') {
      // What starts it and its poster: nothing more to do once it runs.
      this.#attr(name, null);
      return this.#showErrors();
    }
    if (name === 'theme') {
      // The stylesheet follows the attribute; the picture and the chart read its colours.
      this.#checkChoice(name);
      return this.#readPalette();
    }
    if (name === 'speed') return this.#setSpeedFromAttr();
    if (name === 'slow-motion') return this.#setSlowMoFromAttr();
    if (name === 'autoplay') return this.#autoplayFromAttr();
    if (name === 'time') return this.#seekFromAttr();
    // Removing `follow` or `view` stops following, or puts the supernodes back on the map.
    if (name === 'follow') return newV === null ? this.#track(this.#view.follow('')) : this.#followFromAttr();
    if (name === 'view') return newV === null ? this.#view.setByState(false) : this.#viewFromAttr();
    // scenario, seed, params, scale: a new run.
    this.#build();
  }

  // ---- public API ------------------------------------------------------------------------

  /** Starts (or resumes) the simulation. */
  play() {
    if (!this.#a || this.#dead) return;
    if (this.#a.time_s() >= this.#meta.limits.max_time_s) return;
    if (!this.#playing) this.#clock.start(this.#a.time_s());
    this.#playing = true;
    this.#syncPlay();
    this.#emit('statechange', this.#state());
    this.#kick();
  }

  /** Pauses it. */
  pause() {
    this.#playing = false;
    this.#syncPlay();
    this.#emit('statechange', this.#state());
    this.#kick();
  }

  /** Starts the scenario again from time 0 with the same seed and parameters. */
  reset() {
    if (!this.#meta) return;
    const params = this.#a ? this.#a.overrides() : null;
    this.#newRun(params);
  }

  /** Goes to simulated time `t_s` (seconds): from the run's latest mark at or before it (marks
   * are kept every few simulated minutes as the run is computed), then forward by running. */
  seek(tS) {
    if (!this.#meta) throw new Error('seek: the simulation is not loaded yet');
    const c = JSON.parse(check_input('time', typeof tS === 'number' ? String(tS) : `${tS}`, this.#scenario));
    if (c.error) throw new RangeError(`seek(t_s): ${c.error}`);
    const t = c.value;
    if (!this.#runs) return;
    // A tooltip read before the jump would describe another moment.
    this.#els.tip.hidden = true;
    this.#seeker.seek(t);
  }

  /** Changes parameters (an object of dotted keys, or nested as `params` prints). Changes to the
   * network's makeup restart the run; the others apply from now on. Throws on a bad value. */
  setParams(obj) {
    if (!this.#a) throw new Error('setParams: the simulation is not loaded yet');
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new TypeError('setParams: expected an object of parameter keys and values');
    // Keys stay data: every pair is checked against the parameter table before any applies.
    const pairs = flatPairs(obj).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v) ?? String(v)]);
    for (const [k, text] of pairs) check_param(this.#scenario, k, text);
    const p = this.#setPairs(pairs).then(() => {
      this.#syncControls();
      this.#emit('statechange', this.#state());
    });
    // A value the runs refuse (a rule across fields) rejects the promise returned; it does not
    // stop the element.
    this.#queue = this.#queue.then(() => p).catch(() => {});
    return p;
  }

  /** Sets checked parameters on both runs; a change to the network's makeup restarts them (the
   * runs do that themselves; here the page starts its view of them afresh). Resolves to whether
   * they restarted. */
  async #setPairs(pairs) {
    const playing = this.#playing;
    const r = await this.#runs.request({ type: 'set', pairs, scenario: this.#scenario, seed: this.#seed });
    if (r.error && !r.restarted) throw new Error(r.error);
    if (!r.restarted) return false;
    if (this.#ab) this.#ab.bOverrides = r.bOverrides;
    this.#resetRunState(playing);
    this.#errors.delete('run');
    if (r.error) this.#errors.set('run', r.error);
    this.#afterBuild();
    return true;
  }

  /** Resolves once the element has done everything asked of it so far (a new run built, a seek
   * sent, parameters set): its `snapshot()` then shows their effect. */
  async settled() {
    let q;
    do {
      q = this.#queue;
      await q;
    } while (q !== this.#queue);
    await this.#runs?.flush();
  }

  /** Keeps `p` on the element's queue (see `settled`); a failure stops the element. */
  #track(p) {
    this.#queue = this.#queue.then(() => p).catch((e) => {
      if (!this.#dead && !e?.closed) this.#fatal('The simulation hit an internal error and cannot continue.', e);
    });
    return p;
  }

  /** The current time and figures as a plain object. */
  snapshot() {
    const a = this.#a;
    if (!a) return null;
    const out = {
      scenario: a.scenario(), seed: a.seed(), playing: this.#playing, speed: this.#clock.speed,
      hash: a.hash(), overrides: JSON.parse(a.overrides()), ...a.statsObj,
      runs_in: this.#runs.mode,
      picture: {
        zoom: this.#view.state.zoom, by_state: !!this.#view.state.by_state, clients_shown: !!this.#view.state.clients_shown,
        following: this.#view.following || null, story: this.#view.story?.lines.map((l) => `${l.time} ${l.text}`) ?? [],
      },
    };
    const branchS = a.as_happened_s();
    if (branchS >= 0) out.branch = { from_s: branchS, ...(this.#runs.words.branch ?? {}) };
    if (this.#b && this.#ab) {
      out.compare = {
        key: this.#ab.key, a: this.#ab.a, b: this.#ab.b, b_stats: this.#b.statsObj, b_hash: this.#b.hash(),
        words: this.#runs.words.compare,
      };
    }
    return out;
  }

  /** What a link, an embed or an export's name needs of run A now. */
  #runRef() {
    const a = this.#a;
    return {
      scenario: this.#scenario, seed: this.#seed, speed: this.#clock.speed, defaultSpeed: this.#meta.limits.default_speed,
      t_s: a.time_s(), startOverrides: a.start_overrides(), actions: a.actions(),
      follow: this.#view?.following ?? '', byState: !!this.#view?.state.by_state,
    };
  }

  /** A link that reproduces this run at its current time: scenario, seed, parameters (only
   * those that differ from the scenario's), speed, and what the user did (replayed at the same
   * simulated seconds). `base` is the page to open (default: this one). */
  shareLink(base = location.href) {
    return this.#a ? linkTo(this.#runRef(), base) : null;
  }

  /** HTML that shows this run in another page: an iframe of embed.html, and the element itself. */
  embedCode() {
    return this.#a ? embedCodeOf(this.#runRef()) : null;
  }

  /** A PNG of the network picture(s) and the chart, as a Blob. */
  exportPng() {
    const canvases = [this.#els.canvas, ...(this.#b ? [this.#els.canvasB] : []), this.#els.chart];
    return pngOf(canvases, getComputedStyle(this).getPropertyValue('--bg'));
  }

  /** A promise of the series so far as CSV text (a header row, one row per simulated minute). */
  async exportCsv() {
    await this.settled();
    if (!this.#runs?.a) return '';
    return (await this.#runs.request({ type: 'export' })).csv;
  }

  /** A promise of the run so far as the command-line tool's JSON text: scenario, seed, params,
   * series, events, summary, hash. */
  async exportJson() {
    await this.settled();
    if (!this.#runs?.a) return '';
    const r = await this.#runs.request({ type: 'export' });
    return JSON.stringify({
      scenario: this.#scenario,
      seed: this.#seed,
      params: JSON.parse(r.params),
      series: r.series,
      events: JSON.parse(r.events),
      summary: JSON.parse(r.summary),
      hash: r.hash,
    });
  }

  /** Records `seconds` of the animation as a WebM Blob (the simulation plays meanwhile). */
  recordClip(seconds = 5) {
    return recordCanvas(this.#els.canvas, seconds, () => {
      const wasPlaying = this.#playing;
      this.play();
      return () => {
        if (!wasPlaying) this.pause();
      };
    });
  }

  async #share(what) {
    const name = exportName(this.#runRef());
    if (what === 'link') return this.#copy(this.shareLink(), 'Link copied: it opens this run at this moment.');
    if (what === 'embed') {
      const c = this.embedCode();
      return this.#copy(`${c.iframe}\n\n${c.element}`, 'Embed code copied: an iframe, and the element for pages that load scripts.');
    }
    if (what === 'png') return this.#download(await this.exportPng(), `${name}.png`);
    if (what === 'csv') return this.#download(new Blob([await this.exportCsv()], { type: 'text/csv' }), `${name}.csv`);
    if (what === 'json') return this.#download(new Blob([await this.exportJson()], { type: 'application/json' }), `${name}.json`);
    if (what === 'webm') {
      this.#notice('Recording 5 seconds…');
      return this.#download(await this.recordClip(5), `${name}.webm`);
    }
  }

  async #copy(text, ok) {
    const copied = await copyText(this.#root.querySelector('.copy-box'), text);
    this.#notice(copied ? ok : 'Copy the selected text (Ctrl+C or ⌘C).');
  }

  #download(blob, filename) {
    download(this.#root, blob, filename);
    this.#notice(`Saved ${filename}.`);
  }

  /** The page thread's time per frame (ms) of the latest frames, for benchmarks: asking the runs
   * and showing the answer (drawing the bitmap, the chart, the read-outs); on the page's thread
   * without a worker, the stepping and drawing too. */
  perfSamples() {
    return this.#perf.slice();
  }

  /** A promise of this element once its first run is built (the WebAssembly module loaded):
   * methods that need the run (`snapshot`, `setParams`, `compare`…) work from then on. It
   * rejects if the simulation could not start. */
  get ready() {
    return this.#ready;
  }

  /** Starts the instance now if it still shows its poster (it does already): resolves as `ready`. */
  reveal() {
    return this.#ready;
  }

  /** Frames drawn so far (a frame that is not drawn costs nothing). */
  get framesDrawn() {
    return this.#framesDrawn;
  }

  /** Run A's mirror (for tests and the benchmark pages): the module's `Sim` read-outs, without
   * waiting on the runs. */
  get sim() {
    return this.#a;
  }

  /** Where the runs compute: 'worker' (a Web Worker) or 'page' (this thread, where no worker
   * could start), or null before they start. */
  get runsIn() {
    return this.#runs?.mode ?? null;
  }

  /** Bytes of WebAssembly memory this instance's runs use (its worker's module memory; on the
   * page's thread, the page's shared module memory). For benchmarks. */
  get memoryBytes() {
    return this.#runs?.memoryBytes ?? 0;
  }

  // ---- building a run --------------------------------------------------------------------

  #fillStatic() {
    for (const s of this.#meta.limits.speeds) {
      const o = document.createElement('option');
      o.value = String(s.v);
      o.textContent = s.label;
      this.#els.speed.append(o);
    }
    const sel = this.#els.scenario;
    sel.textContent = '';
    for (const s of this.#meta.scenarios) {
      const o = document.createElement('option');
      o.value = s.name;
      o.textContent = s.name;
      o.title = `${s.title}. ${s.summary}`;
      sel.append(o);
      const li = document.createElement('li');
      const b = document.createElement('strong');
      b.textContent = s.name;
      li.append(b, document.createTextNode(` — ${s.title}. ${s.summary} (${s.source})`));
      this.#els.helpScenarios.append(li);
    }
    this.#panel = new ParamPanel(this.#els.params, this.#meta, (c, input, msg) => this.#onParam(c, input, msg));
    const fields = Object.fromEntries(this.#meta.fields.map((f) => [f.key, f]));
    for (const k of this.#meta.controls.ab_keys) {
      if (!fields[k]) continue;
      const o = document.createElement('option');
      o.value = k;
      o.textContent = k;
      o.title = fields[k].doc;
      this.#els.abKey.append(o);
    }
    this.#els.abKey.addEventListener('change', () => this.#abInputs(this.#els.abKey.value));
  }

  /** Value inputs for an A/B parameter, holding `a` and `b` (by default the run's value). */
  #abInputs(key, a, b) {
    const f = this.#meta.fields.find((x) => x.key === key);
    if (!f) return;
    const cur = this.#a ? paramValue(JSON.parse(this.#a.params()), key) : undefined;
    const curV = cur === undefined ? undefined : String(cur);
    const [inA, inB] = abInputsFor(f, a ?? curV, b ?? curV);
    this.#els.abASlot.replaceChildren(inA);
    this.#els.abBSlot.replaceChildren(inB);
  }

  #suggestAB() {
    if (this.#ab || !this.#meta) return;
    const c = JSON.parse(scenario_compare(this.#scenario));
    const key = c?.key ?? 'retry.policy';
    this.#els.abKey.value = key;
    this.#abInputs(key, c?.a, c?.b);
  }

  /** Starts an A/B comparison: both runs from the beginning, same seed, differing in one key. */
  compare(key, a, b) {
    if (!this.#a) throw new Error('compare: the simulation is not loaded yet');
    check_param(this.#scenario, key, String(a));
    check_param(this.#scenario, key, String(b));
    const base = JSON.parse(this.#a.overrides());
    delete base[key];
    this.#ab = { key, a: String(a), b: String(b), bOverrides: JSON.stringify({ ...base, [key]: String(b) }), fresh: true };
    return this.#newRun(JSON.stringify({ ...base, [key]: String(a) }), true);
  }

  /** Follows a supernode (its index, `31204`) or a client (its place, `'31204.17'`: slot 17 of
   * supernode 31204); `null`, `-1` or `''` stops. Its story is told under the picture, it stays
   * ringed at any zoom, and a copied link carries it. Settles once the runs follow it; a target
   * that is no supernode or client of the run rejects with what is allowed. */
  async follow(target) {
    if (!this.#meta) throw new Error('follow: the simulation is not loaded yet');
    if (target === null || target === -1 || target === '') return this.#view.follow('');
    const c = JSON.parse(check_input('follow', String(target), this.#scenario));
    if (c.error) throw new RangeError(`follow(target): ${c.error}`);
    return this.#view.follow(c.value);
  }

  /** Groups the supernodes by state (`true`: they glide into labelled columns, one per state,
   * their heights as the counts) or puts them back on the map (`false`). */
  setByState(on) {
    if (!this.#meta) throw new Error('setByState: the simulation is not loaded yet');
    this.#view.setByState(!!on);
  }

  /** Ends an A/B comparison, keeping run A. */
  stopCompare() {
    if (!this.#ab) return;
    this.#ab = null;
    this.#track(this.#runs.request({ type: 'dropB' }));
    SupernodeSimElement.#shareBudget();
    this.#chart.tB = null;
    this.#chart.dataB = null;
    this.#chart.dirty = true;
    this.#els.abWords.textContent = '';
    this.#syncAB();
    this.#layout();
    this.#emit('statechange', this.#state());
  }

  #syncAB() {
    const on = !!this.#ab;
    this.#els.stage.classList.toggle('ab', on);
    this.#els.canvasB.hidden = !on;
    this.#els.tagA.hidden = !on;
    this.#els.tagB.hidden = !on;
    this.#els.abStart.textContent = on ? 'Restart A/B' : 'Compare A/B';
    this.#els.abStop.hidden = !on;
    if (on) {
      this.#els.tagA.textContent = `A: ${this.#ab.key} = ${this.#ab.a}`;
      this.#els.tagB.textContent = `B: ${this.#ab.key} = ${this.#ab.b}`;
      // The form shows the comparison that runs (however it started: the form, `compare()`, an
      // attribute), so that "Restart A/B" restarts that one.
      const key = this.#ab.key;
      if (![...this.#els.abKey.options].some((o) => o.value === key)) this.#els.abKey.append(new Option(key, key));
      this.#els.abKey.value = key;
      this.#abInputs(key, this.#ab.a, this.#ab.b);
    }
    this.#fitRow();
  }

  #syncControls() {
    if (!this.#a) return;
    this.#panel?.sync(JSON.parse(this.#a.params()));
    this.#els.seed.value = String(this.#a.seed());
    this.#els.scenario.value = this.#a.scenario();
  }

  #onParam(c, input, msg) {
    msg.textContent = '';
    const value = String(input.value);
    const p = (async () => {
      check_param(this.#scenario, c.key, value);
      const restarted = await this.#setPairs([[c.key, value]]);
      if (restarted) this.#notice(`${c.label} changes the network itself: the run restarted from the beginning with the new value.`);
      else this.#notice(`${c.label} set to ${c.show ? c.show(Number(value)) : value}, from now on.`);
      this.#emit('statechange', this.#state());
    })().catch((e) => {
      msg.textContent = messageOf(e);
      this.#syncControls();
    });
    this.#queue = this.#queue.then(() => p);
  }

  #notice(text) {
    this.#els.notice.textContent = text;
    clearTimeout(this._noticeTimer);
    this._noticeTimer = setTimeout(() => (this.#els.notice.textContent = ''), 6000);
  }

  /** Checks one input's text through its one description in Rust: `{value}` if allowed, else
   * `{error, message}` (the message names the field, the value and what is used instead). */
  #check(name, text) {
    return JSON.parse(check_input(name, text, this.#scenario));
  }

  /** Checks attribute `name` (absent: `null`), recording or clearing its message; returns the
   * checked value, or `fallback` when it is absent or wrong. */
  #attr(name, fallback) {
    const text = this.getAttribute(name);
    this.#errors.delete(name);
    if (text === null) return fallback;
    const c = this.#check(name, text);
    if (c.error) {
      this.#errors.set(name, c.message);
      return fallback;
    }
    return c.value;
  }

  /** Checks a named-choice attribute (controls, keyboard, theme); the stylesheet and the key handler
   * read the attribute itself, and an unknown value matches neither, which is the default. */
  #checkChoice(name) {
    this.#attr(name, null);
    this.#showErrors();
  }

  /** Reads the attributes and starts a run. Bad values are reported inside this instance and
   * replaced by defaults, so the instance still works. Each input's message stays until that
   * input is read again. */
  #build() {
    if (!this.#runs) {
      // Out of the page with its runs ended: it builds from its attributes when it comes back.
      if (this.#parked) this.#parked.rebuild = true;
      return;
    }
    if (this.#ab) {
      this.#ab = null;
      this.#els.abWords.textContent = '';
    }
    this.#scenario = this.#attr('scenario', 'skype-2010');
    this.#seed = this.#attr('seed', 1);
    let overrides = '';
    for (const k of [...this.#errors.keys()]) if (k.startsWith('params')) this.#errors.delete(k);
    const pAttr = this.getAttribute('params');
    // At a fraction of the scenario's size, its services shrink with it (so the incident still
    // happens); the parameters given apply on top.
    const scale = this.#attr('scale', 1);
    if ((pAttr !== null && pAttr.trim() !== '') || scale !== 1) {
      // Key by key: a bad key or value is dropped with its own message, the others apply.
      const r = JSON.parse(check_overrides(this.#scenario, pAttr ?? '', scale));
      overrides = r.overrides;
      r.errors.forEach((m, i) => this.#errors.set(`params ${i}`, m));
    }
    this.#setSpeedFromAttr();
    this.#setSlowMoFromAttr();
    this.#errors.delete('actions');
    const acts = this.getAttribute('actions');
    // The runs are asked in order: built (with the link's actions), then sent to the time.
    const built = this.#newRun(overrides, false, acts !== null && acts.trim() !== '' ? acts : null);
    // Followed from the start, so the story is told while the run goes to its time.
    this.#followFromAttr();
    this.#viewFromAttr();
    this.#seekFromAttr();
    built.then(() => this.#autoplayFromAttr());
    this.#showErrors();
  }

  #scenario = 'skype-2010';
  #seed = 1;

  #setSpeedFromAttr() {
    this.#clock.speed = this.#attr('speed', this.#meta.limits.default_speed);
    this.#syncSpeed();
    this.#showErrors();
  }

  #setSlowMoFromAttr() {
    this.#clock.slowMotion = this.#attr('slow-motion', 'on') === 'on';
    const box = this.#root.querySelector('.slowmo-box');
    if (box) box.checked = this.#clock.slowMotion;
    this.#showErrors();
  }

  #autoplayFromAttr() {
    if (this.#attr('autoplay', 'off') === 'on') this.play();
    this.#showErrors();
  }

  #followFromAttr() {
    const i = this.#attr('follow', null);
    if (i === null) return;
    this.#track(this.#view.follow(i).catch((e) => {
      this.#errors.set('follow', messageOf(e));
      this.#showErrors();
    }));
  }

  #viewFromAttr() {
    const v = this.#attr('view', null);
    if (v !== null) this.#view.restore({ by_state: v === 'states' });
    this.#showErrors();
  }

  #seekFromAttr() {
    const t = this.#attr('time', null);
    if (t !== null) this.seek(t);
    this.#showErrors();
  }

  #showErrors() {
    const ul = this.#els.errors;
    ul.textContent = '';
    for (const m of this.#errors.values()) {
      const li = document.createElement('li');
      li.textContent = m;
      ul.append(li);
    }
    ul.hidden = this.#errors.size === 0;
  }

  #newRun(overrides, keepPlaying = false, actions = null) {
    const playing = keepPlaying && this.#playing;
    let b = null;
    if (this.#ab) {
      // B keeps its own parameters across a restart, unless a new comparison just set them.
      b = !this.#ab.fresh && this.#b ? this.#b.overrides() : this.#ab.bOverrides;
      this.#ab.fresh = false;
      this.#ab.bOverrides = b;
    }
    this.#resetRunState(playing);
    const ab = this.#ab ? { key: this.#ab.key, a: this.#ab.a, b: this.#ab.b } : null;
    const columns = ['t_s', ...CHART_SERIES.map((c) => c.key)];
    const horizonS = this.#horizonS();
    const msg = { type: 'build', scenario: this.#scenario, seed: this.#seed, overrides: overrides || '', b, ab, actions, columns, horizon_s: horizonS };
    const p = this.#runs.request(msg).then((r) => {
      this.#errors.delete('run');
      if (r.error) this.#errors.set('run', r.error);
      if (actions !== null) {
        if (r.actionsError) this.#errors.set('actions', `${r.actionsError}. The whole log is ignored.`);
        else this.#errors.delete('actions');
      }
      SupernodeSimElement.#shareBudget();
      this.#afterBuild();
    });
    return this.#track(p);
  }

  /** The page's side of a new run, at once: the clock and what it shows start afresh. */
  #resetRunState(playing) {
    this.#playing = playing;
    this.#clock.clear();
    this.#pointer.reset();
    this.#seeker.reset();
    this.#els.caption.classList.add('faded');
  }

  /** The scenario's horizon (s): the chart's and timeline's span, and how far the worker
   * computes ahead. */
  #horizonS() {
    const scen = this.#meta.scenarios.find((s) => s.name === this.#scenario);
    return Math.max((scen?.default_hours ?? 48) * 3600, 3600);
  }

  /** Once a new run is built: controls, colours and sizes follow it, and `ready` resolves. */
  #afterBuild() {
    this.#syncAB();
    this.#suggestAB();
    this.#chart.readColors();
    this.#readPalette();
    this.#layout();
    this.#syncControls();
    this.#syncPlay();
    this.#showErrors();
    this.#updateUi(true);
    this.#emit('statechange', this.#state());
    this.#readyResolve?.(this);
    this.#readyResolve = null;
    this.#readyReject = null;
    this.#kick();
  }

  /** A view of a run the chart and the log do not show yet (a new run, or B added): they start
   * again from its beginning. */
  #newEpoch(a, ab) {
    this.#els.log.textContent = '';
    this.#chart ??= new Chart(this.#els.chart, this.#els.readout, this);
    this.#chart.reset(a.trigger_s, this.#horizonS(), ab);
    this.#record = JSON.parse(record_json(this.#scenario));
    this.#chart.setRecord(this.#record);
    this.#chart.onSeek = (t) => this.seek(t);
    this.#chart.onPreview = (t) => this.#preview(t);
    this.#chart.onPreviewEnd = () => this.#seeker.endDrag();
    this.#timeline ??= new Timeline(this.#root.querySelector('.timeline'), { seek: (t) => this.seek(t), preview: (t) => this.#preview(t) });
    this.#timeline.reset(a.trigger_s, this.#chart.horizonS);
    this.#timeline.setChapters([], this.#record);
    this.#els.branchWords.hidden = true;
  }

  /** After a run went to a mark: its series and narration are those of the mark's time, so the
   * chart and the log are read again from the start. */
  #rewound(a, ab) {
    this.#els.log.textContent = '';
    this.#chart?.reset(a.trigger_s, this.#chart.horizonS, ab);
  }

  /** What each answer from the runs says: new samples for the chart, narration, chapters, the
   * run as it happened after a branch, the comparison sentences, and a frame to show. */
  #onView(v, reply) {
    if (this.#dead) return;
    const t0 = performance.now();
    const a = v.runs.a;
    const ab = !!v.runs.b;
    if (v.epoch !== this.#epoch) {
      this.#epoch = v.epoch;
      this.#newEpoch(a, ab);
    } else if (v.rewound) {
      this.#rewound(a, ab);
    }
    const pick = (cols) => Object.fromEntries(CHART_SERIES.map((c) => [c.key, cols[c.key]]));
    if (a.columns) this.#chart.append(a.columns.t_s, pick(a.columns));
    if (v.runs.b?.columns) this.#chart.appendB(v.runs.b.columns.t_s, pick(v.runs.b.columns));
    if (a.ghost) this.#showAsHappened(a.ghost, a.trigger_s);
    if (a.chapters) {
      this.#clock.bursts = a.chapters.filter((e) => e.burst).map((e) => e.t_s);
      this.#timeline.setChapters(a.chapters, this.#record);
    }
    if (a.events) for (const e of a.events) this.#narrate(e, a.trigger_s);
    if (v.words) {
      if (this.#ab && ab) this.#els.abWords.textContent = `So far: ${v.words.compare}`;
      const b = this.#a.as_happened_s() >= 0 ? v.words.branch : null;
      this.#els.branchWords.hidden = !b;
      if (b) this.#els.branchWords.textContent = `To ${formatClock(b.upto_s, a.trigger_s)}, against the run as it happened (dotted): ${b.words}`;
    }
    if (reply.type === 'work') this.#show(reply);
    else if (reply.type !== 'supernode' && reply.type !== 'hit' && reply.type !== 'export') this.#updateUi(true);
    this.#frameMs += performance.now() - t0;
  }

  /** After an action that replaced a computed future (a branch), the chart also shows the run as
   * it happened before, dotted from the branch on, and the legend says so. */
  #showAsHappened(ghost, trigger) {
    const g = ghost.from_s;
    const key = this.#els.chartLegend.querySelector('.ghost-key');
    if (g < 0) {
      this.#chart.setGhost(null);
      if (key) key.hidden = true;
      return;
    }
    const cols = {};
    for (const c of CHART_SERIES) cols[c.key] = ghost.columns[c.key];
    this.#chart.setGhost(ghost.columns.t_s, cols, g);
    key.hidden = false;
    key.textContent = `⋯ as it happened, before your change at ${formatClock(g, trigger)}`;
  }

  /** Shows the saved mark nearest before `t_s` (a drag on the timeline), on the next frame. */
  #preview(tS) {
    if (this.#a) this.#seeker.preview(tS);
  }

  /** Tells the runs whether anyone can see this instance: only then do they compute ahead. */
  #tellSeen() {
    const on = this.#visible && this.#pageVisible && this.#connected;
    if (this.#runs && on !== this.#toldSeen) {
      this.#toldSeen = on;
      this.#runs.request({ type: 'seen', on }).catch(() => {});
    }
  }

  // ---- drawing loop ----------------------------------------------------------------------

  #kick() {
    if (!this.#raf && this.#connected && this.#runs && this.#a && !this.#dead) this.#raf = requestAnimationFrame((ts) => this.#frame(ts));
  }

  /** The clock, on the page: real time owed to the runs becomes ticks asked of them, one request
   * at a time; the answer brings the frame. */
  #frame(ts) {
    this.#raf = 0;
    if (!this.#a || this.#dead) return;
    // Off-screen or in a hidden tab: no ticks, no drawing. It resumes where it was.
    if (!this.#visible || !this.#pageVisible) {
      this.#clock.pauseCounting();
      return;
    }
    if (this.#inFlight) {
      // The runs are still on the last request: its answer asks for the next.
      return;
    }
    this.#dispatch();
  }

  /** Asks the runs for the next frame: real time since the last request becomes ticks. In a
   * worker the next request leaves as soon as an answer arrives, so the worker never idles
   * between frames; on the page's thread, once per animation frame. */
  #dispatch() {
    const t0 = performance.now();
    const worker = this.#runs.mode === 'worker';
    const dtReal = this.#clock.takeOwed(t0);
    const msg = {
      type: 'work',
      draw: { dt: dtReal, particles: !this.#reducedMotion?.matches, running: this.#playing },
      marks: [this.#pointer.hover, this.#pointer.selected],
      viewOps: this.#view.takeOps(),
      budgetMs: worker ? WORKER_STEP_BUDGET_MS : STEP_BUDGET_MS,
      // On the page's thread, a frame that saves a mark (about 35 ms) does nothing else.
      yieldAtMark: !worker,
    };
    let asked = 0;
    const preview = this.#seeker.takePreview();
    if (preview !== null) {
      // A drag on the timeline: the nearest mark at or before it, no replay (that comes on
      // release). Paused while dragging.
      msg.preview = preview;
      if (this.#playing) this.pause();
    } else if (this.#seeker.target !== null) {
      // Catching up to a time, in slices: the page stays responsive.
      msg.target = this.#seeker.target;
      msg.budgetMs = worker ? WORKER_SEEK_SLICE_MS : PAGE_SEEK_SLICE_MS;
    } else if (this.#playing) {
      asked = this.#clock.ticks(dtReal, this.#a.time_s(), worker ? Infinity : MAX_TICKS_PER_FRAME);
      msg.ticks = asked;
    }
    this.#inFlight = true;
    this.#frameMs = 0;
    const sent = performance.now();
    this.#frameMs += sent - t0;
    this.#runs.request(msg, []).then((r) => {
      this.#inFlight = false;
      // The speed held, and what the runs could not do in their budget dropped: the clock runs
      // slower, and says so.
      const behind = msg.ticks !== undefined ? this.#clock.answered(asked, r.ran, dtReal) : false;
      if (msg.target !== undefined) this.#seeker.answered(msg.target, r.caughtUp);
      if (this.#playing && this.#a.time_s() >= this.#meta.limits.max_time_s) this.pause();
      if (this.#seeker.target === null) {
        this.#perf.push(this.#frameMs);
        if (this.#perf.length > 1200) this.#perf.splice(0, this.#perf.length - 1200);
      }
      // The reader moved the picture meanwhile, or the supernodes are gliding: another frame.
      if (this.#view.reply(r) || this.#view.pending) this.#kick();
      if (this.#playing || this.#seeker.target !== null || this.#seeker.previewT !== null) {
        // A worker that could not do all it was asked (the model is behind the clock, or a seek is
        // replaying) is asked again at once, so that it never idles; one that could waits for the
        // display's next frame.
        const busy = behind || (msg.target !== undefined && !r.caughtUp);
        if (worker && busy && this.#visible && this.#pageVisible && this.#connected) this.#dispatch();
        else this.#kick();
      }
    }).catch((e) => {
      this.#inFlight = false;
      if (!e?.closed) this.#fatal('The simulation hit an internal error and cannot continue.', e);
    });
  }

  /** A frame from the runs: the pictures (bitmaps from the worker; on the page's thread they
   * are drawn already), the supernodes marked on top, the read-outs. */
  #show(r) {
    if (r.frames?.a) {
      this.#ctx?.drawImage(r.frames.a, 0, 0);
      // Kept, to move with the reader's zoom and pan until the next frame.
      this.#view.keep(r.frames.a);
    }
    if (r.frames?.b) {
      this.#ctxB?.drawImage(r.frames.b, 0, 0);
      r.frames.b.close();
    }
    if (r.drawn) {
      if (this.#view.moved) this.#view.preview(this.#ctx);
      else this.#drawMarks(r.marks ?? [], r.followAt);
      this.#framesDrawn++;
      if (this.firstFrameMs === undefined) this.firstFrameMs = performance.now();
    }
    // Read-outs refresh every few frames; the frame after which the loop goes idle (a seek
    // that has arrived, a run that stopped) always refreshes them, so they show where it stopped.
    this.#updateUi(!this.#playing && (this.#seeker.target === null || r.caughtUp));
    const t = this.#a.time_s();
    if (t !== this.#lastTickEvent) {
      this.#lastTickEvent = t;
      this.#emit('tick', { t_s: t });
    }
  }

  /** The supernodes the pointer is on and the one clicked, each a ring on top of the picture. */
  #drawMarks(marks, followAt) {
    const ctx = this.#ctx;
    if (!ctx) return;
    const dpr = this.#stageSize.dpr;
    const ring = (at, r) => {
      ctx.beginPath();
      ctx.arc(at.x, at.y, r * dpr, 0, Math.PI * 2);
    };
    for (const info of marks) {
      if (!info) continue;
      ring(info, 7);
      ctx.lineWidth = 2 * dpr;
      ctx.strokeStyle = this.#markColour;
      ctx.stroke();
    }
    // The one followed: two rings, at any zoom.
    if (followAt) {
      ring(followAt, 7);
      ctx.moveTo(followAt.x + 12 * dpr, followAt.y);
      ctx.arc(followAt.x, followAt.y, 12 * dpr, 0, Math.PI * 2);
      ctx.lineWidth = 2 * dpr;
      ctx.strokeStyle = this.#markColour;
      ctx.stroke();
    }
  }

  #updateUi(force) {
    const a = this.#a;
    if (!a || !a.statsObj || !this.#chart) return;
    this.#uiTick++;
    if (!force && this.#uiTick % 4 !== 0) return;
    const s = a.statsObj;
    const trig = s.trigger_s;
    this.#els.clockBig.textContent = formatClock(s.t_s, trig);
    this.#els.stageClock.textContent = `${formatClock(s.t_s, trig)} · ${Math.round((100 * s.clients_online) / Math.max(1, s.clients_total))}% online`;
    const speed = this.#clock.speed;
    const speedLabel = this.#meta.limits.speeds.find((x) => x.v === speed)?.label ?? `${speed}×`;
    const rate = this.#playing ? this.#clock.note(s.t_s) : '';
    this.#els.clockSmall.textContent = `simulated ${simulatedClock(s.t_s)} · ${this.#playing ? speedLabel + rate : 'paused'}`;
    const r = this.#els.readouts;
    r.online.textContent = `${fmtClients(s.clients_online)} (${Math.round((100 * s.clients_online) / Math.max(1, s.clients_total))}%)`;
    const extra = [s.supernodes_promoted ? `${fmtInt(s.supernodes_promoted)} promoted` : '', s.mega_up ? `${fmtInt(s.mega_up)} mega` : ''].filter(Boolean);
    r.up.textContent = fmtInt(s.supernodes_up);
    // The breakdown goes on the label's line, which wraps, so the number never overflows its cell.
    const upLabel = `supernodes up${extra.length ? ` · ${extra.join(', ')}` : ''}`;
    if (r.up.nextElementSibling && r.up.nextElementSibling.textContent !== upLabel) r.up.nextElementSibling.textContent = upLabel;
    r.attempts.textContent = `${formatValue(CHART_SERIES[2], s.connect_attempts_per_s)}`;
    r.load.textContent = s.samples ? `${formatValue(CHART_SERIES[3], s.sn_load_ratio)}` : '–';
    r.lookup.textContent = s.samples ? `${Math.round(100 * s.lookup_success)}%` : '–';
    r.down.textContent = `${fmtInt(s.supernodes_crashed)} / ${fmtInt(s.supernodes_shut_down)}`;
    r.away.textContent = fmtClients(s.clients_away);
    const pct = (v) => (s.samples ? `${Math.round(100 * v)}%` : '–');
    r.login.textContent = pct(s.availability.login);
    r.messaging.textContent = pct(s.availability.messaging);
    r.web.textContent = pct(s.availability.web);
    this.#chart.setNow(s.t_s);
    this.#timeline?.setTime(s.t_s, a.computed_s());
    this.#chart.draw();
  }

  #narrate(e, trig) {
    const li = document.createElement('li');
    const t = document.createElement('time');
    t.textContent = formatClock(e.t_s, trig);
    li.append(t, document.createTextNode(`— ${e.text}`));
    if (e.kind.startsWith('trigger')) li.className = 'trigger';
    else if (/^(sn-lost|online-below|load-|first-failsafe)/.test(e.kind)) li.className = 'bad';
    else if (/^(recovered|mega|fix|rebalance|admission|retry-switch)/.test(e.kind)) li.className = 'good';
    this.#els.log.append(li);
    this.#els.log.scrollTop = this.#els.log.scrollHeight;
    const cap = this.#els.caption;
    cap.textContent = '';
    const ct = document.createElement('time');
    ct.textContent = formatClock(e.t_s, trig);
    // In a span of its own, so that a narrow picture can keep it to two lines (element-css.js).
    const words = document.createElement('span');
    words.append(ct, document.createTextNode(e.text));
    cap.append(words);
    cap.classList.remove('faded');
    clearTimeout(this.#captionTimer);
    this.#captionTimer = setTimeout(() => cap.classList.add('faded'), 7000);
    this.#emit('narration', { t_s: e.t_s, kind: e.kind, text: e.text, label: formatClock(e.t_s, trig) });
  }

  #layout() {
    if (!this.#a) return;
    this.#legend?.place({ marginPx: this.#meta.limits.picture_margin_px, compact: ['none', 'minimal'].includes(this.getAttribute('controls')) });
    const c = this.#els.canvas;
    const r = this.#els.stage.getBoundingClientRect();
    const dpr = Math.min(window.devicePixelRatio || 1, 3);
    const rc = c.getBoundingClientRect();
    const w = Math.max(1, Math.round((this.#ab ? rc.width : r.width) * dpr));
    // The canvas's own height: under a narrow picture the legend sits below it, in the stage.
    const h = Math.max(1, Math.round(rc.height * dpr));
    const resize = (which, canvas, cw, ch) => {
      if (canvas.width === cw && canvas.height === ch && this.#sizes[which] === `${cw}x${ch}@${dpr}`) return;
      canvas.width = cw;
      canvas.height = ch;
      this.#sizes[which] = `${cw}x${ch}@${dpr}`;
      this.#track(this.#runs.request({ type: 'resize', which, w: cw, h: ch, dpr }));
    };
    resize('a', c, w, h);
    this.#stageSize = { w, h, dpr };
    this.#ctx ??= c.getContext('2d');
    this.#runs.contexts.a = this.#ctx;
    if (this.#ab) {
      const cb = this.#els.canvasB;
      const rb = cb.getBoundingClientRect();
      resize('b', cb, Math.max(1, Math.round(rb.width * dpr)), Math.max(1, Math.round(rb.height * dpr)));
      this.#ctxB ??= cb.getContext('2d');
      this.#runs.contexts.b = this.#ctxB;
    }
    this.#chart?.layout();
    if (this.#chart) this.#chart.dirty = true;
    this.#kick();
  }

  /** In two columns the picture's row is as tall as the side column (the readouts, the chart and
   * the log), and the picture is centred in it: were the row to grow when the side gains a line
   * (a branch's key under the chart), every dot would move under the pointer, and a second click
   * on a supernode would miss it. So when the columns are laid out (a width, a run, A/B) the
   * row is given the side's height and room for a few more lines, which the log takes up. */
  #fitRow() {
    const side = this.#els.side;
    this.#fittedWidth = this.clientWidth;
    this.style.removeProperty('--side-fit');
    const st = this.#els.stage.getBoundingClientRect();
    const sd = side.getBoundingClientRect();
    // One column (the side under the picture), no side, or a height the host set: nothing to do.
    if (this.getAttribute('height') || sd.height === 0 || Math.abs(sd.top - st.top) > 1) return;
    this.style.setProperty('--side-fit', `${Math.ceil(sd.height + ROW_SLACK_PX)}px`);
  }

  #applyHeight() {
    const a = this.getAttribute('height');
    const px = a === null || a.trim() === '' ? (this.#errors.delete('height'), null) : this.#attr('height', null);
    if (px === null) {
      this.style.removeProperty('--stage-height');
      this.style.removeProperty('--stage-height-narrow');
    } else {
      this.style.setProperty('--stage-height', `${px}px`);
      this.style.setProperty('--stage-height-narrow', `${px}px`);
    }
    this.#showErrors();
    this.#fitRow();
    this.#layout();
  }

  /** With `theme="auto"` (or none), a host page that says it is dark or light (`data-theme` or
   * `data-bs-theme` on its root element, a theme class there as Tailwind, mdBook and many Hugo
   * themes set, or a single `color-scheme`) decides over the reader's system setting: mirrored as
   * `data-host-theme` on the element, which the stylesheet reads. */
  #readHostTheme() {
    const said = hostTheme();
    if ((this.dataset.hostTheme ?? null) === said) return;
    if (said) this.dataset.hostTheme = said;
    else delete this.dataset.hostTheme;
    this.#readPalette();
  }

  #readPalette() {
    if (!this.#runs) return;
    const cs = getComputedStyle(this);
    const names = ['--bg', '--sn-up', '--sn-overloaded', '--sn-shut-down', '--sn-crashed', '--sn-mega', '--sn-halo', '--sn-link', '--attempt-ok', '--attempt-failed'];
    this.#markColour = cs.getPropertyValue('--fg').trim() || '#222';
    const pal = new Uint32Array(names.map((n) => hex(cs.getPropertyValue(n))));
    this.#track(this.#runs.request({ type: 'palette', palette: pal }));
    this.#chart?.readColors();
    this.#kick();
  }

  // ---- input -----------------------------------------------------------------------------

  #wire() {
    const e = this.#els;
    e.play.addEventListener('click', () => (this.#playing ? this.pause() : this.play()));
    e.step.addEventListener('click', () => this.#step());
    e.reset.addEventListener('click', () => this.reset());
    this.#root.querySelector('.slowmo-box').addEventListener('change', (ev) => {
      this.#clock.slowMotion = ev.target.checked;
      this.#updateUi(true);
    });
    e.speed.addEventListener('change', () => {
      this.#clock.speed = Number(e.speed.value);
      this.#emit('statechange', this.#state());
      this.#updateUi(true);
    });
    e.seed.addEventListener('change', () => {
      const c = this.#check('seed', e.seed.value);
      if (c.error) {
        this.#errors.set('seed', `${c.error}. Keeping ${this.#seed}.`);
        this.#showErrors();
        e.seed.value = String(this.#seed);
        return;
      }
      this.#errors.delete('seed');
      this.#showErrors();
      this.#seed = c.value;
      this.#newRun(this.#a?.overrides() ?? '');
    });
    e.scenario.addEventListener('change', () => {
      this.#scenario = e.scenario.value;
      if (this.#ab) {
        this.#ab = null;
        this.#els.abWords.textContent = '';
      }
      this.#newRun('');
    });
    e.helpBtn.addEventListener('click', () => this.#toggleHelp(true));
    this.#root.querySelector('.close-help').addEventListener('click', () => this.#toggleHelp(false));
    this.#root.querySelector('.reload').addEventListener('click', () => location.reload());
    e.abStart.addEventListener('click', () => {
      const a = this.#root.querySelector('#ab-a')?.value;
      const b = this.#root.querySelector('#ab-b')?.value;
      try {
        this.compare(e.abKey.value, a, b);
      } catch (err) {
        e.abWords.textContent = messageOf(err);
      }
    });
    e.abStop.addEventListener('click', () => this.stopCompare());
    for (const b of this.#root.querySelectorAll('[data-share]')) {
      b.addEventListener('click', () => this.#share(b.dataset.share).catch((err) => this.#notice(messageOf(err))));
    }
    for (const b of this.#root.querySelectorAll('[data-act]')) {
      b.addEventListener('click', () => {
        if (!this.#a) return;
        const p = this.#runs.request({ type: 'intervene', what: b.dataset.act }).then(
          () => {
            this.#notice(`${b.textContent}: done at ${formatClock(this.#a.time_s(), this.#a.trigger_s())}.`);
            this.#syncControls();
            this.#emit('statechange', this.#state());
            this.#kick();
          },
          (err) => this.#notice(messageOf(err)),
        );
        this.#queue = this.#queue.then(() => p);
      });
    }
    this.#legend = new LegendPlacer({ stage: e.stage, legend: e.legend, canvas: e.canvas });
    this.addEventListener('keydown', (ev) => this.#onKey(ev));
    const c = e.canvas;
    this.#pointer = new PicturePointer({
      canvas: c, stage: e.stage, tip: e.tip,
      request: (msg) => this.#runs.request(msg),
      ready: () => !!this.#a,
      dpr: () => this.#stageSize.dpr,
      kick: () => this.#kick(),
      follow: (what) => this.#view.follow(what),
      crashedOrRestored: (i, what, before) => this.#crashedOrRestored(i, what, before),
    });
    this.#view = new PictureView({
      stage: e.stage, canvas: c, tools: e.viewTools, groups: e.groups, story: e.story,
      dpr: () => this.#stageSize.dpr || 1,
      kick: () => {
        if (this.#view.moved) this.#view.preview(this.#ctx);
        this.#kick();
      },
      request: (msg) => this.#runs.request(msg),
      onClick: (ev, follow) => this.#pointer.click(ev, follow),
      onChange: () => this.#emit('statechange', this.#state()),
      bg: () => getComputedStyle(this).getPropertyValue('--bg').trim() || '#fff',
      reducedMotion: () => !!this.#reducedMotion?.matches,
    });
    c.addEventListener('click', (ev) => {
      const q = this.#view.click(ev);
      if (q) this.#track(q);
    });
  }

  #step() {
    if (!this.#a) return;
    this.pause();
    this.#track(this.#runs.request({ type: 'step', ticks: STEP_S }).then(() => this.#kick()));
  }

  /** A key press: the picture's own keys first when it has focus (zoom, pan), then the
   * element's shortcuts (element-keys.js, which also lists them in the help panel). */
  #onKey(ev) {
    // A modifier held: the browser's shortcut, not the element's nor the picture's.
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const target = (ev.composedPath()[0]?.tagName || '').toLowerCase();
    const command = commandFor(ev, { target, helpOpen: !this.#els.help.hidden });
    if (command !== 'close-help' && ev.composedPath()[0] === this.#els.canvas && this.#view?.onKey(ev)) {
      ev.preventDefault();
      return;
    }
    if (!command) return;
    ev.preventDefault();
    this.#command(command);
  }

  /** Does what a shortcut asks (see element-keys.js for the keys). */
  #command(command) {
    switch (command) {
      case 'play-pause':
        this.#playing ? this.pause() : this.play();
        break;
      case 'step':
        this.#step();
        break;
      case 'faster':
        this.#nudgeSpeed(1);
        break;
      case 'slower':
        this.#nudgeSpeed(-1);
        break;
      case 'previous-chapter':
      case 'next-chapter':
        this.#timeline?.jump(command === 'previous-chapter' ? -1 : 1);
        break;
      case 'slow-motion': {
        const box = this.#root.querySelector('.slowmo-box');
        box.checked = !box.checked;
        box.dispatchEvent(new Event('change'));
        break;
      }
      case 'by-state':
        this.#view.setByState(!this.#view.state.by_state);
        break;
      case 'follow':
        if (this.#view.following) this.#view.follow('');
        else this.#root.querySelector('.follow-btn').click();
        break;
      case 'reset':
        this.reset();
        break;
      case 'help':
        this.#toggleHelp(this.#els.help.hidden);
        break;
      case 'close-help':
        this.#toggleHelp(false);
        break;
      default:
    }
  }

  /** One step along the speed menu, faster (`d` 1) or slower (−1): Rust decides where to
   * (`nudge_speed`, also from a speed the menu does not list). */
  #nudgeSpeed(d) {
    this.#clock.speed = nudge_speed(this.#clock.speed, d);
    this.#syncSpeed();
    this.#updateUi(true);
    this.#emit('statechange', this.#state());
  }

  /** Opens or closes the help panel. It opens at its top (the shortcuts, then what to watch),
   * brought into view if the element's top is off the screen, with focus on its title: focusing
   * its Close button, at its end, scrolled the reader past everything in it. */
  #toggleHelp(show) {
    const help = this.#els.help;
    help.hidden = !show;
    if (!show) {
      this.focus();
      return;
    }
    help.scrollTop = 0;
    const top = help.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight - 120) help.scrollIntoView({ block: 'start' });
    this.#root.querySelector('#help-title').focus({ preventScroll: true });
  }

  /** A click crashed supernode `i` or restored it (`what`; `before`: it as it was): the notice,
   * the log and the event say so. */
  #crashedOrRestored(i, what, before) {
    const text = what === 'crashed'
      ? `You crashed supernode #${i}: its ${fmtInt(before.clients)} clients reconnect to the others.`
      : `You restored supernode #${i}: it serves again.`;
    this.#notice(text);
    this.#narrate({ t_s: this.#a.time_s(), kind: `user-${what}`, text }, this.#a.trigger_s());
    this.#emit('statechange', this.#state());
    this.#kick();
  }

  // ---- small helpers ---------------------------------------------------------------------

  #syncPlay() {
    this.#els.play.textContent = this.#playing ? 'Pause' : 'Play';
    this.#els.play.setAttribute('aria-pressed', String(this.#playing));
    this.#updateUi(true);
  }

  #syncSpeed() {
    const sel = this.#els.speed;
    if (![...sel.options].some((o) => Number(o.value) === this.#clock.speed)) {
      const o = document.createElement('option');
      o.value = String(this.#clock.speed);
      o.textContent = `${this.#clock.speed}×`;
      sel.append(o);
    }
    sel.value = String(this.#clock.speed);
  }

  #state() {
    return { playing: this.#playing, scenario: this.#scenario, seed: this.#seed, speed: this.#clock.speed, t_s: this.#a?.time_s() ?? 0 };
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /** Stops the instance and shows what went wrong (`title` heads the panel). */
  #fatal(msg, err, title = 'The simulation stopped') {
    if (this.#dead) return;
    this.#dead = true;
    this.#runs?.close();
    this.#readyReject?.(new Error(`${title}: ${msg} (${messageOf(err)})`));
    this.#readyReject = null;
    this.#readyResolve = null;
    this.#playing = false;
    if (this.#raf) cancelAnimationFrame(this.#raf);
    this.#raf = 0;
    this.#els.fatal.hidden = false;
    this.#root.querySelector('.fatal-title').textContent = title;
    this.#root.querySelector('.fatal-msg').textContent = msg;
    this.#root.querySelector('.fatal-detail').textContent = messageOf(err);
    console.error(msg, err);
  }
}

