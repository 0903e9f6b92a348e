// The live chart: three panels over simulated time.
//   top:    clients online (millions, left axis) and supernodes up (thousands, right axis)
//   middle: connection attempts per second (log, left) and supernode load ratio (log, right)
//   bottom: availability of sign-in and the services (%)
// A vertical cursor marks the current time; hovering shows every value at that time. In an A/B
// comparison, run B is drawn dashed over run A. One path per series, whatever the points.

const SERIES = [
  { key: 'clients_online', label: 'Clients online', unit: 'M', panel: 0, axis: 'left', scale: 1e-6, color: '--c-clients' },
  { key: 'supernodes_up', label: 'Supernodes up', unit: 'k', panel: 0, axis: 'right', scale: 1e-3, color: '--c-supernodes' },
  { key: 'connect_attempts_per_s', label: 'Connection attempts', unit: '/s', panel: 1, axis: 'left', log: true, color: '--c-attempts' },
  { key: 'sn_load_ratio', label: 'Supernode load', unit: '× pre-incident', panel: 1, axis: 'right', log: true, color: '--c-load' },
  { key: 'availability_login', label: 'Sign-in', unit: '%', panel: 2, axis: 'left', scale: 100, fixed: [0, 100], color: '--c-login', avail: true },
  { key: 'availability_messaging', label: 'Messaging', unit: '%', panel: 2, axis: 'left', scale: 100, fixed: [0, 100], color: '--c-messaging', avail: true },
  { key: 'availability_presence', label: 'Presence', unit: '%', panel: 2, axis: 'left', scale: 100, fixed: [0, 100], color: '--c-presence', avail: true },
  { key: 'availability_contacts', label: 'Contacts', unit: '%', panel: 2, axis: 'left', scale: 100, fixed: [0, 100], color: '--c-contacts', avail: true },
  { key: 'availability_web', label: 'Web', unit: '%', panel: 2, axis: 'left', scale: 100, fixed: [0, 100], color: '--c-web', avail: true },
  { key: 'availability_offline_im', label: 'Offline IM', unit: '%', panel: 2, axis: 'left', scale: 100, fixed: [0, 100], color: '--c-offline', avail: true },
  { key: 'availability_group_video', label: 'Group video', unit: '%', panel: 2, axis: 'left', scale: 100, fixed: [0, 100], color: '--c-video', avail: true },
];

export const CHART_SERIES = SERIES;

function fmt(v, digits = 1) {
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a >= 1e9) return (v / 1e9).toFixed(digits) + 'G';
  if (a >= 1e6) return (v / 1e6).toFixed(digits) + 'M';
  if (a >= 1e4) return (v / 1e3).toFixed(0) + 'k';
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

export function formatValue(s, v) {
  if (s.avail) return `${Math.round(v * 100)}%`;
  if (s.key === 'clients_online') return (v / 1e6).toFixed(2) + ' M';
  if (s.key === 'supernodes_up') return Math.round(v).toLocaleString('en-US');
  if (s.key === 'connect_attempts_per_s') return fmt(v) + ' /s';
  if (s.key === 'sn_load_ratio') return fmt(v) + '×';
  return fmt(v);
}

export function formatClock(tS, triggerS) {
  const d = tS - triggerS;
  const sign = d < 0 ? '−' : '+';
  const m = Math.floor(Math.abs(d) / 60);
  return `T${sign}${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}`;
}

export class Chart {
  constructor(canvas, readout, host) {
    this.canvas = canvas;
    this.readout = readout;
    this.host = host;
    this.ctx = canvas.getContext('2d');
    this.t = [];
    this.data = Object.fromEntries(SERIES.map((s) => [s.key, []]));
    this.tB = null;
    this.dataB = null;
    this.now = 0;
    this.trigger = 0;
    this.horizonS = 48 * 3600;
    this.hoverX = null;
    /** Published figures to mark on the clients panel: [{t_s, clients_online, when, text, source}]. */
    this.record = [];
    this.colors = {};
    this.dirty = true;
    canvas.addEventListener('pointermove', (e) => {
      const r = canvas.getBoundingClientRect();
      this.hoverX = e.clientX - r.left;
      this.dirty = true;
      this.draw();
    });
    // A click on the chart goes to that moment (`onSeek`); a drag along it shows the nearest
    // saved moment as it goes (`onPreview`) and goes to the exact one on release, as the
    // timeline does. Touch drags too (horizontal; a vertical swipe still scrolls the page).
    this.onSeek = null;
    this.onPreview = null;
    /** A drag that ended without a seek (the pointer was cancelled). */
    this.onPreviewEnd = null;
    this.geom = null;
    let dragging = false;
    /** The simulated minute under the pointer, or null off the plot (unless `clamp`). */
    const tAt = (e, clamp) => {
      if (!this.geom) return null;
      const r = canvas.getBoundingClientRect();
      const { x0, x1, tMax } = this.geom;
      let f = (e.clientX - r.left - x0) / (x1 - x0);
      if (f < 0 || f > 1) {
        if (!clamp) return null;
        f = Math.min(1, Math.max(0, f));
      }
      return Math.round((f * tMax) / 60) * 60;
    };
    canvas.addEventListener('pointerdown', (e) => {
      if (!this.onSeek || tAt(e, false) === null) return;
      dragging = true;
      canvas.setPointerCapture?.(e.pointerId);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (dragging) this.onPreview?.(tAt(e, true));
    });
    canvas.addEventListener('pointerup', (e) => {
      if (!dragging) return;
      dragging = false;
      this.onSeek(tAt(e, true));
    });
    canvas.addEventListener('pointercancel', () => {
      if (dragging) this.onPreviewEnd?.();
      dragging = false;
    });
    canvas.addEventListener('pointerleave', () => {
      this.hoverX = null;
      this.dirty = true;
      this.draw();
      this.readout.textContent = 'Point at the chart to read values; click or drag to go to a moment.';
    });
  }

