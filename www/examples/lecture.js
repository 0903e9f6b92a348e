// The lecture deck: reveal.js from npm, with the supernode-sim plugin that sets each slide's
// simulation to its moment, plays it while the slide is shown and pauses it when the slide is left.
import Reveal from '../../node_modules/reveal.js/dist/reveal.mjs';
import Notes from '../../node_modules/reveal.js/dist/plugin/notes.mjs';
import SupernodeSim from '../integrations/reveal/supernode-sim-reveal.js';

const deck = new Reveal({
  // Laid out for 1280×720 and scaled to the screen (1920×1080 on a projector).
  width: 1280,
  height: 720,
  margin: 0.04,
  hash: true,
  transition: 'fade',
  plugins: [SupernodeSim, Notes],
});
deck.initialize();
// For scripts and tests: the deck, once it is ready.
window.deck = deck;
