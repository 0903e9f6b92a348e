// The runs behind one <supernode-sim> — run A, and run B during an A/B comparison — and everything
// the element asks of them: build, step, go back to a mark, change, draw. It lives in the
// element's Web Worker (run-worker.js), or on the page's thread where no worker can be created
// (run-client.js). Both speak the same messages, so the element behaves the same either way.
// It touches no DOM: frames leave through the `present` function it is given.
//
// Every reply carries a view of each run: what changed since the last view (new samples of the
// chart's columns, new narration, parameters, the clock), so the page keeps a mirror and never
// waits on the runs to read them.

/** Ticks to step now, at most `n`, so that a step which saves one of the run's marks (about 35 ms
 * at real scale) does nothing else: up to just before the mark, or the one tick that saves it.
 * Returns `[ticks, savesMark]`. */
function sliceToMark(sim, n) {
  const k = sim.ticks_to_mark();
  if (k > n) return [n, false];
  if (k > 1) return [k - 1, false];
  return [1, true];
}

/** The words of an error thrown by the module or by JS. */
export function messageOf(e) {
  if (e == null) return 'unknown error';
  if (typeof e === 'string') return e;
  return e.message || String(e);
}

/** How often, at most, the comparison sentences are worked out again (ms of real time). */
const WORDS_EVERY_MS = 1000;
/** Computing ahead: it starts once the clock has asked for no ticks for this long (ms), runs in
 * slices of about this long (ms), and tells the page where it is at most this often (ms). */
const AHEAD_AFTER_IDLE_MS = 400;
const AHEAD_SLICE_MS = 20;
const AHEAD_VIEW_EVERY_MS = 250;
/** While a seek replays to its time, a frame at most this often (ms). */
const REPLAY_FRAME_EVERY_MS = 250;

/** What a view already told the page about one run, so the next view sends only what is new. */
class Sent {
  samples = 0;
  events = 0;
  chapters = '';
  ghostS = -2;
  hashAt = -1;
  hash = '';
  params = '';
  actions = '';
}

export class RunHost {
  /** `mod`: the module's exports (`Sim` and friends); `present(which, sim, draw)`: puts a drawn
   * frame of run `which` ('a' or 'b') where the page sees it, returning what the reply must
   * transfer (or nothing). `memory`: the module's memory, for the views' figure. `emit(reply)`:
   * sends the page a view it did not ask for; given in a worker, which then computes ahead of
   * the playhead while the clock is idle (on the page's thread that would take the page's time). */
  constructor(mod, present, memory, emit = null) {
    this.mod = mod;
    this.present = present;
    this.memory = memory;
    this.emit = emit;
    /** How far computing ahead goes (the scenario's horizon, s). */
    this.horizonS = 0;
    /** When the clock last asked for ticks (ms), and the pending slice of computing ahead. */
    this.busyAt = 0;
    this.aheadTimer = 0;
    this.aheadViewAt = 0;
    /** When a frame was last drawn (ms). */
    this.drawnAt = -Infinity;
    /** Whether the element is on screen in a visible tab (only then does it compute ahead). */
    this.seen = false;
    /** @type {{a: any, b: any}} */
    this.runs = { a: null, b: null };
    this.sent = { a: new Sent(), b: new Sent() };
    /** Columns the page's chart reads, sent as they grow. */
    this.columns = ['t_s'];
    this.msPerTick = 0.3;
    this.epoch = 0;
    this.rewound = false;
    this.wordsAt = -Infinity;
    this.words = { compare: '', branch: 'null' };
    this.ab = null;
    this.budget = 0;
    /** Where the reader looks (kept across new runs), whom they follow ('': nobody), and the
     * story last sent. */
    this.look = null;
    this.following = '';
    this.storyText = '';
  }