  reset(triggerS, horizonS, withB = false) {
    this.t = [];
    for (const s of SERIES) this.data[s.key] = [];
    this.tB = withB ? [] : null;
    this.dataB = withB ? Object.fromEntries(SERIES.map((s) => [s.key, []])) : null;
    this.ghost = null;
    this.trigger = triggerS;
    this.horizonS = horizonS;
    this.now = 0;
    this.dirty = true;
  }

  append(t, cols) {
    for (let i = 0; i < t.length; i++) this.t.push(t[i]);
    for (const s of SERIES) {
      const c = cols[s.key];
      for (let i = 0; i < c.length; i++) this.data[s.key].push(c[i]);
    }
    if (t.length) this.dirty = true;
  }

  /** The run as it happened before a branch (drawn dotted and faint from `fromS` on), or null. */
  setGhost(t, cols, fromS) {
    this.ghost = t ? { t, data: cols, from: fromS } : null;
    this.dirty = true;
  }

  /** Adds samples of run B (drawn dashed). */
  appendB(t, cols) {
    if (!this.tB) return;
    for (let i = 0; i < t.length; i++) this.tB.push(t[i]);
    for (const s of SERIES) {
      const c = cols[s.key];
      for (let i = 0; i < c.length; i++) this.dataB[s.key].push(c[i]);
    }
    if (t.length) this.dirty = true;
  }

  /** Sets the published figures drawn as markers on the clients panel (from Rust's record_json). */
  setRecord(points) {
    this.record = points || [];
    this.dirty = true;
  }

  setNow(tS) {
    if (tS !== this.now) {
      this.now = tS;
      this.dirty = true;
    }
  }

  readColors() {
    const cs = getComputedStyle(this.host);
    for (const s of SERIES) this.colors[s.key] = cs.getPropertyValue(s.color).trim() || '#888';
    this.colors.axis = cs.getPropertyValue('--fg-muted').trim() || '#666';
    this.colors.grid = cs.getPropertyValue('--grid').trim() || '#ddd';
    this.colors.fg = cs.getPropertyValue('--fg').trim() || '#222';
    this.colors.cursor = cs.getPropertyValue('--c-cursor').trim() || '#c00';
    this.colors.bg = cs.getPropertyValue('--panel').trim() || '#fff';
    this.dirty = true;
  }

