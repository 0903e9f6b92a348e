// How the reader looks at the picture: zoom (wheel with Ctrl or once the picture has focus,
// pinch, double-click, keys, the + and − buttons), pan (drag, arrow keys when zoomed), the
// by-state view, and following one supernode with its story. The runs own the view (the Rust
// renderer's `View`, where the limits and the maths are); this module sends them what the
// reader did, and until their next frame arrives it shows the last frame moved the same way, so
// zooming and panning answer at once, at the display's rate, whatever the model costs.

/** Zoom per button press or key, and per 100 px of wheel. */
const ZOOM_STEP = 1.6;
const WHEEL_PER_100PX = 1.25;
/** Display frames a button's or key's zoom is spread over. */
const ZOOM_FRAMES = 8;
/** A pointer that moves further than this (CSS px) while pressed pans instead of clicking. */
const DRAG_PX = 4;
/** How long a click waits to see whether it is a double-click (ms). */
const DOUBLE_CLICK_MS = 260;
/** Story lines shown (the latest). */
const STORY_LINES = 5;

/** An affine map x → s·x + t of device pixels. */
const IDENTITY = Object.freeze({ s: 1, tx: 0, ty: 0 });
const then = (m, op) => {
  if (op.op === 'zoom') return { s: op.factor * m.s, tx: op.factor * (m.tx - op.x) + op.x, ty: op.factor * (m.ty - op.y) + op.y };
  if (op.op === 'pan') return { s: m.s, tx: m.tx + op.dx, ty: m.ty + op.dy };
  return m;
};

export class PictureView {
  /** What the runs said of the view last: zoom, centre, by_state, clients_shown, animating,
   * groups. */
  state = { zoom: 1, centre_x: 0.5, centre_y: 0.5, by_state: false, clients_shown: false, animating: false, groups: [] };
  /** Whom the reader follows (a supernode `'31204'` or a client `'31204.17'`; `''`: nobody), and
   * the story as the runs last told it. */
  following = '';
  story = null;
  /** Whether the next click on the picture follows (the Follow button) rather than crashes. */
  picking = false;
  #ops = [];
  #sentXf = IDENTITY;
  #newXf = IDENTITY;
  #bitmap = null;
  #drag = null;
  #pinch = new Map();
  #clickTimer = 0;
  #o;

