// The element's side of its runs: it starts them in a Web Worker (run-worker.js), or, where no
// worker can be created (a Content-Security-Policy without a worker source, a browser without
// module workers or OffscreenCanvas), on the page's thread, and says why. Either way the same
// RunHost answers the same messages, and every answer updates a mirror of where each run stands,
// which the element reads without waiting.

import * as mod from '../pkg/supernode_sim.js';
import { RunHost, messageOf } from './run-host.js';

const WORKER_URL = new URL('./run-worker.js', import.meta.url);
/** How long a worker may take to load the module before the element gives up on it (ms). */
const WORKER_START_TIMEOUT_MS = 20000;

/** Where one run stands, as the last view said: read without waiting. The method names are the
 * module's `Sim`'s, for tests and the benchmark pages. */
export class RunMirror {
  t_s = 0;
  trigger = 0;
  computed = 0;
  statsObj = null;
  hashText = '';
  scenarioName = '';
  seedValue = 0;
  paramsObj = null;
  overridesObj = {};
  actionsText = '[]';
  startOverridesText = '{}';
  historyStats = { marks: 0, bytes: 0, mean_spacing_s: 0 };
  asHappenedS = -1;
  chaptersList = [];
  /** @param {RunClient} client @param {'a'|'b'} which */
  constructor(client, which) {
    this.client = client;
    this.which = which;
  }

  apply(v) {
    this.t_s = v.t_s;
    this.trigger = v.trigger_s;
    this.computed = v.computed_s;
    this.statsObj = v.stats;
    this.hashText = v.hash;
    this.scenarioName = v.scenario;
    this.seedValue = v.seed;
    this.historyStats = v.history;
    if (v.params) {
      this.paramsObj = v.params;
      this.overridesObj = v.overrides;
    }
    if (v.actions !== undefined) {
      this.actionsText = v.actions;
      this.startOverridesText = v.startOverrides;
    }
    if (v.ghost) this.asHappenedS = v.ghost.from_s;
    if (v.chapters) this.chaptersList = v.chapters;
  }

  time_s() {
    return this.t_s;
  }
  /** The latest figures (as `Sim.stats`, JSON text). */
  stats() {
    return JSON.stringify(this.statsObj);
  }
  /** The hex digest of the series so far (equal to the CLI's for the same run). */
  hash() {
    return this.hashText;
  }
  trigger_s() {
    return this.trigger;
  }
  computed_s() {
    return this.computed;
  }
  scenario() {
    return this.scenarioName;
  }
  seed() {
    return this.seedValue;
  }
  params() {
    return JSON.stringify(this.paramsObj);
  }
  overrides() {
    return JSON.stringify(this.overridesObj);
  }
  start_overrides() {
    return this.startOverridesText;
  }
  actions() {
    return this.actionsText;
  }
  history_stats() {
    return JSON.stringify(this.historyStats);
  }
  as_happened_s() {
    return this.asHappenedS;
  }
  /** A supernode's state (run A's), as a promise of the object `Sim.supernode` describes. */
  async supernode(i) {
    const r = await this.client.request({ type: 'supernode', i });
    return r.info;
  }
  /** Frees both runs under the element (for tests: its next request fails as a Rust panic
   * would, and the element shows its error panel). */
  free() {
    return this.client.request({ type: 'free' });
  }
}

export class RunClient {
  /** 'worker' or 'page'. */
  mode = 'page';
  /** Why the runs are on the page's thread (empty in a worker). */
  reason = '';
  /** Run A's and B's mirrors, the comparison sentences, the memory the runs use. */
  a = null;
  b = null;
  words = { branch: null, compare: '' };
  memoryBytes = 0;
  /** Drawing contexts of the page's canvases, used when the runs are on the page's thread. */
  contexts = { a: null, b: null };
  #worker = null;
  #host = null;
  #pending = new Map();
  #nextId = 1;
  #onView;
  #onFatal;
  #closed = false;
  /** The newest request, which settles after every earlier one (answers come in order). */
  #last = Promise.resolve();