  layout() {
    const dpr = window.devicePixelRatio || 1;
    const r = this.canvas.getBoundingClientRect();
    const w = Math.max(1, Math.round(r.width * dpr));
    const h = Math.max(1, Math.round(r.height * dpr));
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
      this.dirty = true;
    }
    return { w: r.width, h: r.height, dpr };
  }

  draw() {
    if (!this.dirty) return;
    this.dirty = false;
    const { w, h, dpr } = this.layout();
    const ctx = this.ctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const padL = 44, padR = 44, padT = 22, gap = 30, padB = 30;
    const ph = Math.max(20, (h - padT - padB - 2 * gap) / 3);
    const panels = [
      { y: padT, h: ph },
      { y: padT + ph + gap, h: ph },
      { y: padT + 2 * (ph + gap), h: ph },
    ];
    const x0 = padL, x1 = Math.max(padL + 10, w - padR);
    const tMax = Math.max(this.horizonS, this.now, this.t.length ? this.t[this.t.length - 1] : 0);
    const xOf = (t) => x0 + (t / tMax) * (x1 - x0);
    this.geom = { x0, x1, tMax };
    ctx.font = '11px system-ui, sans-serif';
    ctx.lineWidth = 1;

    // Axis ranges.
    const ranges = {};
    for (const s of SERIES) {
      const d = this.data[s.key];
      if (s.fixed) {
        ranges[s.key] = { lo: s.fixed[0], hi: s.fixed[1] };
      } else if (s.log) {
        let mx = 1;
        for (const v of d) if (v > mx) mx = v;
        const top = Math.pow(10, Math.ceil(Math.log10(Math.max(10, mx))));
        const bottom = s.key === 'sn_load_ratio' ? 0.1 : 1;
        ranges[s.key] = { lo: Math.log10(bottom), hi: Math.log10(top), log: true };
      } else {
        let mx = 0;
        for (const v of d) if (v > mx) mx = v;
        if (s.key === 'clients_online') for (const r of this.record) mx = Math.max(mx, r.clients_online);
        mx = mx * s.scale;
        const step = niceStep(mx / 4 || 1);
        ranges[s.key] = { lo: 0, hi: Math.max(step, Math.ceil(mx / step) * step) };
      }
    }
    const yOf = (s, v, p) => {
      const r = ranges[s.key];
      let u = s.log ? Math.log10(Math.max(v, Math.pow(10, r.lo))) : v * s.scale;
      const f = (u - r.lo) / (r.hi - r.lo || 1);
      return p.y + p.h - Math.min(1, Math.max(0, f)) * p.h;
    };

    // Grids, axes and labels.
    ctx.strokeStyle = this.colors.grid;
    ctx.fillStyle = this.colors.axis;
    for (const [pi, p] of panels.entries()) {
      ctx.strokeRect(x0 + 0.5, p.y + 0.5, x1 - x0, p.h);
      const inPanel = SERIES.filter((s) => s.panel === pi);
      for (const s of inPanel.filter((s, i) => !s.avail || i === 0)) {
        const r = ranges[s.key];
        const ticks = s.log ? range(Math.round(r.lo), Math.round(r.hi)).map((e) => Math.pow(10, e)) : niceTicks(r.lo, r.hi);
        ctx.textAlign = s.axis === 'left' ? 'right' : 'left';
        ctx.fillStyle = s.avail ? this.colors.axis : this.colors[s.key];
        for (const v of ticks) {
          const y = s.log ? yOf(s, v, p) : p.y + p.h - ((v - r.lo) / (r.hi - r.lo)) * p.h;
          if (s.axis === 'left') {
            ctx.strokeStyle = this.colors.grid;
            ctx.beginPath();
            ctx.moveTo(x0, Math.round(y) + 0.5);
            ctx.lineTo(x1, Math.round(y) + 0.5);
            ctx.stroke();
          }
          const label = s.log ? fmt(v, 0) : (Number.isInteger(v) ? String(v) : v.toFixed(1));
          ctx.fillText(label, s.axis === 'left' ? x0 - 4 : x1 + 4, y + 3);
        }
        // The axis' unit above it.
        ctx.textAlign = s.axis === 'left' ? 'right' : 'left';
        ctx.fillText(s.unit.split(' ')[0], s.axis === 'left' ? x0 - 4 : x1 + 4, p.y - 9);
      }
    }
    // Time axis (hours).
    ctx.fillStyle = this.colors.axis;
    ctx.textAlign = 'center';
    const hours = tMax / 3600;
    const hStep = hours <= 6 ? 1 : hours <= 24 ? 3 : hours <= 72 ? 6 : hours <= 240 ? 24 : 72;
    for (let hh = 0; hh <= hours + 1e-9; hh += hStep) {
      const x = xOf(hh * 3600);
      ctx.fillText(`${hh}h`, x, h - padB + 14);
    }
    ctx.fillText('simulated time (hours from start)', (x0 + x1) / 2, h - 4);
    const bottom = panels[2].y + panels[2].h;
    // A vertical line across the three panels at time t.
    const vline = (t, color, width, dash) => {
      const x = Math.round(xOf(t)) + 0.5;
      ctx.strokeStyle = color;
      ctx.lineWidth = width;
      ctx.setLineDash(dash);
      ctx.beginPath();
      ctx.moveTo(x, panels[0].y);
      ctx.lineTo(x, bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      return x;
    };
    // Trigger marker.
    if (this.trigger > 0 && this.trigger <= tMax) {
      const x = vline(this.trigger, this.colors.axis, 1, [3, 3]);
      ctx.fillText('T', x, panels[0].y + 10);
    }
    // The series: one path each (run B dashed over run A).
    const runs = [[this.t, this.data, []]];
    if (this.tB) runs.push([this.tB, this.dataB, [5, 4]]);
    for (const [ts, data, dash] of runs) {
      ctx.setLineDash(dash);
      for (const s of SERIES) {
        const d = data[s.key];
        const p = panels[s.panel];
        if (!d.length) continue;
        ctx.lineWidth = s.avail ? 1.3 : 1.6;
        ctx.strokeStyle = this.colors[s.key];
        ctx.beginPath();
        const stride = Math.max(1, Math.floor(d.length / ((x1 - x0) * 2)));
        for (let i = 0; i < d.length; i += stride) {
          const x = xOf(ts[i]);
          const y = yOf(s, d[i], p);
          if (i === 0) ctx.moveTo(x, y);
          else ctx.lineTo(x, y);
        }
        ctx.stroke();
      }
    }
    // The run as it happened before a branch: dotted and faint, from the branch on.
    if (this.ghost) {
      const g = this.ghost;
      const start = Math.max(0, lowerBound(g.t, g.from) - 1);
      ctx.setLineDash([1.5, 3]);
      ctx.globalAlpha = 0.75;
      for (const s of SERIES) {
        const d = g.data[s.key];
        if (!d || d.length <= start) continue;
        const p = panels[s.panel];
        ctx.lineWidth = 1.6;
        ctx.strokeStyle = this.colors[s.key];
        ctx.beginPath();
        const stride = Math.max(1, Math.floor((d.length - start) / ((x1 - x0) * 2)));
        for (let i = start; i < d.length; i += stride) {
          const x = xOf(g.t[i]);
          const y = yOf(s, d[i], p);
          if (i === start) ctx.moveTo(x, y);
          else ctx.lineTo(x, y);
        }
        ctx.stroke();
      }
      ctx.globalAlpha = 1;
      ctx.setLineDash([]);
      const x = vline(g.from, this.colors.axis, 1, [1, 2]);
      ctx.fillText('branch', x, panels[0].y + 10);
    }
    ctx.setLineDash([]);
    // The published record, as open diamonds on the clients panel.
    const clients = SERIES.find((s) => s.key === 'clients_online');
    const marks = [];
    ctx.strokeStyle = this.colors.fg;
    ctx.lineWidth = 1.5;
    for (const r of this.record) {
      if (r.t_s > tMax) continue;
      const x = xOf(r.t_s);
      const y = yOf(clients, r.clients_online, panels[0]);
      ctx.beginPath();
      ctx.moveTo(x, y - 5);
      ctx.lineTo(x + 5, y);
      ctx.lineTo(x, y + 5);
      ctx.lineTo(x - 5, y);
      ctx.closePath();
      ctx.stroke();
      marks.push({ x, r });
    }
    // Cursor at the current time.
    vline(this.now, this.colors.cursor, 1.5, []);
    // Hover read-out.
    if (this.hoverX !== null && this.t.length) {
      const tH = ((this.hoverX - x0) / (x1 - x0)) * tMax;
      let i = lowerBound(this.t, tH);
      if (i >= this.t.length) i = this.t.length - 1;
      vline(this.t[i], this.colors.fg, 1, [2, 2]);
      const val = (data, s) => formatValue(s, data[s.key][i]);
      const hasB = this.tB && i < this.tB.length;
      const g = this.ghost;
      const gi = g && this.t[i] >= g.from ? lowerBound(g.t, this.t[i]) : -1;
      const hasG = gi >= 0 && gi < g.t.length && g.t[gi] === this.t[i];
      const parts = SERIES.map((s) => `${s.label}: ${val(this.data, s)}${hasB ? ` / B ${val(this.dataB, s)}` : ''}${hasG ? ` / as it happened ${formatValue(s, g.data[s.key][gi])}` : ''}`);
      const near = marks.find((m) => Math.abs(m.x - this.hoverX) <= 6);
      const rec = near
        ? ` · Published: ${near.r.text} (${near.r.when}; ${near.r.source})`
        : '';
      this.readout.textContent = `${formatClock(this.t[i], this.trigger)} (${(this.t[i] / 3600).toFixed(2)} h) — ${parts.join(' · ')}${rec}`;
    } else if (this.hoverX !== null) {
      const near = marks.find((m) => Math.abs(m.x - this.hoverX) <= 6);
      if (near) this.readout.textContent = `Published: ${near.r.text} (${near.r.when}; ${near.r.source})`;
    }
  }
}

function niceStep(x) {
  const e = Math.pow(10, Math.floor(Math.log10(x)));
  const f = x / e;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * e;
}

function niceTicks(lo, hi) {
  const step = niceStep((hi - lo) / 4 || 1);
  const out = [];
  for (let v = lo; v <= hi + step * 1e-9; v += step) out.push(Math.round(v * 1e6) / 1e6);
  return out;
}

function range(a, b) {
  const out = [];
  for (let i = a; i <= b; i++) out.push(i);
  return out;
}

function lowerBound(arr, x) {
  let lo = 0, hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