  /** `o`: { stage, canvas, tools, groups, story, dpr(), kick(), request(msg), onClick(ev, follow),
   * onChange(), bg(), reducedMotion() } */
  constructor(o) {
    this.#o = o;
    const t = o.tools;
    t.querySelector('.zoom-in').addEventListener('click', () => this.zoomBy(ZOOM_STEP));
    t.querySelector('.zoom-out').addEventListener('click', () => this.zoomBy(1 / ZOOM_STEP));
    t.querySelector('.zoom-whole').addEventListener('click', () => this.whole());
    t.querySelector('.by-state').addEventListener('click', () => this.setByState(!this.state.by_state));
    t.querySelector('.follow-btn').addEventListener('click', () => {
      if (this.following) return this.follow('');
      this.picking = !this.picking;
      this.#sync();
    });
    o.story.querySelector('.story-stop').addEventListener('click', () => this.follow(''));
    o.story.querySelector('.story-zoom').addEventListener('click', () => {
      if (this.following) this.#push({ op: 'zoomTo', i: Number(this.following.split('.')[0]) });
    });
    const c = o.canvas;
    c.addEventListener('wheel', (ev) => this.#onWheel(ev), { passive: false });
    c.addEventListener('pointerdown', (ev) => this.#onDown(ev));
    c.addEventListener('pointermove', (ev) => this.#onMove(ev));
    c.addEventListener('pointerup', (ev) => this.#onUp(ev));
    c.addEventListener('pointercancel', (ev) => this.#onUp(ev));
    c.addEventListener('dblclick', (ev) => {
      ev.preventDefault();
      clearTimeout(this.#clickTimer);
      this.#clickTimer = 0;
      const p = this.#point(ev);
      this.#zoomAbout(ev.shiftKey ? 1 / 2 : 2, p.x, p.y);
    });
    this.#sync();
  }

  /** Whether moves wait for the next request. */
  get pending() {
    return this.#ops.length > 0;
  }

  /** The view changes the next request carries (and the frame it brings will show). */
  takeOps() {
    const ops = this.#ops;
    this.#ops = [];
    this.#sentXf = this.#compose(this.#sentXf, this.#newXf);
    this.#newXf = IDENTITY;
    return ops;
  }

  #compose(a, b) {
    // b after a.
    return { s: b.s * a.s, tx: b.s * a.tx + b.tx, ty: b.s * a.ty + b.ty };
  }

  /** A reply from the runs: the view and story they now hold; `drawn`, a new frame is on the canvas
   * (the moves sent with it are in it). Returns whether frames are still wanted (a glide). */
  reply(r) {
    if (r.drawn) this.#sentXf = IDENTITY;
    if (r.look) {
      const was = this.state;
      this.state = r.look;
      if (was.by_state !== r.look.by_state || was.clients_shown !== r.look.clients_shown || was.zoom !== r.look.zoom) this.#sync();
      this.#labels();
    }
    if (r.story !== undefined) {
      this.story = r.story;
      this.#showStory();
    }
    return !!this.state.animating;
  }

  /** Keeps the last frame (a bitmap from the worker) to move while the next is drawn. */
  keep(bitmap) {
    if (this.#bitmap && this.#bitmap !== bitmap) this.#bitmap.close?.();
    this.#bitmap = bitmap;
  }

  /** Whether the reader has moved the picture since the frame on the canvas was drawn. */
  get moved() {
    const m = this.#compose(this.#sentXf, this.#newXf);
    return m.s !== 1 || m.tx !== 0 || m.ty !== 0;
  }

  /** Shows the last frame moved as the reader has moved it since (until the runs' frame comes). */
  preview(ctx) {
    if (!this.#bitmap || !ctx) return;
    const m = this.#compose(this.#sentXf, this.#newXf);
    ctx.save();
    ctx.fillStyle = this.#o.bg();
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.setTransform(m.s, 0, 0, m.s, m.tx, m.ty);
    ctx.drawImage(this.#bitmap, 0, 0);
    ctx.restore();
  }

  #push(op) {
    this.#ops.push(op);
    this.#newXf = then(this.#newXf, op);
    this.#o.kick(true);
    this.#o.onChange?.();
  }

  #zoomAbout(factor, x, y) {
    if (this.state.by_state) return;
    const z = this.state.zoom * this.#compose(this.#sentXf, this.#newXf).s;
    // Within the renderer's limits (it clamps too; this keeps the preview from overshooting).
    const f = Math.min(Math.max(factor, 1 / z), this.maxZoom / z);
    if (Math.abs(f - 1) < 1e-6) return;
    this.#push({ op: 'zoom', factor: f, x, y });
  }

  /** The renderer's closest zoom (from the module's limits). */
  maxZoom = 64;

  /** Zooms by `factor` about the picture's middle, over a few display frames (at once for a
   * reader who asks for reduced motion). */
  zoomBy(factor) {
    const c = this.#o.canvas;
    const steps = this.#o.reducedMotion() ? 1 : ZOOM_FRAMES;
    const f = factor ** (1 / steps);
    let n = 0;
    const step = () => {
      this.#zoomAbout(f, c.width / 2, c.height / 2);
      if (++n < steps) requestAnimationFrame(step);
    };
    step();
  }

  /** Back to the whole overlay. */
  whole() {
    this.#push({ op: 'set', zoom: 1, centre_x: 0.5, centre_y: 0.5, by_state: this.state.by_state });
    this.#newXf = IDENTITY;
    this.#sentXf = IDENTITY;
  }

  /** The by-state view on or off (the supernodes glide). */
  setByState(on) {
    this.#push({ op: 'set', zoom: 1, centre_x: 0.5, centre_y: 0.5, by_state: !!on, animate: !this.#o.reducedMotion() });
    this.#newXf = IDENTITY;
    this.#sentXf = IDENTITY;
    this.state = { ...this.state, by_state: !!on, animating: true };
    this.#sync();
  }

  /** Restores a view: `zoom`, `centre_x`, `centre_y`, `by_state` (no glide). */
  restore(v) {
    this.#push({ op: 'set', zoom: v.zoom ?? 1, centre_x: v.centre_x ?? 0.5, centre_y: v.centre_y ?? 0.5, by_state: !!v.by_state, animate: false });
  }

  /** Follows a supernode (`'31204'`) or a client (`'31204.17'`); `''` stops. */
  async follow(target) {
    this.picking = false;
    const r = await this.#o.request({ type: 'follow', target: String(target) });
    this.following = r.following;
    this.story = r.story;
    this.#showStory();
    this.#sync();
    this.#o.onChange?.();
    this.#o.kick(true);
  }

  /** Keys while the picture has focus: + − 0 zoom, arrows pan when zoomed in. Returns whether
   * the key was handled. */
  onKey(ev) {
    const step = 60 * this.#o.dpr();
    switch (ev.key) {
      case '+':
      case '=':
        this.zoomBy(ZOOM_STEP);
        return true;
      case '-':
      case '_':
        this.zoomBy(1 / ZOOM_STEP);
        return true;
      case '0':
        this.whole();
        return true;
      case 'ArrowLeft':
      case 'ArrowRight':
      case 'ArrowUp':
      case 'ArrowDown':
        if (this.state.zoom <= 1 || this.state.by_state) return false;
        this.#push({ op: 'pan', dx: ev.key === 'ArrowLeft' ? step : ev.key === 'ArrowRight' ? -step : 0, dy: ev.key === 'ArrowUp' ? step : ev.key === 'ArrowDown' ? -step : 0 });
        return true;
      default:
        return false;
    }
  }

  #point(ev) {
    const r = this.#o.canvas.getBoundingClientRect();
    const dpr = this.#o.dpr();
    return { x: (ev.clientX - r.left) * dpr, y: (ev.clientY - r.top) * dpr };
  }

  /** The wheel zooms when the picture has focus or with Ctrl (a trackpad's pinch); otherwise the
   * page scrolls, and a hint says how to zoom. */
  #onWheel(ev) {
    const focused = this.#o.canvas.matches(':focus');
    if (!focused && !ev.ctrlKey) {
      this.#hint();
      return;
    }
    ev.preventDefault();
    const px = ev.deltaMode === 1 ? ev.deltaY * 16 : ev.deltaMode === 2 ? ev.deltaY * 400 : ev.deltaY;
    const p = this.#point(ev);
    this.#zoomAbout(WHEEL_PER_100PX ** (-px / 100), p.x, p.y);
  }

  #hintTimer = 0;
  #hint() {
    const h = this.#o.tools.querySelector('.zoom-hint');
    h.hidden = false;
    clearTimeout(this.#hintTimer);
    this.#hintTimer = setTimeout(() => (h.hidden = true), 1800);
  }

  #onDown(ev) {
    const p = this.#point(ev);
    this.#pinch.set(ev.pointerId, p);
    if (this.#pinch.size === 1) this.#drag = { id: ev.pointerId, x: p.x, y: p.y, moved: false };
    else this.#drag = null;
  }

  #onMove(ev) {
    if (!this.#pinch.has(ev.pointerId)) return;
    const p = this.#point(ev);
    if (this.#pinch.size === 2) {
      // Two fingers: zoom by the change in their distance, about their middle.
      const [a, b] = [...this.#pinch.values()];
      const other = a === this.#pinch.get(ev.pointerId) ? b : a;
      const before = Math.hypot(this.#pinch.get(ev.pointerId).x - other.x, this.#pinch.get(ev.pointerId).y - other.y);
      const after = Math.hypot(p.x - other.x, p.y - other.y);
      this.#pinch.set(ev.pointerId, p);
      if (before > 0) this.#zoomAbout(after / before, (p.x + other.x) / 2, (p.y + other.y) / 2);
      return;
    }
    this.#pinch.set(ev.pointerId, p);
    const d = this.#drag;
    if (!d || d.id !== ev.pointerId) return;
    const dpr = this.#o.dpr();
    if (!d.moved && Math.hypot(p.x - d.x, p.y - d.y) / dpr < DRAG_PX) return;
    if (this.state.zoom <= 1 || this.state.by_state) return;
    if (!d.moved) this.#o.canvas.setPointerCapture?.(ev.pointerId);
    d.moved = true;
    this.#push({ op: 'pan', dx: p.x - d.x, dy: p.y - d.y });
    d.x = p.x;
    d.y = p.y;
  }

  #onUp(ev) {
    this.#pinch.delete(ev.pointerId);
    if (this.#drag?.id === ev.pointerId && this.#drag.moved) this.#dragged = true;
    if (this.#pinch.size === 0) this.#drag = null;
  }

  #dragged = false;

  /** A click on the picture: after a drag, nothing; else, once it is clear it is not a
   * double-click, the element's (crash or restore), or following with Shift or the Follow button. */
  click(ev) {
    if (this.#dragged) {
      this.#dragged = false;
      return null;
    }
    clearTimeout(this.#clickTimer);
    const follow = this.picking || ev.shiftKey;
    return new Promise((resolve) => {
      this.#clickTimer = setTimeout(() => {
        this.#clickTimer = 0;
        resolve(this.#o.onClick(ev, follow));
      }, DOUBLE_CLICK_MS);
    });
  }

  /** Buttons' states and the picture's labels. */
  #sync() {
    const t = this.#o.tools;
    const by = t.querySelector('.by-state');
    by.setAttribute('aria-pressed', String(!!this.state.by_state));
    for (const b of t.querySelectorAll('.zoom-in, .zoom-out, .zoom-whole')) b.disabled = !!this.state.by_state;
    const f = t.querySelector('.follow-btn');
    f.setAttribute('aria-pressed', String(this.picking || !!this.following));
    f.textContent = this.following ? 'Unfollow' : this.picking ? 'Pick one…' : 'Follow';
    f.title = this.following
      ? 'Stop following'
      : 'Then click a supernode, or a client when zoomed in, to follow it and read its story (or Shift+click one)';
    this.#o.canvas.style.cursor = this.picking ? 'pointer' : this.state.zoom > 1 && !this.state.by_state ? 'grab' : '';
    this.#o.canvas.style.touchAction = this.state.zoom > 1 && !this.state.by_state ? 'none' : 'pan-x pan-y';
    const z = t.querySelector('.zoom-level');
    z.textContent = this.state.by_state ? 'by state' : `${this.state.zoom < 10 ? this.state.zoom.toFixed(1) : Math.round(this.state.zoom)}×${this.state.clients_shown ? ' · clients' : ''}`;
    this.#o.stage.classList.toggle('grouped', !!this.state.by_state);
    this.#o.stage.classList.toggle('close', !!this.state.clients_shown);
  }

  #labels() {
    const box = this.#o.groups;
    const groups = this.state.by_state ? this.state.groups ?? [] : [];
    box.hidden = groups.length === 0;
    const dpr = this.#o.dpr();
    while (box.children.length > groups.length) box.lastChild.remove();
    groups.forEach((g, k) => {
      let el = box.children[k];
      if (!el) {
        el = document.createElement('div');
        el.className = 'group';
        el.append(document.createElement('b'), document.createElement('span'));
        box.append(el);
      }
      el.dataset.state = g.state;
      el.style.left = `${g.x / dpr}px`;
      el.style.top = `${g.y / dpr}px`;
      el.firstChild.textContent = g.count.toLocaleString('en');
      el.lastChild.textContent = g.label;
    });
  }

  #showStory() {
    const box = this.#o.story;
    const s = this.story;
    box.hidden = !s;
    this.#o.stage.classList.toggle('following', !!s);
    if (!s) return;
    const list = box.querySelector('ol');
    const lines = s.lines.slice(-STORY_LINES);
    const key = `${s.index ?? s.client}/${s.lines.length}/${s.lines.at(-1)?.t_s}/${s.lines.at(-1)?.text}`;
    if (list.dataset.key === key) return;
    list.dataset.key = key;
    list.replaceChildren(
      ...lines.map((l) => {
        const li = document.createElement('li');
        const t = document.createElement('time');
        t.textContent = l.time;
        li.append(t, document.createTextNode(' '));
        li.append(document.createTextNode(l.text));
        return li;
      }),
    );
  }
}
