// The timeline under the picture: a track to scrub simulated time, how far the run has been
// computed, and the incident's chapters (the run's narrated moments and the record's published
// figures, each with its source) to jump between.
//
// The track is an <input type="range">, so it is an ARIA slider with the time as its value text,
// works with touch and pointer drags, and takes ←/→ (a simulated minute) and Home/End from the
// browser. This module adds Shift+←/→ (an hour), PageUp/PageDown (ten minutes), [ and ]
// (previous and next chapter), and the chapter marks. While a pointer drags the thumb the element
// is asked for a quick preview (the nearest saved mark); on release, for the exact time.

import { formatClock } from './chart.js';

/** A chapter: a moment on the timeline. */
// { t_s: number, label: string, source: string, kind: 'event' | 'record' }

export class Timeline {
  /**
   * @param {HTMLElement} root the `.timeline` element (holds `.scrub`, `.computed`, `.chapters`,
   *   `.chap-prev`, `.chap-next`)
   * @param {{seek: (t: number) => void, preview: (t: number) => void}} host what scrubbing asks
   */
  constructor(root, host) {
    this.root = root;
    this.host = host;
    this.input = root.querySelector('.scrub');
    this.computedEl = root.querySelector('.computed');
    this.chaptersEl = root.querySelector('.chapters');
    this.trigger = 0;
    this.horizon = 48 * 3600;
    this.chapters = [];
    this.dragging = false;
    this.now = 0;
    this.input.addEventListener('pointerdown', () => {
      this.dragging = true;
    });
    const end = () => {
      if (!this.dragging) return;
      this.dragging = false;
      this.host.seek(Number(this.input.value));
    };
    this.input.addEventListener('pointerup', end);
    this.input.addEventListener('pointercancel', end);
    this.input.addEventListener('input', () => {
      const t = Number(this.input.value);
      this.#label(t);
      if (this.dragging) this.host.preview(t);
      else this.host.seek(t);
    });
    this.input.addEventListener('keydown', (ev) => this.#onKey(ev));
    root.querySelector('.chap-prev').addEventListener('click', () => this.jump(-1));
    root.querySelector('.chap-next').addEventListener('click', () => this.jump(1));
    this.chaptersEl.addEventListener('click', (ev) => {
      const b = ev.target.closest('button[data-t]');
      if (b) this.host.seek(Number(b.dataset.t));
    });
  }

  /** A new run: its trigger time and how long its chart is. */
  reset(triggerS, horizonS) {
    this.trigger = triggerS;
    this.horizon = horizonS;
    this.input.max = String(horizonS);
    this.chapters = [];
    this.#drawChapters();
    this.setTime(0, 0);
  }

  /** The run is at `tS`, and has been computed up to `computedS` on its branch. */
  setTime(tS, computedS) {
    this.now = tS;
    if (tS > this.horizon) {
      this.horizon = Math.ceil(tS / 3600) * 3600;
      this.input.max = String(this.horizon);
      this.#drawChapters();
    }
    const pct = Math.min(100, (100 * Math.max(tS, computedS)) / this.horizon);
    this.computedEl.style.width = `${pct}%`;
    if (!this.dragging && document.activeElement !== this.input) this.input.value = String(tS);
    else if (!this.dragging && Math.abs(Number(this.input.value) - tS) >= 60) this.input.value = String(tS);
    if (!this.dragging) this.#label(tS);
  }

  /** The chapters: the run's narrated events and the record's published points. */
  setChapters(events, record) {
    const list = [
      ...events.map((e) => ({ t_s: e.t_s, label: e.text, source: 'the simulation', kind: 'event' })),
      ...record.map((r) => ({ t_s: r.t_s, label: `${r.when}: ${r.text}`, source: r.source, kind: 'record' })),
    ].sort((a, b) => a.t_s - b.t_s);
    const same = list.length === this.chapters.length && list.every((c, i) => c.t_s === this.chapters[i].t_s && c.label === this.chapters[i].label);
    if (same) return;
    this.chapters = list;
    this.#drawChapters();
  }

  /** Goes to the previous (`dir` −1) or next (+1) chapter from the current time. */
  jump(dir) {
    const t = this.now;
    const c = dir < 0 ? [...this.chapters].reverse().find((x) => x.t_s < t - 1) : this.chapters.find((x) => x.t_s > t + 1);
    if (c) this.host.seek(c.t_s);
  }

  #label(t) {
    const clock = formatClock(t, this.trigger);
    const here = this.chapters.filter((c) => Math.abs(c.t_s - t) < 60).map((c) => c.label);
    this.input.setAttribute('aria-valuetext', here.length ? `${clock}: ${here[0]}` : clock);
    this.input.title = `${clock} — drag to go to another moment; ←/→ a minute, Shift+←/→ an hour, [ and ] chapters`;
  }

  #onKey(ev) {
    const t = Number(this.input.value);
    let to = null;
    if (ev.shiftKey && (ev.key === 'ArrowLeft' || ev.key === 'ArrowDown')) to = t - 3600;
    else if (ev.shiftKey && (ev.key === 'ArrowRight' || ev.key === 'ArrowUp')) to = t + 3600;
    else if (ev.key === 'PageDown') to = t - 600;
    else if (ev.key === 'PageUp') to = t + 600;
    else if (ev.key === '[' || ev.key === ']') {
      ev.preventDefault();
      ev.stopPropagation();
      this.jump(ev.key === '[' ? -1 : 1);
      return;
    }
    if (to === null) return;
    ev.preventDefault();
    ev.stopPropagation();
    to = Math.max(0, Math.min(Number(this.input.max), to));
    this.input.value = String(to);
    this.#label(to);
    this.host.seek(to);
  }

  #drawChapters() {
    const el = this.chaptersEl;
    el.textContent = '';
    for (const c of this.chapters) {
      if (c.t_s > this.horizon) continue;
      const b = document.createElement('button');
      b.type = 'button';
      b.tabIndex = -1;
      b.className = `chap ${c.kind}`;
      b.dataset.t = String(c.t_s);
      b.style.left = `${(100 * c.t_s) / this.horizon}%`;
      const text = `${formatClock(c.t_s, this.trigger)} — ${c.label} (source: ${c.source})`;
      b.title = text;
      b.setAttribute('aria-label', text);
      el.append(b);
    }
  }
}
