// Sharing and exporting a run of <supernode-sim>: the link that reproduces it, the HTML that
// embeds it, a PNG of its pictures and chart, a WebM clip, and putting text on the clipboard or
// a file in the downloads. The element gathers what they need; nothing here reads its state.

/** The element's own module, for the embed code's `<script>`. */
const ELEMENT_URL = new URL('./supernode-sim.js', import.meta.url);

/**
 * What a link or an embed needs of a run.
 * @typedef {{scenario: string, seed: number, speed: number, defaultSpeed: number, t_s: number,
 *   startOverrides: string, actions: string, follow: string, byState: boolean}} RunRef
 */

/** A link that reproduces the run at its current time: scenario, seed, the parameters that
 * differ from the scenario's, the speed if not the default, and what the user did (replayed at
 * the same simulated seconds). `base` is the page to open. @param {RunRef} run */
export function linkTo(run, base) {
  const u = new URL(base, location.href);
  u.search = '';
  u.hash = '';
  const q = u.searchParams;
  q.set('scenario', run.scenario);
  q.set('seed', String(run.seed));
  q.set('t', String(Math.floor(run.t_s)));
  if (run.speed !== run.defaultSpeed) q.set('speed', String(run.speed));
  for (const [k, v] of Object.entries(JSON.parse(run.startOverrides))) q.set(`p.${k}`, String(v));
  const acts = JSON.parse(run.actions);
  if (acts.length) q.set('actions', JSON.stringify(acts));
  if (run.follow) q.set('follow', run.follow);
  if (run.byState) q.set('view', 'states');
  return u.toString();
}

/** HTML that shows the run in another page: an iframe of embed.html, and the element itself.
 * Attribute values are escaped; the element checks them again when it reads them. @param {RunRef} run */
export function embedCodeOf(run) {
  const page = linkTo(run, new URL('../embed.html', ELEMENT_URL));
  const attrs = [`scenario="${run.scenario}"`, `seed="${run.seed}"`, `time="${Math.floor(run.t_s)}"`];
  if (run.startOverrides !== '{}') attrs.push(`params='${run.startOverrides.replace(/'/g, '&#39;')}'`);
  if (run.actions !== '[]') attrs.push(`actions='${run.actions.replace(/'/g, '&#39;')}'`);
  if (run.follow) attrs.push(`follow="${run.follow}"`);
  if (run.byState) attrs.push('view="states"');
  const esc = (t) => t.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return {
    iframe: `<iframe src="${esc(page)}" width="100%" height="640" style="border:0" loading="lazy" title="supernode-sim: ${run.scenario}"></iframe>`,
    element: `<script type="module" src="${esc(ELEMENT_URL.href)}"></script>\n<supernode-sim ${attrs.join(' ')} controls="minimal"></supernode-sim>`,
  };
}

/** A file name for the run's exports (without the extension). @param {RunRef} run */
export function exportName(run) {
  return `supernode-sim-${run.scenario}-seed${run.seed}-t${Math.floor(run.t_s)}`;
}

/** A PNG of `canvases` side by side on `background`, as a Blob. */
export function pngOf(canvases, background) {
  const parts = canvases.filter((c) => c.width > 1);
  const w = parts.reduce((a, c) => a + c.width, 0);
  const h = Math.max(...parts.map((c) => c.height));
  const out = document.createElement('canvas');
  out.width = w;
  out.height = h;
  const ctx = out.getContext('2d');
  ctx.fillStyle = background || '#fff';
  ctx.fillRect(0, 0, w, h);
  let x = 0;
  for (const c of parts) {
    ctx.drawImage(c, x, 0);
    x += c.width;
  }
  return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG: the browser could not encode the picture'))), 'image/png'));
}

/** Records `seconds` of `canvas` as a WebM Blob; `during` starts what should be recorded and
 * returns what ends it. */
export async function recordCanvas(canvas, seconds, during) {
  if (typeof MediaRecorder === 'undefined' || !canvas.captureStream) throw new Error('WebM: this browser cannot record a canvas');
  const stream = canvas.captureStream(30);
  const type = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'].find((t) => MediaRecorder.isTypeSupported(t));
  if (!type) throw new Error('WebM: this browser cannot encode WebM');
  const rec = new MediaRecorder(stream, { mimeType: type });
  const chunks = [];
  rec.ondataavailable = (e) => e.data.size && chunks.push(e.data);
  const done = new Promise((resolve) => (rec.onstop = resolve));
  const end = during();
  rec.start(250);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  rec.stop();
  await done;
  stream.getTracks().forEach((t) => t.stop());
  end();
  return new Blob(chunks, { type: 'video/webm' });
}

/** Puts `text` on the clipboard; where there is none (a sandboxed frame, no permission), shows
 * it selected in `box` to copy by hand. Resolves to whether the clipboard took it. */
export async function copyText(box, text) {
  try {
    await navigator.clipboard.writeText(text);
    box.hidden = true;
    return true;
  } catch {
    box.hidden = false;
    box.value = text;
    box.focus();
    box.select();
    return false;
  }
}

/** Saves `blob` as `filename` through a temporary link inside `root`. */
export function download(root, blob, filename) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  a.hidden = true;
  root.append(a);
  a.click();
  setTimeout(() => {
    URL.revokeObjectURL(a.href);
    a.remove();
  }, 1000);
}