  /** Starts the runs' home: a worker unless `worker` is false or none can start. `meta` is what
   * `loadWasm` resolved to (its compiled module goes to the worker). `onView(view, reply)` runs
   * after each answer updated the mirrors; `onFatal(message)` when the runs cannot go on. */
  static async open(meta, { onView, onFatal, worker = true }) {
    const c = new RunClient();
    c.#onView = onView;
    c.#onFatal = onFatal;
    if (worker) {
      try {
        c.#worker = await startWorker(meta.module);
        c.mode = 'worker';
        c.#worker.onmessage = (e) => c.#answer(e.data);
        c.#worker.onerror = (e) => c.#fail(`the worker stopped: ${e.message || 'unknown error'}`);
        return c;
      } catch (e) {
        c.reason = messageOf(e);
      }
    } else {
      c.reason = 'asked for (worker="off")';
    }
    c.#host = new RunHost(mod, (which, sim, draw) => {
      const ctx = c.contexts[which];
      if (ctx) sim.draw(ctx, draw.dt, draw.particles, draw.running);
    }, meta.memory);
    return c;
  }

  /** Sends one message; resolves with the answer once the mirrors hold its view. An answer with
   * an `error` rejects (a `fatal` one also stops the element). */
  request(msg, transfer = []) {
    if (this.#closed) return Promise.reject(closedError());
    const id = this.#nextId++;
    const p = new Promise((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    this.#last = p.catch(() => {});
    const m = { ...msg, id };
    if (this.#worker) this.#worker.postMessage(m, transfer);
    else this.#answer(this.#host.handle(m)[0]);
    return p;
  }

  #answer(reply) {
    const p = this.#pending.get(reply.id);
    this.#pending.delete(reply.id);
    if (reply.view) {
      const v = reply.view;
      this.a ??= new RunMirror(this, 'a');
      if (v.runs.a) this.a.apply(v.runs.a);
      if (v.runs.b) (this.b ??= new RunMirror(this, 'b')).apply(v.runs.b);
      else this.b = null;
      if (v.words) this.words = v.words;
      this.memoryBytes = v.memoryBytes;
      try {
        this.#onView?.(v, reply);
      } catch (e) {
        console.error(e);
      }
    }
    if (reply.fatal) this.#fail(reply.error);
    if (!p) return;
    if (reply.error && reply.type !== 'build' && reply.type !== 'set') p.reject(new Error(reply.error));
    else p.resolve(reply);
  }

  #fail(message) {
    if (this.#closed) return;
    this.#onFatal?.(message);
    this.close();
  }

  /** Resolves once every request sent so far is answered. */
  flush() {
    return this.#last;
  }

  /** Ends the worker (or frees the runs on the page's thread). */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    for (const { reject } of this.#pending.values()) reject(closedError());
    this.#pending.clear();
    if (this.#worker) this.#worker.terminate();
    else this.#host?.handle({ type: 'free' });
  }
}

/** The error of a request to runs that were closed (`closed` is true: not a failure of theirs). */
function closedError() {
  return Object.assign(new Error('the runs are closed'), { closed: true });
}

/** Starts a worker and hands it the compiled module; resolves once it has instantiated it, or
 * rejects saying why it could not. */
function startWorker(module) {
  if (typeof Worker !== 'function') return Promise.reject(new Error('this browser has no Web Workers'));
  if (typeof OffscreenCanvas !== 'function') return Promise.reject(new Error('this browser cannot draw in a worker (no OffscreenCanvas)'));
  if (!module) return Promise.reject(new Error('the module was not compiled for sharing'));
  return new Promise((resolve, reject) => {
    let w;
    let boot = null;
    try {
      // The document's own origin (`self.origin`: "null" in a sandboxed frame), not its URL's.
      if (WORKER_URL.origin === (globalThis.origin ?? location.origin)) {
        w = new Worker(WORKER_URL, { type: 'module', name: 'supernode-sim' });
      } else {
        // The element was loaded from another origin (a CDN, or into a sandboxed frame, whose
        // origin is opaque). A worker's script must be of the page's origin, so a small script of
        // this origin imports the worker's module (which its host serves with CORS, as it does
        // the element's). A classic script, because Chromium starts no module worker from a blob
        // in an opaque origin; it keeps the messages that arrive before the module is in.
        const src = [
          'const early = []; self.onmessage = (e) => early.push(e);',
          `import(${JSON.stringify(WORKER_URL.href)}).then(`,
          '  () => { for (const e of early) self.onmessage(e); },',
          "  (err) => self.postMessage({ type: 'failed', error: String(err && err.message || err) }));",
        ].join('\n');
        boot = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
        w = new Worker(boot, { name: 'supernode-sim' });
      }
    } catch (e) {
      reject(new Error(`no worker could be created (${messageOf(e)})`));
      return;
    }
    const done = (err) => {
      clearTimeout(timer);
      if (boot) URL.revokeObjectURL(boot);
      w.onmessage = null;
      w.onerror = null;
      if (err) {
        w.terminate();
        reject(err);
      } else {
        resolve(w);
      }
    };
    const timer = setTimeout(() => done(new Error('the worker did not start in time')), WORKER_START_TIMEOUT_MS);
    w.onerror = (e) => {
      e.preventDefault?.();
      const csp = `blocked, perhaps by the page's Content-Security-Policy, which must allow worker-src ${boot ? 'blob:' : "'self'"}`;
      done(new Error(`the worker could not start (${e.message || csp})`));
    };
    w.onmessage = (e) => {
      if (e.data?.type === 'ready') done(null);
      else if (e.data?.type === 'failed') done(new Error(`the worker could not load the module (${e.data.error})`));
    };
    w.postMessage({ type: 'init', module });
  });
}
