// The parameter panel of <supernode-sim>: a slider or a menu for each of the page's parameter
// controls (described once in Rust, `controls::SLIDERS`, and read from the module), and the value
// inputs of the A/B comparison. It builds and fills inputs; what a change does is the element's.

import { showValue, selectOf } from './element-util.js';

/** A parameter's value in a params object (`{a: {b: 1}}`, key `a.b`), keys as data. */
export function paramValue(params, key) {
  return key.split('.').reduce((o, k) => (o != null && Object.hasOwn(o, k) ? o[k] : undefined), params);
}

export class ParamPanel {
  /** The controls, each with its `input` and `out` once built. */
  controls = [];

  /** Builds the controls into `host` from `meta` (what `loadWasm` read: `controls.sliders` and
   * the parameter table `fields`). `onChange(control, input, msg)` runs when one is set. */
  constructor(host, meta, onChange) {
    host.textContent = '';
    const fields = Object.fromEntries(meta.fields.map((f) => [f.key, f]));
    // Each instance has its own copies (they hold this instance's inputs).
    this.controls = meta.controls.sliders.map((c) => ({
      ...c,
      type: c.display.kind === 'menu' ? 'select' : 'range',
      show: c.display.kind === 'menu' ? null : (v) => showValue(c.display, v),
    }));
    for (const c of this.controls) {
      const f = fields[c.key];
      const wrap = document.createElement('div');
      wrap.className = 'param';
      wrap.title = c.tip;
      const top = document.createElement('div');
      top.className = 'top';
      const label = document.createElement('label');
      const id = `p-${c.key.replace(/\W/g, '-')}`;
      label.htmlFor = id;
      label.textContent = c.label;
      const out = document.createElement('output');
      out.htmlFor = id;
      top.append(label, out);
      let input;
      if (c.type === 'select') {
        input = selectOf(f.kind.options);
      } else {
        input = document.createElement('input');
        input.type = 'range';
        input.min = String(c.min);
        input.max = String(c.max);
        input.step = String(c.step);
      }
      input.id = id;
      input.dataset.key = c.key;
      input.setAttribute('aria-describedby', `${id}-msg`);
      const msg = document.createElement('div');
      msg.className = 'msg';
      msg.id = `${id}-msg`;
      msg.setAttribute('role', 'status');
      input.addEventListener('input', () => {
        if (c.show) out.textContent = c.show(Number(input.value));
      });
      input.addEventListener('change', () => onChange(c, input, msg));
      wrap.append(top, input, msg);
      host.append(wrap);
      c.input = input;
      c.out = out;
    }
  }

  /** Shows the values of `params` (the run's, as `Sim.params` gives them). */
  sync(params) {
    for (const c of this.controls) {
      if (!c.input) continue;
      const v = paramValue(params, c.key);
      // A scenario may sit outside a slider's usual range (2015's operator-run supernodes).
      if (c.input.type === 'range') {
        if (Number(v) > Number(c.input.max)) c.input.max = String(v);
        if (Number(v) < Number(c.input.min)) c.input.min = String(v);
      }
      c.input.value = String(v);
      c.out.textContent = c.show ? c.show(Number(v)) : String(v);
    }
  }
}

/** The value inputs of an A/B comparison for parameter `field` (from the parameter table): a
 * menu for names and booleans, a number input within its range otherwise; `a` and `b` their
 * values. Returns `[inputA, inputB]`, with ids `ab-a` and `ab-b`. */
export function abInputsFor(field, a, b) {
  const make = (id, value) => {
    let el;
    if (field.kind.type === 'enum' || field.kind.type === 'bool') {
      el = selectOf(field.kind.type === 'enum' ? field.kind.options : ['false', 'true']);
    } else {
      el = document.createElement('input');
      el.type = 'number';
      el.min = String(field.kind.min);
      el.max = String(field.kind.max);
      el.step = 'any';
    }
    el.id = id;
    el.title = `${field.doc} Allowed: ${field.allowed}.`;
    if (value !== undefined) el.value = String(value);
    return el;
  };
  return [make('ab-a', a), make('ab-b', b)];
}
