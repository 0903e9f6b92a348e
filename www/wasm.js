// Loading the WebAssembly module once for every instance on a page, and what the page asks of it
// before any element exists: whether this browser can run it, and what a URL asks for.

import init, { scenarios_json, fields_json, inputs_json, limits_json, controls_json, query_inputs } from '../pkg/supernode_sim.js';

/** The smallest module that uses a 128-bit SIMD instruction: the model's supernode pass runs in
 * WebAssembly SIMD lanes, so a browser must validate this to run it. */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

/** Says in words what a browser lacks when it cannot run the module, or null. */
export function missingWasmFeature() {
  if (typeof WebAssembly !== 'object') return 'This browser has no WebAssembly.';
  if (!WebAssembly.validate(SIMD_PROBE)) {
    return 'This browser lacks WebAssembly SIMD, which the simulation needs (Chrome or Edge 91+, Firefox 89+, Safari 16.4+).';
  }
  return null;
}

/** Compiles the module once; the compiled module is also what each instance's worker instantiates. */
async function compile(url) {
  try {
    return await WebAssembly.compileStreaming(fetch(url));
  } catch {
    // A host that serves .wasm without its MIME type: compile from the bytes.
    const r = await fetch(url);
    if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
    return WebAssembly.compile(await r.arrayBuffer());
  }
}

let wasm = null;
/** Loads the WebAssembly module once for every instance on the page. Resolves to what every
 * instance reads once: the scenarios, the parameter table, the inputs, the clock's limits and
 * the parameter controls (all defined in Rust), the compiled module (for the instances'
 * workers) and the page's memory of it. */
export function loadWasm() {
  const missing = missingWasmFeature();
  if (missing) return Promise.reject(new Error(missing));
  wasm ??= compile(new URL('../pkg/supernode_sim_bg.wasm', import.meta.url)).then(async (module) => ({
    ...(await init({ module_or_path: module }).then((out) => ({ memory: out.memory }))),
    module,
    scenarios: JSON.parse(scenarios_json()),
    fields: JSON.parse(fields_json()),
    inputs: JSON.parse(inputs_json()),
    limits: JSON.parse(limits_json()),
    controls: JSON.parse(controls_json()),
  }));
  return wasm;
}

/** Bytes of WebAssembly memory the page's instances use together (they share one module and one
 * memory), or 0 before it is loaded. For benchmarks. */
export async function wasmMemoryBytes() {
  if (!wasm) return 0;
  const m = await wasm;
  return m.memory?.buffer.byteLength ?? 0;
}

/** What a page URL's query asks for (`location.search`), read by the inputs' one description in
 * Rust: `{attributes: [[name, value], ...], errors: [message, ...]}`. The attributes go to a
 * `<supernode-sim>`, which checks each value; the errors are about the URL itself (parameters the
 * page does not know, and values that are not allowed for an attribute `element` already has,
 * which then keeps its own). Keys stay data: nothing is built from them here. */
export async function readQuery(search, element = null) {
  await loadWasm();
  const pairs = [...new URLSearchParams(search)];
  const page = element ? [...element.attributes].map((a) => [a.name, a.value]) : [];
  return JSON.parse(query_inputs(JSON.stringify(pairs), JSON.stringify(page)));
}
