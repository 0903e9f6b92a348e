// The element's Web Worker: its runs (run-host.js) step and draw here, off the page's thread, and
// each frame goes to the page as a transferred `ImageBitmap`. The page sends the WebAssembly
// module it compiled once for every instance, so a worker only instantiates it; no
// SharedArrayBuffer, so no COOP/COEP headers are needed. Loaded from another origin, the element
// starts this module through a same-origin bootstrap (run-client.js).

import init, * as mod from '../pkg/supernode_sim.js';
import { RunHost, messageOf } from './run-host.js';

let host = null;
let memory = null;
const waiting = [];
/** Turns a run's pixels (in the module's memory) into a bitmap to transfer. */
let canvas = null;
let ctx = null;

function present(which, sim, draw) {
  sim.render(draw.dt, draw.particles, draw.running);
  const w = sim.frame_width();
  const h = sim.frame_height();
  if (!canvas || canvas.width !== w || canvas.height !== h) {
    canvas = new OffscreenCanvas(w, h);
    ctx = canvas.getContext('2d');
  }
  ctx.putImageData(new ImageData(new Uint8ClampedArray(memory.buffer, sim.frame_ptr(), w * h * 4), w, h), 0, 0);
  return canvas.transferToImageBitmap();
}

function handle(msg) {
  const [reply, transfer] = host.handle(msg);
  self.postMessage(reply, transfer);
}

self.onmessage = async (e) => {
  const msg = e.data;
  if (msg.type === 'init') {
    try {
      const out = await init({ module_or_path: msg.module });
      memory = out.memory;
      host = new RunHost(mod, present, memory, (reply) => self.postMessage(reply));
      self.postMessage({ type: 'ready' });
      for (const m of waiting.splice(0)) handle(m);
    } catch (err) {
      self.postMessage({ type: 'failed', error: messageOf(err) });
    }
    return;
  }
  if (!host) waiting.push(msg);
  else handle(msg);
};
