// The pointer over the <supernode-sim> element's picture (element.js): the tooltip of the
// supernode under it, and a click that crashes a supernode or restores it (or, when following,
// picks what to follow). The runs decide what is under the pointer (`hit`) and what a click does
// (`toggle`, Rust's `Session::toggle`; the tooltip's verb is the same decision); this module asks
// them and says what happened. Zoom, pan and double-clicks are element-view.js's, which hands a
// plain click here.

import { fmtInt } from './element-util.js';

/** Of the tooltip's width, what must stay inside the picture (CSS px). */
const TIP_WIDTH_PX = 250;

/** One element's pointer. See the file's comment. */
export class PicturePointer {
  /** The supernode under the pointer, and the one last clicked (−1: none); both are marked in
   * the picture. */
  hover = -1;
  selected = -1;
  /** Hover requests made: an answer to an older one is dropped (the pointer has moved on). */
  #seq = 0;

  /**
   * @param {{canvas: HTMLCanvasElement, stage: HTMLElement, tip: HTMLElement,
   *   request: (msg: object) => Promise<any>, ready: () => boolean, dpr: () => number,
   *   kick: () => void, follow: (what: string) => any, crashedOrRestored: (i: number, what: string,
   *   before: object) => void}} host the element: the picture, its stage and tooltip, a request
   *   to the runs, whether a run is there, the device pixel ratio, a request for the next frame,
   *   following a supernode or client, and what to do once a click crashed or restored one
   */
  constructor(host) {
    this.host = host;
    host.canvas.addEventListener('pointermove', (ev) => this.#move(ev));
    host.canvas.addEventListener('pointerleave', () => {
      this.hover = -1;
      host.tip.hidden = true;
      host.kick();
    });
  }

  /** Forgets the hovered and the clicked supernode (a new run). */
  reset() {
    this.hover = -1;
    this.selected = -1;
    this.host.tip.hidden = true;
  }

  /** The event's place on the picture: in device pixels (what the runs draw in) and in CSS px. */
  #point(ev) {
    const r = this.host.canvas.getBoundingClientRect();
    const dpr = this.host.dpr();
    return { x: (ev.clientX - r.left) * dpr, y: (ev.clientY - r.top) * dpr, cssX: ev.clientX - r.left, cssY: ev.clientY - r.top };
  }

  #move(ev) {
    if (!this.host.ready()) return;
    const p = this.#point(ev);
    const seq = ++this.#seq;
    this.host.request({ type: 'hit', x: p.x, y: p.y }).then((r) => {
      if (seq !== this.#seq) return;
      this.hover = r.i;
      const { tip, stage } = this.host;
      const s = r.info;
      if (!s) {
        tip.hidden = true;
      } else {
        tip.textContent = `Supernode #${s.index} (${s.kind}): ${s.state}. ${fmtInt(s.clients)} of ${fmtInt(s.max_clients)} clients; load ${fmtInt(s.load_per_s)} of ${fmtInt(s.capacity_per_s)} units/s.${s.click ? ` Click to ${s.click} it.` : ''}`;
        tip.hidden = false;
        tip.style.left = `${Math.min(p.cssX + 12, stage.clientWidth - TIP_WIDTH_PX)}px`;
        tip.style.top = `${Math.max(4, p.cssY - 48)}px`;
      }
      this.host.kick();
    }, () => {});
  }

  /** A click on the picture (once it is clear it was no double-click): `follow`, follow the
   * client under it (when each client is drawn) or else the supernode; otherwise crash the
   * supernode, or restore it if it is down. */
  click(ev, follow = false) {
    if (!this.host.ready()) return;
    const p = this.#point(ev);
    return this.host.request({ type: 'hit', x: p.x, y: p.y, client: follow }).then(async (h) => {
      if (follow && (h.client || h.i >= 0)) return this.host.follow(h.client || String(h.i));
      if (h.i < 0) return;
      const r = await this.host.request({ type: 'toggle', i: h.i });
      if (!r.what) return;
      this.selected = h.i;
      this.host.crashedOrRestored(h.i, r.what, r.before);
    });
  }
}
