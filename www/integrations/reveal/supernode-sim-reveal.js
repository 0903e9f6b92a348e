// supernode-sim for reveal.js: plays the simulation on the slide that shows it and pauses it when
// the slide is left, so a deck runs only what the audience sees.
//
//   import Reveal from 'reveal.js';
//   import SupernodeSim from './supernode-sim-reveal.js';
//   Reveal.initialize({ plugins: [SupernodeSim] });
//
// Two ways to put the simulation on a slide:
//
// 1. A `<supernode-sim>` element inside the slide: it plays while the slide is shown.
// 2. One element shared by many slides (one run, computed once, so every slide's moment is at
//    hand): put it anywhere in the deck with an id, and in each slide a slot naming it,
//      <div data-sim-slot="sim2010" data-sim-time="9600"></div>
//    When the slide is shown the element moves into the slot (a move keeps its run) and goes to
//    the slot's moment.
//
// What a slide (or a slot) may say, as data attributes on the `<section>` or on the slot:
//   data-sim-time="9600"   go to this simulated second when shown (the element's `seek()`)
//   data-sim-play="off"    stay paused there (default: play while shown)
//   data-sim-speed="1440"  play at this speed there (simulated seconds per second: the element's
//                          `speed` attribute, which stays set)
//   data-sim-compare='["retry.policy", "immediate", "full-jitter"]'
//                          show the A/B comparison of one parameter while the slide is shown
//                          (the element's `compare()`, which starts both runs afresh, before
//                          going to data-sim-time; ended when the slide is left)
// A bad value is reported in the console, naming the slide and the attribute; the deck goes on.

const SLOT = '[data-sim-slot]';

/** The attribute of the slot, else of the slide, if any. */
function said(slot, slide, name) {
  return slot?.getAttribute(name) ?? slide.getAttribute(name);
}

/** The elements a slide shows: its own, and those its slots name (moved into them when `move`). */
function elementsOf(slide, doc, move) {
  const found = [];
  for (const slot of slide.querySelectorAll(SLOT)) {
    const el = doc.getElementById(slot.getAttribute('data-sim-slot'));
    if (!el || el.localName !== 'supernode-sim') {
      console.error(`supernode-sim reveal plugin: data-sim-slot="${slot.getAttribute('data-sim-slot')}" names no <supernode-sim id="…"> in the deck`);
      continue;
    }
    if (move && el.parentElement !== slot) slot.append(el);
    found.push({ el, slot });
  }
  for (const el of slide.querySelectorAll('supernode-sim')) {
    if (!found.some((f) => f.el === el)) found.push({ el, slot: null });
  }
  return found;
}

function label(slide) {
  return slide.id ? `#${slide.id}` : `slide "${(slide.querySelector('h1,h2,h3')?.textContent ?? '').trim()}"`;
}

/** Reports a bad attribute in the console, naming the slide; the deck goes on without it. */
function bad(slide, message) {
  console.error(`supernode-sim reveal plugin, ${label(slide)}: ${message}`);
}

/** The slot's (else the slide's) comparison, as `[key, a, b]`, or null if it has none or a bad one. */
function comparisonOf(slide, text) {
  if (text === null) return null;
  let args = null;
  try {
    args = JSON.parse(text);
  } catch {
    /* reported below */
  }
  if (Array.isArray(args) && args.length === 3) return args;
  bad(slide, `data-sim-compare='${text}' is not a JSON list of a parameter key and two values`);
  return null;
}

/** The slot's (else the slide's) moment in simulated seconds, or null if it has none or a bad one. */
function momentOf(slide, text) {
  if (text === null) return null;
  const t = Number(text);
  if (text.trim() !== '' && Number.isFinite(t) && t >= 0) return t;
  bad(slide, `data-sim-time="${text}" is not a simulated second (a number, 0 or more)`);
  return null;
}

/** Shows the slide's moment in each of its elements (unless the deck has moved on meanwhile:
 * `stillShown()` says). A bad attribute is reported and skipped; the rest still applies. */
async function show(slide, doc, stillShown) {
  for (const { el, slot } of elementsOf(slide, doc, true)) {
    const at = momentOf(slide, said(slot, slide, 'data-sim-time'));
    const compare = comparisonOf(slide, said(slot, slide, 'data-sim-compare'));
    const speed = said(slot, slide, 'data-sim-speed');
    let play = said(slot, slide, 'data-sim-play') ?? 'on';
    if (play !== 'on' && play !== 'off') {
      bad(slide, `data-sim-play="${play}" is not on or off`);
      play = 'on';
    }
    try {
      await customElements.whenDefined('supernode-sim');
      await el.ready;
      if (!stillShown()) return;
      if (compare) {
        // compare() starts both runs afresh, so it comes before going to the moment.
        await el.compare(...compare);
        el.dataset.simComparing = '';
        if (!stillShown()) return;
      } else if ('simComparing' in el.dataset) {
        // Still comparing from a slide left before its comparison had started.
        delete el.dataset.simComparing;
        el.stopCompare();
      }
      if (at !== null) el.seek(at);
      // The element checks the speed and names a bad one in place.
      if (speed !== null) el.setAttribute('speed', speed);
      if (play === 'on') el.play();
      else el.pause();
    } catch (e) {
      // A comparison the element refuses (an unknown key or value) names itself.
      bad(slide, e.message ?? String(e));
    }
  }
}

/** Pauses the elements a slide showed, and ends their comparison if it started one. */
function leave(slide, doc) {
  for (const { el } of elementsOf(slide, doc, false)) {
    if (typeof el.pause === 'function') el.pause();
    if ('simComparing' in el.dataset) {
      delete el.dataset.simComparing;
      el.stopCompare?.();
    }
  }
}

/** The plugin (pass it in `plugins`, as it is: reveal.js calls `init` with the deck). */
const SupernodeSimReveal = {
  id: 'supernode-sim',
  init(deck) {
    const doc = deck.getRevealElement().ownerDocument;
    let current = null;
    const go = (slide) => {
      if (slide === current) return;
      if (current) leave(current, doc);
      current = slide;
      if (slide) show(slide, doc, () => current === slide);
    };
    deck.on('ready', (e) => go(e.currentSlide));
    deck.on('slidechanged', (e) => go(e.currentSlide));
    // The overview shows every slide at once: nothing plays there.
    deck.on('overviewshown', () => current && leave(current, doc));
    deck.on('overviewhidden', () => {
      const slide = current;
      current = null;
      go(slide ?? deck.getCurrentSlide());
    });
  },
};

export default SupernodeSimReveal;
