// Small helpers of the <supernode-sim> element: numbers and times in words, colours read from
// CSS, and the pieces of markup it builds from data (never from attribute or URL text as markup).

/** A parameter control's value in words, as its description in Rust (`controls::SLIDERS`) says. */
export function showValue(display, v) {
  if (display.kind === 'percent') return `${Math.round(v * 100)}%`;
  if (display.kind === 'hours') return `${(v / 3600).toFixed(2)} h`;
  if (display.kind === 'number') return `${v.toFixed(display.digits)}${display.suffix}`;
  return String(v);
}

/** A CSS colour (`#rrggbb`, `#rgb` or `rgb()`) as `0xRRGGBB` for the renderer's palette;
 * grey for anything else. */
export function hex(css) {
  const s = css.trim();
  if (/^#[0-9a-f]{6}$/i.test(s)) return parseInt(s.slice(1), 16);
  if (/^#[0-9a-f]{3}$/i.test(s)) return parseInt(s.slice(1).split('').map((c) => c + c).join(''), 16);
  const m = s.match(/rgba?\((\d+)[ ,]+(\d+)[ ,]+(\d+)/);
  if (m) return (Number(m[1]) << 16) | (Number(m[2]) << 8) | Number(m[3]);
  return 0x888888;
}

/** A whole number with thousands separators. */
export function fmtInt(n) {
  return Math.round(n).toLocaleString('en-US');
}

/** A count of clients: millions with two decimals, else whole. */
export function fmtClients(n) {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : fmtInt(n);
}

/** Simulated time as a wall clock from the run's start (`h:mm`, or `day d, h:mm`). */
export function simulatedClock(tS) {
  const m = Math.floor(tS / 60);
  const d = Math.floor(m / 1440);
  const hh = Math.floor((m % 1440) / 60);
  const mm = String(m % 60).padStart(2, '0');
  return d > 0 ? `day ${d + 1}, ${hh}:${mm}` : `${hh}:${mm}`;
}

/** A <select> of the given names. */
export function selectOf(options) {
  const el = document.createElement('select');
  for (const o of options) {
    const op = document.createElement('option');
    op.value = o;
    op.textContent = o;
    el.append(op);
  }
  return el;
}

/** `{a: {b: 1}, 'c.d': 2}` → `[['a.b', 1], ['c.d', 2]]`: dotted keys as data, never paths
 * into an object (a key such as `__proto__` stays a key, which the parameter table rejects). */
export function flatPairs(obj, prefix = '', out = [], depth = 0) {
  for (const [k, v] of Object.entries(obj ?? {})) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && depth < 8) flatPairs(v, key, out, depth + 1);
    else out.push([key, v]);
  }
  return out;
}