  /** Handles one message from the element; returns `[reply, transfer]`. */
  handle(msg) {
    let reply;
    const transfer = [];
    try {
      reply = this[`on_${msg.type}`](msg, transfer) ?? {};
    } catch (e) {
      reply = { error: messageOf(e), fatal: e instanceof WebAssembly.RuntimeError };
    }
    reply.id = msg.id;
    reply.type = msg.type;
    if (msg.ticks > 0 || msg.target != null || msg.type === 'build') this.busyAt = performance.now();
    if (this.emit && this.runs.a) this.#scheduleAhead(AHEAD_AFTER_IDLE_MS);
    if (this.runs.a && !reply.fatal) {
      try {
        // The sentences are worked out at most once a second while the clock runs, and always
        // when it stops somewhere: after any other request, a seek that arrived, a paused frame.
        const still = msg.type !== 'work' || (msg.target != null ? reply.caughtUp : !msg.ticks);
        reply.view = this.view(still);
      } catch (e) {
        reply.error = messageOf(e);
        reply.fatal = true;
      }
    }
    return [reply, transfer];
  }

  #free(which) {
    try {
      this.runs[which]?.free();
    } catch {
      /* already gone */
    }
    this.runs[which] = null;
    this.sent[which] = new Sent();
  }

  /** A new run A (and B when `b` holds B's overrides): parameters checked in Rust; a bad set
   * falls back to the scenario's own, with the reason in `error`. `actions` (a shared link's
   * log) is scheduled on both; a bad log is ignored whole, with the reason in `actionsError`. */
  on_build({ scenario, seed, overrides, b, ab, actions, columns, horizon_s: horizonS }) {
    const { Sim } = this.mod;
    if (columns) this.columns = columns;
    if (horizonS) this.horizonS = horizonS;
    this.#free('a');
    this.#free('b');
    const out = {};
    try {
      this.runs.a = new Sim(scenario, seed, overrides || '');
    } catch (e) {
      out.error = messageOf(e);
      this.runs.a = new Sim(scenario, seed, '');
    }
    if (b != null) {
      this.runs.b = new Sim(scenario, seed, b);
      if (ab) this.ab = ab;
    } else {
      this.ab = null;
    }
    if (this.palette) for (const which of ['a', 'b']) this.runs[which]?.set_palette(this.palette);
    for (const which of ['a', 'b']) if (this.sizes?.[which]) this.runs[which]?.resize(...this.sizes[which]);
    // A new run keeps where the reader was looking and whom they followed.
    if (this.look) this.#applyView([{ op: 'set', ...this.look, animate: false }]);
    if (this.following) {
      try {
        for (const which of ['a', 'b']) this.runs[which]?.follow(this.following);
      } catch {
        this.following = '';
      }
    }
    this.storyText = '';
    if (actions) {
      try {
        this.runs.a.replay(actions);
        this.runs.b?.replay(actions);
      } catch (e) {
        out.actionsError = messageOf(e);
      }
    }
    if (this.budget) this.on_budget({ bytes: this.budget });
    this.epoch++;
    this.rewound = false;
    this.wordsAt = -Infinity;
    return out;
  }

  /** Stops the comparison, keeping run A. */
  on_dropB() {
    this.#free('b');
    this.ab = null;
    return {};
  }

  /** The memory budget of each run's marks. */
  on_budget({ bytes }) {
    this.budget = bytes;
    for (const which of ['a', 'b']) this.runs[which]?.set_history_budget(bytes);
    return {};
  }

  on_resize({ which, w, h, dpr }) {
    (this.sizes ??= {})[which] = [w, h, dpr];
    this.runs[which]?.resize(w, h, dpr);
    return {};
  }

  on_palette({ palette }) {
    this.palette = palette;
    for (const which of ['a', 'b']) this.runs[which]?.set_palette(palette);
    return {};
  }

  /** Which shipped mark run A would take to show `t` (`index`: the marks' index), and its key:
   * `t` is −1 if none is worth fetching. */
  on_wanted({ index, t }) {
    const a = this.runs.a;
    return { t: a.mark_wanted(index, t), key: a.run_key() };
  }

  /** Takes a shipped mark (its bytes) into run A's history; a seek then starts from it. */
  on_adopt({ bytes }) {
    return { adopted: this.runs.a.adopt_mark(new Uint8Array(bytes)) };
  }

  /** Goes back (or forward) to the latest mark at or before `t` on both runs. */
  on_seek({ t }) {
    const { a, b } = this.runs;
    const moved = a.seek_mark(t) | (b ? b.seek_mark(t) : false);
    if (moved) this.#rewind();
    // A mark always exists at or before any time; were one to fail, the page starts again.
    return { behind: t < a.time_s() || (b && t < b.time_s()) };
  }

  #rewind() {
    this.rewound = true;
    for (const which of ['a', 'b']) {
      const s = this.sent[which];
      s.samples = 0;
      s.events = 0;
      s.chapters = -1;
      s.ghostS = -2;
    }
  }

  /** One frame's work: a timeline drag's preview (the nearest mark, no stepping), a seek's
   * catching up (slices until `budgetMs`), or playing `ticks` ticks (B runs as many as A); then
   * both runs drawn. `yieldAtMark` (on the page's thread): a step that saved a mark ends the
   * request, so that no task runs long. Returns what ran and where things stand. */
  on_work({ ticks = 0, target = null, preview = null, budgetMs = 9, yieldAtMark = false, draw = null, marks = [], viewOps = [] }, transfer) {
    const { a, b } = this.runs;
    const t0 = performance.now();
    if (viewOps.length) this.#applyView(viewOps);
    let ran = 0;
    let caughtUp = true;
    if (preview !== null) {
      const moved = a.seek_mark(preview) | (b ? b.seek_mark(a.time_s()) : false);
      if (moved) this.#rewind();
    }
    if (target !== null) {
      const deadline = t0 + budgetMs;
      const behind = (sim) => !!sim && sim.time_s() < target;
      let saved = false;
      while ((behind(a) || behind(b)) && performance.now() < deadline) {
        for (const sim of [a, b]) {
          if (!behind(sim)) continue;
          const left = deadline - performance.now();
          const want = Math.max(1, Math.min(600, target - sim.time_s(), Math.floor(left / this.msPerTick)));
          const [n, mark] = sliceToMark(sim, want);
          const s0 = performance.now();
          const r = sim.step(n);
          if (r > 0 && !mark) this.msPerTick = 0.8 * this.msPerTick + 0.2 * Math.max(0.005, (performance.now() - s0) / r);
          if (mark) saved = true;
        }
        // On the page's thread a frame that saved a mark does nothing more; a worker goes on.
        if (saved && yieldAtMark) break;
      }
      caughtUp = !behind(a) && !behind(b);
    } else if (ticks > 0) {
      const deadline = t0 + budgetMs;
      let left = Math.floor(ticks);
      while (left > 0) {
        const [n, mark] = sliceToMark(a, Math.max(1, Math.min(left, Math.floor((deadline - performance.now()) / this.msPerTick))));
        const s0 = performance.now();
        const r = a.step(n);
        if (b) b.step(r);
        // The cost of a tick of the frame (both runs' when comparing), which sizes the next slices.
        if (r > 0 && !mark) this.msPerTick = 0.8 * this.msPerTick + 0.2 * Math.max(0.005, (performance.now() - s0) / r);
        ran += r;
        left -= r;
        if (r === 0 || performance.now() >= deadline || (mark && yieldAtMark)) break;
      }
    }
    const out = { ran, caughtUp, ms: performance.now() - t0, msPerTick: this.msPerTick };
    // A replay that has not arrived draws a few frames a second (its progress), not one per slice:
    // the time goes to stepping.
    const replaying = target !== null && !caughtUp;
    if (draw && (!replaying || t0 - this.drawnAt >= REPLAY_FRAME_EVERY_MS)) {
      this.drawnAt = t0;
      out.drawn = true;
      for (const which of ['a', 'b']) {
        const sim = this.runs[which];
        if (!sim) continue;
        const t = this.present(which, sim, draw);
        if (t) transfer.push(t);
        if (t) (out.frames ??= {})[which] = t;
      }
      out.marks = marks.map((i) => (i >= 0 ? JSON.parse(a.supernode(i)) : null));
      // Where the picture looks (`view` is the runs' own: where each stands).
      out.look = JSON.parse(a.view());
      this.look = { zoom: out.look.zoom, centre_x: out.look.centre_x, centre_y: out.look.centre_y, by_state: out.look.by_state };
      const story = this.following ? a.story() : 'null';
      if (story !== this.storyText) {
        this.storyText = story;
        out.story = JSON.parse(story);
      }
      out.followAt = this.following ? JSON.parse(a.follow_mark()) : null;
    }
    return out;
  }

  /** The reader's moves of the picture, in order, on both runs' frames: `zoom` by `factor` about
   * `(x, y)`, `pan` by `(dx, dy)` (device pixels), `set` a whole view, `zoomTo` supernode `i`. */
  #applyView(ops) {
    for (const sim of [this.runs.a, this.runs.b]) {
      if (!sim) continue;
      for (const o of ops) {
        if (o.op === 'zoom') sim.zoom_about(o.factor, o.x, o.y);
        else if (o.op === 'pan') sim.pan(o.dx, o.dy);
        else if (o.op === 'set') sim.set_view(o.zoom, o.centre_x, o.centre_y, !!o.by_state, !!o.animate);
        else if (o.op === 'zoomTo') sim.zoom_to(o.i);
      }
    }
  }

  /** Follows a supernode (`'31204'`) or a client (`'31204.17'`) on both runs (`''` stops); the
   * story so far. A target that is no supernode or client of this run is an error that says what
   * is allowed. */
  on_follow({ target }) {
    const t = String(target ?? '');
    this.runs.a.follow(t);
    this.runs.b?.follow(t);
    this.following = t;
    this.storyText = this.runs.a.story();
    return { following: t, story: JSON.parse(this.storyText) };
  }

  /** One step of a simulated minute (the Step button). */
  on_step({ ticks }) {
    const ran = this.runs.a.step(ticks);
    this.runs.b?.step(ran);
    return { ran };
  }

  /** Sets parameters on both runs (checked on the page already). A change to the network's
   * makeup starts both runs again, each with its own parameters. */
  on_set({ pairs, scenario, seed }) {
    let live = true;
    for (const [k, text] of pairs) {
      if (!this.runs.a.set_param(k, text)) live = false;
      this.runs.b?.set_param(k, text);
    }
    if (live) return { restarted: false };
    const aO = this.runs.a.overrides();
    const bO = this.runs.b ? this.runs.b.overrides() : null;
    const r = this.on_build({ scenario, seed, overrides: aO, b: bO, ab: this.ab });
    return { restarted: true, overrides: aO, bOverrides: bO, error: r.error };
  }

  on_intervene({ what }) {
    const done = this.runs.a.intervene(what);
    this.runs.b?.intervene(what);
    return { done };
  }

  /** Crashes or restores supernode `i` in both runs. */
  on_toggle({ i }) {
    const before = JSON.parse(this.runs.a.supernode(i));
    const what = this.runs.a.toggle(i);
    if (what) this.runs.b?.toggle(i);
    return { what, before };
  }

  /** The supernode under a point of run A's picture, and its state; with `client`, also the
   * client there (`'i.k'`, or `''`) when each client is drawn. */
  on_hit({ x, y, client = false }) {
    const i = this.runs.a.hit(x, y);
    return { i, info: i >= 0 ? JSON.parse(this.runs.a.supernode(i)) : null, client: client ? this.runs.a.hit_client(x, y) : '' };
  }

  on_supernode({ i }) {
    return { info: JSON.parse(this.runs.a.supernode(i)) };
  }

  /** Everything the exports need: the CSV text and the CLI's JSON parts. */
  on_export() {
    const a = this.runs.a;
    const csv = a.csv();
    const names = csv.split('\n', 1)[0].split(',');
    return {
      csv,
      params: a.params(),
      series: Object.fromEntries(names.map((n) => [n, Array.from(a.column(n, 0))])),
      events: a.events(0),
      summary: a.summary(),
      hash: a.hash(),
    };
  }

  /** The element is on screen in a visible tab (`on`), or not: an instance nobody sees
   * computes nothing, ahead or otherwise. */
  on_seen({ on }) {
    this.seen = !!on;
    return {};
  }

  #scheduleAhead(ms) {
    if (!this.aheadTimer) this.aheadTimer = setTimeout(() => this.#ahead(), ms);
  }

  /** One slice of computing ahead, while the clock is idle: each run's copy goes on beyond the
   * furthest time computed (marks, series and narration, as if the run had gone there), up to
   * the scenario's horizon; the page hears where it is a few times a second. */
  #ahead() {
    this.aheadTimer = 0;
    const { a, b } = this.runs;
    if (!a || !this.horizonS || !this.seen) return;
    const idle = performance.now() - this.busyAt;
    if (idle < AHEAD_AFTER_IDLE_MS) return this.#scheduleAhead(AHEAD_AFTER_IDLE_MS - idle);
    let ran = 0;
    try {
      const n = Math.max(1, Math.min(600, Math.floor(AHEAD_SLICE_MS / this.msPerTick)));
      for (const sim of [a, b]) if (sim) ran += sim.compute_ahead(n, this.horizonS);
      const now = performance.now();
      if (ran === 0 || now - this.aheadViewAt > AHEAD_VIEW_EVERY_MS) {
        this.aheadViewAt = now;
        this.emit({ type: 'ahead', view: this.view(ran === 0) });
      }
    } catch (e) {
      this.emit({ type: 'ahead', error: messageOf(e), fatal: true });
      return;
    }
    if (ran > 0) this.#scheduleAhead(0);
  }

  /** Frees both runs (the element is gone, or a test asks). */
  on_free() {
    clearTimeout(this.aheadTimer);
    this.aheadTimer = 0;
    this.#free('a');
    this.#free('b');
    return {};
  }

  /** Where each run stands, and what is new since the last view. `forceWords`: work out the
   * comparison sentences now rather than at most once a second. */
  view(forceWords) {
    const out = { epoch: this.epoch, rewound: this.rewound, runs: {} };
    this.rewound = false;
    const now = performance.now();
    const words = forceWords || now - this.wordsAt > WORDS_EVERY_MS;
    if (words) this.wordsAt = now;
    for (const which of ['a', 'b']) {
      const sim = this.runs[which];
      if (!sim) continue;
      const s = this.sent[which];
      const stats = JSON.parse(sim.stats());
      const v = { t_s: stats.t_s, trigger_s: sim.trigger_s(), computed_s: sim.computed_s(), stats, scenario: sim.scenario(), seed: sim.seed() };
      v.history = JSON.parse(sim.history_stats());
      if (stats.samples !== s.samples) {
        if (stats.samples < s.samples) s.samples = 0;
        v.samplesFrom = s.samples;
        v.columns = {};
        for (const c of this.columns) v.columns[c] = sim.column(c, s.samples);
        s.samples = stats.samples;
      }
      if (stats.samples !== s.hashAt) {
        s.hashAt = stats.samples;
        s.hash = sim.hash();
      }
      v.hash = s.hash;
      if (stats.events > s.events) {
        v.eventsFrom = s.events;
        v.events = JSON.parse(sim.events(s.events));
        s.events = stats.events;
      }
      // The timeline's chapters: everything computed on this branch, ahead of now too (checked
      // again with the sentences, about once a second, as computing ahead adds to them).
      const chaptersKey = words ? `${stats.events}/${v.computed_s}` : s.chapters.replace(/^\d+\//, `${stats.events}/`);
      if (chaptersKey !== s.chapters) {
        s.chapters = chaptersKey;
        v.chapters = JSON.parse(sim.chapters());
      }
      const params = sim.params();
      if (params !== s.params) {
        s.params = params;
        v.params = JSON.parse(params);
        v.overrides = JSON.parse(sim.overrides());
      }
      const actions = sim.actions();
      if (actions !== s.actions) {
        s.actions = actions;
        v.actions = actions;
        v.startOverrides = sim.start_overrides();
      }
      const g = sim.as_happened_s();
      if (g !== s.ghostS) {
        s.ghostS = g;
        v.ghost = { from_s: g, columns: {} };
        if (g >= 0) for (const c of this.columns) v.ghost.columns[c] = sim.as_happened_column(c);
      }
      if (words && which === 'a') {
        this.words.branch = g >= 0 ? sim.branch_words() : 'null';
        if (this.runs.b && this.ab) this.words.compare = sim.compare_words(this.runs.b, this.ab.key, this.ab.a, this.ab.b);
      }
      out.runs[which] = v;
    }
    if (words) out.words = { branch: JSON.parse(this.words.branch), compare: this.runs.b ? this.words.compare : '' };
    out.memoryBytes = this.memory?.buffer.byteLength ?? 0;
    return out;
  }

}
